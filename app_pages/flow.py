"""Heads at work: next-token predictions with heads switched off, attention rollout, one head as lines."""

import streamlit as st

import model_cache
import ui
from attention import charts, gpt2, heads
from attention.toy import format_number

tr = ui.translator()

st.title(tr("flow.title"))
ui.explain(tr("flow.intro"))
link = dict(switched=ui.HEADS, ablation_mode=ui.TEXT, query_token=ui.INT)
name, loaded, result = model_cache.model_and_trace(tr, "flow", link)

st.header(tr("flow.next"))
every_head = [(layer, head) for layer in range(result.layers) for head in range(result.heads)]
head_name = lambda lh: tr("roles.head_name", layer=lh[0], head=lh[1])  # noqa: E731
switched = ui.shared(st, "multiselect", tr("flow.switch"), key="switched", default=[], options=every_head,
                     format_func=head_name, help=tr("flow.switch.help"))  # fmt: skip
mode_label = lambda m: tr(f"heads.ablation.{m}")  # noqa: E731
mode = ui.choice(st, tr("flow.mode"), list(gpt2.ABLATION_MODES), key="ablation_mode", format_func=mode_label)
st.caption(tr(f"heads.ablation.{mode}.about"))
# Both columns come from the hand-written forward pass, so that they differ only by the heads changed.
logits = result.hand_next_token_logits
if switched:
    logits = model_cache.cached_ablation(*model_cache.traced(), tuple(sorted(switched)), mode)
rows = gpt2.compare_top_tokens(loaded, result.hand_next_token_logits, logits, k=8)
columns = [tr("flow.col.token"), tr("flow.col.before"), tr("flow.col.after", n=len(switched))]
table = {c: [row[i] if i == 0 else round(row[i], 4) for row in rows] for i, c in enumerate(columns)}
st.dataframe(table, hide_index=True)
top, p_top, p_after = rows[0]
if switched:
    change = dict(token=ui.escape_markdown(top), before=format_number(p_top), after=format_number(p_after))
    st.markdown(tr("flow.top_change", **change))

st.header(tr("heads.rollout"))
ui.explain(tr("heads.rollout.about"))
positions = list(range(result.n_tokens))
token_label = lambda i: f"{i} {result.tokens[i]}"  # noqa: E731
query = ui.choice(st, tr("flow.rollout.query"), positions, key="query_token", format_func=token_label,
                  default=positions[-1])  # fmt: skip
flow = heads.rollout(result.weights)[:, query, : query + 1]  # (layers, query + 1): what reached the token
layers = [str(layer) for layer in range(result.layers)]
sources = [token_label(j) for j in range(query + 1)]
look = dict(
    row_title=tr("flow.rollout.layer"),
    col_title=tr("flow.rollout.source"),
    value_title=tr("flow.rollout.share"),
)
cell = max(4, min(24, 880 // len(sources)))  # the whole text fits the page width; rows stay readable
ui.chart(
    st,
    charts.heatmap(flow, layers, sources, show_text=False, cell_size=cell, row_size=20, **look),
    tr,
    "rollout",
)

st.header(tr("flow.lines"))
layer, head = model_cache.head_picker(tr, result)
st.markdown(tr("flow.lines.about", layer=layer, head=head, min_weight=0.02))
line_label = lambda n: tr(f"heads.line.{n}")  # noqa: E731
frame = heads.line_view(result.weights[layer, head], result.tokens, min_weight=0.02)
ui.chart(
    st, heads.line_chart(frame, result.tokens, label=line_label, highlight=query), tr, f"lines-{layer}-{head}"
)
ui.write_link({**model_cache.LINK, **link})  # what the page changed while drawing
