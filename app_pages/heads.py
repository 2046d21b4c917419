"""What heads do: one real query written out step by step, and every head measured for its role."""

import streamlit as st

import model_cache
import ui
from attention import charts, qk, toy
from attention.toy import format_number

tr = ui.translator()
state = st.session_state

st.title(tr("heads.title"))
st.markdown(tr("heads.intro"))
name, loaded, result = model_cache.model_and_trace(tr)

st.header(tr("qk.title"))
layer, head = model_cache.head_picker(tr, result)
positions = list(range(result.n_tokens))
token_label = lambda i: f"{i} {result.tokens[i]}"  # noqa: E731
query = ui.choice(
    st, tr("qk.query"), positions, key="query_token", format_func=token_label, default=positions[-1]
)
b = qk.breakdown(result, layer, head, query)
labels = [f"{j} {result.tokens[j]}" for j in b.keys]
dim = b.q.shape[0]
about = dict(query=labels[-1], dim=dim, scale=format_number(b.scale), n=query + 1, shown=len(b.keys))
st.markdown(tr("qk.about", **about))

st.caption(tr("qk.products"))
dims = [str(d) for d in range(dim)]
look = dict(row_title=tr("qk.col.key"), col_title=tr("qk.dim"), value_title=tr("qk.product"), show_text=False,
            cell_size=11, scheme="redblue")  # fmt: skip
st.altair_chart(charts.heatmap(b.products, labels, dims, **look), width="content")
st.caption(tr("qk.table"))
columns = {c: tr(f"qk.col.{c}") for c in ("key", "score", "scaled", "weight")}
st.dataframe(qk.breakdown_table(b, result.tokens, columns), hide_index=True, width="content")
st.caption(tr("qk.output", dim=dim))
st.altair_chart(charts.heatmap(b.output[None, :], [labels[-1]], dims, **look), width="content")

if st.button(tr("qk.to_toy"), help=tr("qk.to_toy.help", digits=toy.HANDOVER_DIGITS), icon="🧮"):
    keys = b.keys
    q, k, v = result.q[layer, head], result.k[layer, head], result.v[layer, head]
    state.update(toy.handover(q, k, v, result.tokens, query=query, keys=keys))
    state.handover_from = dict(model=name, layer=layer, head=head, query=labels[-1], n=len(keys),
                               digits=toy.HANDOVER_DIGITS)  # fmt: skip
    st.switch_page("app_pages/toy.py")
