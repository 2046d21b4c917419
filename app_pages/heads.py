"""What heads do: one real query written out step by step, and every head measured for its role."""

import streamlit as st

import model_cache
import ui
from attention import charts, heads, maps, qk, toy
from attention.toy import format_number

tr = ui.translator()
state = st.session_state

st.title(tr("heads.title"))
ui.explain(tr("heads.intro"))
link = dict(query_token=ui.INT, role=ui.TEXT)
name, loaded, result = model_cache.model_and_trace(tr, "heads", link)

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
about = dict(
    query=ui.escape_markdown(labels[-1]),
    dim=dim,
    scale=format_number(b.scale),
    n=query + 1,
    shown=len(b.keys),
)
st.markdown(tr("qk.about", **about))

st.caption(tr("qk.products"))
dims = [str(d) for d in range(dim)]
look = dict(row_title=tr("qk.col.key"), col_title=tr("qk.dim"), value_title=tr("qk.product"), show_text=False,
            cell_size=11, scheme="redblue")  # fmt: skip
ui.chart(st, charts.heatmap(b.products, labels, dims, **look), tr, "qk-products")
st.caption(tr("qk.table"))
columns = {c: tr(f"qk.col.{c}") for c in ("key", "score", "scaled", "weight")}
table = qk.breakdown_table(b, result.tokens, columns)
st.dataframe(
    table, hide_index=True, width="content", height=38 + 35 * len(table), column_config=ui.four_digits(table)
)
st.caption(tr("qk.output", dim=dim))
look.update(row_title=tr("gpt2.axis.query"), value_title=tr("common.value"))
ui.chart(st, charts.heatmap(b.output[None, :], [labels[-1]], dims, **look), tr, "qk-output")

if st.button(tr("qk.to_toy"), help=tr("qk.to_toy.help", digits=toy.HANDOVER_DIGITS), icon="🧮"):
    keys = b.keys
    q, k, v = result.q[layer, head], result.k[layer, head], result.v[layer, head]
    state.update(toy.handover(q, k, v, result.tokens, query=query, keys=keys))
    state.handover_from = dict(model=ui.escape_markdown(name), layer=layer, head=head,
                               query=ui.escape_markdown(labels[-1]), n=len(keys),
                               digits=toy.HANDOVER_DIGITS)  # fmt: skip
    sent = (state.q_text, state.k_text, state.v_text)  # for the browser's back and forward buttons
    state.last_handover = {"texts": sent, "from": state.handover_from, "token_names": state.token_names}
    state.step = 1  # on stage the hand calculation starts at its first step
    st.switch_page("app_pages/toy.py")

st.header(tr("roles.title"))
ui.explain(tr("roles.about"))
roles = model_cache.cached_roles(*model_cache.traced())
role_names = [r for r in heads.ROLES if r != "entropy"]  # entropy has no threshold: it is a column to sort by
pick = st.columns([3, 2])
role_label = lambda r: tr(f"heads.role.{r}")  # noqa: E731
sort_by_role = lambda: state.update(role_sort=state.role)  # noqa: E731
role = ui.choice(
    pick[0], tr("roles.pick"), role_names, key="role", format_func=role_label, on_change=sort_by_role
)
bounds = dict(min_value=0.0, max_value=1.0, step=0.05)
threshold = ui.shared(pick[1], "slider", tr("roles.threshold"), key="role_threshold", default=0.5, **bounds)
lit = roles.role_heads(role, threshold)
if lit:
    names = ", ".join(tr("roles.head_name", layer=layer_, head=head_) for layer_, head_ in lit)
    st.markdown(tr("roles.found", n=len(lit), threshold=threshold, heads=names))
else:
    st.markdown(tr("roles.none", threshold=threshold))
grid = model_cache.cached_overview(*model_cache.traced())
overview = maps.overview_chart(
    result.weights, label=lambda n: tr(f"gpt2.axis.{n}"), highlight=lit, frame=grid
)
ui.chart(st, overview, tr, "roles-overview")
st.caption(tr("roles.probe", n=roles.probe_length))

sort_by = ui.choice(
    st, tr("roles.sort"), list(heads.ROLES), key="role_sort", format_func=role_label, default=role
)
table = roles.table().sort_values(sort_by, ascending=sort_by == "entropy")
headers = {"layer": tr("roles.col.layer"), "head": tr("roles.col.head")} | {
    r: tr(f"heads.role.{r}") for r in heads.ROLES
}
st.dataframe(table.rename(columns=headers).round(3), hide_index=True)
with st.expander(tr("roles.definitions")):
    for r in heads.ROLES:
        st.markdown(f"**{tr(f'heads.role.{r}')}**: {tr(f'heads.role.{r}.about')}")
ui.write_link({**model_cache.LINK, **link})  # what the page changed while drawing
