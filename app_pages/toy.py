"""The toy-vector page: the notes' example through dot product, scaling, mask, softmax and weighted sum."""

import math

import streamlit as st

import ui
from attention import charts, toy
from attention.core import AttentionSteps
from attention.errors import InputError

tr = ui.translator()
state = st.session_state


def apply_preset() -> None:
    state.update(toy.load_preset(state.preset))
    state.pop("handover_from", None)  # the vectors are no longer the ones a GPT-2 head sent


def resize_matrices() -> None:
    state.update(toy.resized(state))


def sync_sizes() -> None:
    state.update(toy.sizes(state))


def restore_view() -> None:
    """The browser's back or forward button brought an earlier view: its vectors decide the rest."""
    if "q_text" not in st.query_params and st.query_params.get("preset") in toy.PRESETS:
        apply_preset()  # a link naming only an example, as a talk's list of links has them
        return
    sent = state.get("last_handover", {})
    if sent.get("texts") == (state.q_text, state.k_text, state.v_text):  # the vectors a GPT-2 head sent
        state.handover_from, state.token_names = sent["from"], sent["token_names"]
    else:
        state.pop("handover_from", None)
        state.pop("token_names", None)
    sync_sizes()


first_visit = "q_text" not in state  # (a hand-over from GPT-2 fills the matrices before a first visit)
if first_visit and st.query_params.get("preset") in toy.PRESETS:  # a link naming only an example
    state.preset = st.query_params["preset"]
state.setdefault("preset", "seed")
if first_visit:
    apply_preset()
state.setdefault("scale", True)  # set here, not as widget defaults, so a hand-over from GPT-2 can set them
state.setdefault("temperature", 1.0)
matrices = dict(q_text=ui.MATRIX, k_text=ui.MATRIX, v_text=ui.MATRIX)
link = dict(preset=ui.TEXT, **matrices, causal=ui.FLAG, scale=ui.FLAG, temperature=ui.FLOAT, step=ui.INT)
if ui.linked_state("toy", link):  # a shared link brings its matrices and switches (and a talk's step)
    restore_view()
presenting = ui.presenting()
if not presenting:  # the step is a talk's: the whole page shows every step
    state.pop("step", None)
    ui.set_query("step", None)
if first_visit:
    sync_sizes()

st.title(tr("toy.title"))
ui.explain(tr("toy.intro"))
st.latex(toy.formula("attention"))
st.caption(tr("toy.formula_caption"))

with ui.inputs_panel(tr):  # on stage the inputs fold away, and the steps take the screen
    if not presenting:
        st.header(tr("toy.inputs"))
    if "handover_from" in state:  # vectors from a GPT-2 head, not one of the examples
        st.info(tr("toy.handover", **state.handover_from), icon="🔬")
        back, examples = st.columns(2)
        back.page_link("app_pages/heads.py", label=tr("toy.handover.back"))
        examples.button(tr("toy.handover.examples"), on_click=apply_preset)
    else:
        preset_label = lambda p: tr(f"toy.preset.{p}")  # noqa: E731
        options = list(toy.PRESETS)
        ui.choice(
            st, tr("toy.preset"), options, key="preset", format_func=preset_label, on_change=apply_preset
        )
        st.info(tr(f"toy.preset.{state.preset}.about"))
    for column, m in zip(st.columns(3), "qkv", strict=True):
        label, help_text = tr(f"toy.{m}_label"), tr("toy.matrix_help")
        column.text_area(label, key=f"{m}_text", height=140, help=help_text, on_change=sync_sizes)
    for column, (name, limit) in zip(st.columns(3), toy.SIZE_LIMITS.items(), strict=True):
        column.number_input(
            tr(f"toy.{name}"), 1, limit, key=name, on_change=resize_matrices, help=tr("toy.resize_help")
        )
    switches = st.columns(3)
    scaled = switches[0].toggle(tr("toy.scale"), key="scale")
    causal = switches[1].toggle(tr("toy.causal"), key="causal")
    temperature = switches[2].number_input(
        tr("toy.temperature"), step=0.1, key="temperature", help=tr("toy.temperature_help")
    )


def show_steps(steps: AttentionSteps, q: list, k: list, v: list, only: str | None = None) -> None:
    """The four steps (the mask inside the third), or on stage ``only`` the one being presented."""
    d_k, t_q, t_k = len(q[0]), len(q), len(k)
    keys, queries = toy.token_labels(t_k, t_q, state.get("token_names"))
    if only is None:
        st.caption(tr("toy.shape_line", t_q=t_q, t_k=t_k, d_k=d_k, d_v=len(v[0])))
    axes = dict(row_title=tr("common.query"), col_title=tr("common.key"))

    def show(step: str, cols: list[str] = keys, value: str = "common.score") -> None:
        ui.matrix_block(tr, getattr(steps, step), queries, cols, value_title=tr(value), name=step, **axes)

    if only in (None, "scores"):
        st.subheader(tr("toy.step1"))
        st.markdown(tr("toy.step1.about"))
        st.latex(toy.formula("scores"))
        show("scores")
        with st.expander(tr("toy.explain_cell"), expanded=True):
            pick = st.columns(2)
            i = ui.choice(
                pick[0], tr("toy.explain_query"), range(t_q), key="explain_q", format_func=queries.__getitem__
            )
            j = ui.choice(
                pick[1], tr("toy.explain_key"), range(t_k), key="explain_k", format_func=keys.__getitem__
            )
            st.code(f"q({queries[i]}) · k({keys[j]}) = {toy.explain_score(q[i], k[j])}", language=None)

    if only in (None, "scaled"):
        st.subheader(tr("toy.step2"))
        if scaled:
            sqrt_d_k = toy.format_number(math.sqrt(d_k))
            st.markdown(tr("toy.step2.about", d_k=d_k, sqrt_d_k=sqrt_d_k, temperature=temperature))
            st.latex(toy.formula("scaled", sqrt_d_k=math.sqrt(d_k), tau=temperature))
        else:
            st.markdown(tr("toy.step2.off", temperature=temperature))
            st.latex(toy.formula("scaled_off", tau=temperature))
        show("scaled")

    if only in (None, "weights"):
        if only is None or causal:  # on stage the mask is part of the softmax step when it is on
            st.subheader(tr("toy.step_mask"))
        if causal:
            st.markdown(tr("toy.step_mask.about"))
            if t_q < t_k:
                st.caption(tr("toy.step_mask.offset", t_q=t_q))
            st.latex(toy.formula("masked"))
            show("masked")
        elif only is None:
            st.markdown(tr("toy.step_mask.off"))

        st.subheader(tr("toy.step3"))
        st.markdown(tr("toy.step3.about"))
        st.latex(toy.formula("weights"))
        show("weights", value="common.weight")
        sums = ", ".join(toy.format_number(float(s)) for s in steps.weights.sum(-1))
        st.caption(tr("toy.step3.rowsums", sums=sums))
        if steps.allowed is not None and not bool(steps.allowed.any(-1).all()):
            st.caption(tr("toy.step3.nothing"))

    if only in (None, "output"):
        st.subheader(tr("toy.step4"))
        st.markdown(tr("toy.step4.about"))
        st.latex(toy.formula("output"))
        dims = [tr("toy.output_dim", i=d + 1) for d in range(len(v[0]))]
        axes["col_title"] = tr("common.value")
        show("output", dims, "common.value")
        lines = [f"{queries[r]}: {toy.explain_output(steps.weights[r].tolist(), v)}" for r in range(t_q)]
        st.code("\n".join(lines), language=None)


def show_why() -> None:
    st.header(tr("toy.why"))
    with ui.guarded(tr):
        experiment = st.cache_data(toy.scaling_experiment)()
        st.markdown(tr("toy.why.about", tokens=8))
        ui.chart(st, charts.scaling_charts(experiment, lambda name: tr(f"toy.why.{name}")), tr, "why-sqrt-dk")
        with st.expander(tr("toy.why.table")):
            st.dataframe(experiment.round(4), hide_index=True)


def step_to(step: int) -> None:
    state.step = min(max(step, 1), len(toy.STAGE_STEPS))


def stage_navigation() -> str:
    """On stage: the steps as a row of buttons, ← and → to move; returns the step to show."""
    step_to(int(state.get("step", 1)))
    state.step_input = state.step
    titles = {i: tr(f"toy.stage.{name}") for i, name in enumerate(toy.STAGE_STEPS, start=1)}

    def picked() -> None:
        state.step = state.step_input

    back, steps_row, forward = st.columns([1, 6, 1], vertical_alignment="bottom")
    back.button(tr("toy.stage.back"), shortcut="Left", on_click=step_to,
                args=(state.step - 1,), disabled=state.step == 1, width="stretch")  # fmt: skip
    steps_row.segmented_control(tr("toy.stage.steps"), list(titles), format_func=titles.__getitem__,
                                key="step_input", required=True, on_change=picked)  # fmt: skip
    forward.button(tr("toy.stage.next"), shortcut="Right", on_click=step_to,
                   args=(state.step + 1,), disabled=state.step == len(titles), width="stretch")  # fmt: skip
    return toy.STAGE_STEPS[state.step - 1]


shown = stage_navigation() if presenting else None
with ui.guarded(tr):
    try:
        q, k, v = (toy.parse_matrix(state[f"{m}_text"], m.upper()) for m in "qkv")
        steps = toy.run(q, k, v, scaled=scaled, temperature=temperature, causal=causal)
    except InputError as error:
        ui.show_error(error, tr)
        st.caption(tr("toy.fix_input"))
        steps = None
    if steps is not None and shown != "why":
        show_steps(steps, q, k, v, only=shown)
if shown in (None, "why"):
    show_why()
ui.write_link(link)  # sizes and switches the page changed while drawing
