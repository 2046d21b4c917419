"""The GPT-2 page: real attention maps, all heads at a glance, and the proof that attend() is GPT-2's."""

import streamlit as st

import model_cache
import ui
from attention import export, gpt2, maps

tr = ui.translator()
state = st.session_state
axis = lambda name: tr(f"gpt2.axis.{name}")  # noqa: E731

st.title(tr("gpt2.title"))
ui.explain(tr("gpt2.intro"))
link: dict = {}  # this page keeps only the shared fields in its links
name, loaded, result = model_cache.model_and_trace(tr, "gpt2", link)

st.header(tr("gpt2.tokens"))
st.caption(tr("gpt2.tokens.count", n=result.n_tokens) + " · " + tr("gpt2.tokens.legend"))
ui.chart(st, maps.token_strip(result.tokens, label=axis), tr, "tokens")

# A click in the overview picks a head; apply it before the layer and head inputs are drawn.
picked = (state.get("overview") or {}).get("selection", {}).get("pick") or []
if picked and picked[0] != state.get("overview_applied"):
    state.overview_applied = picked[0]
    state.layer, state.head = int(picked[0]["layer"]), int(picked[0]["head"])

st.header(tr("gpt2.head"))
layer, head = model_cache.head_picker(tr, result)
ui.explain(tr("gpt2.head.about"))
size = maps.bins_for(result.n_tokens, 128)
if size > 1:
    st.caption(tr("gpt2.pooled", size=size))
titles = dict(query_title=axis("query"), key_title=axis("key"), weight_title=axis("weight"), max_bins=128)
head_title = tr("gpt2.head.chart_title", layer=layer, head=head)
side = 760 if ui.presenting() else 560  # on stage the chosen head fills the screen
head_map = maps.head_heatmap(
    result.weights[layer, head], result.tokens, title=head_title, side=side, **titles
)
labels = maps.token_axis_labels(result.tokens)
csv = lambda: export.matrix_csv(result.weights[layer, head], labels, labels, corner="query \\ key")  # noqa: E731
ui.chart(st, head_map, tr, f"layer{layer}-head{head}", csv=csv)
npz = lambda: export.trace_npz(result)  # noqa: E731
st.download_button(
    tr("export.npz"), npz, file_name="trace.npz", mime="application/octet-stream", on_click="ignore"
)

st.header(tr("gpt2.overview"))
st.caption(tr("gpt2.overview.about"))
grid = model_cache.cached_overview(*model_cache.traced())
overview = maps.overview_chart(result.weights, label=axis, selected=(layer, head), frame=grid)
ui.chart(st, overview, tr, "all-heads", on_select="rerun", selection_mode="pick", key="overview")

st.header(tr("gpt2.parity"))
ui.explain(tr("gpt2.parity.about"))
verdict = gpt2.parity(result)
diffs = dict(weights_diff=f"{verdict.max_weights_diff:.1e}", logits_diff=f"{verdict.logits_diff:.1e}")
numbers = dict(model=ui.escape_markdown(name), n=verdict.heads, **diffs)
if verdict.ok:
    st.success(tr("gpt2.parity.match", **numbers), icon="✅")
else:
    bad = dict(bad=verdict.mismatched_heads, tolerance=f"{gpt2.WEIGHTS_TOLERANCE:.0e}")
    st.error(tr("gpt2.parity.mismatch", **numbers, **bad), icon="❌")
ui.chart(
    st, maps.parity_heatmap(result.max_abs_diff, label=axis, tolerance=gpt2.WEIGHTS_TOLERANCE), tr, "parity"
)
st.subheader(tr("gpt2.parity.side_by_side", layer=layer, head=head))
sides = st.columns(2)
for column, key, weights in (
    (sides[0], "library", result.library_weights),
    (sides[1], "ours", result.weights),
):
    small = {**titles, "max_bins": 64}  # half the side, a quarter of the cells to send
    title = tr(f"gpt2.parity.{key}")
    side = maps.head_heatmap(weights[layer, head], result.tokens, title=title, side=320, **small)
    ui.chart(column, side, tr, f"layer{layer}-head{head}-{key}")

st.header(tr("gpt2.next"))
top = gpt2.top_next_tokens(loaded, result, k=5)
columns = {tr("gpt2.next.token"): [tok for tok, _ in top], tr("gpt2.next.probability"): [p for _, p in top]}
st.dataframe(columns, hide_index=True)
ui.write_link({**model_cache.LINK, **link})  # what the page changed while drawing
