"""Streamlit helpers shared by the frame and the pages: language, safe messages, matrix blocks.

The library (`attention/`) never imports Streamlit; this module is the thin layer that turns its
data, charts and errors into elements on the page.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import altair as alt
import streamlit as st
import torch
from streamlit.elements.vega_charts import _altair_globals_lock
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from attention import charts, stage
from attention.errors import PlaygroundError
from attention.strings import DEFAULT_LANGUAGE, LANGUAGES, Translator, normalize_language, t

log = logging.getLogger("attention.ui")

LANG_KEY = "lang"  # also the URL query parameter: ?lang=vi


def language_picker() -> Translator:
    """The sidebar language switch; ``?lang=vi`` in the URL picks it, and the URL follows the switch.

    (Streamlit's ``bind="query-params"`` would write the option's display name, "Tiếng Việt", into the
    URL; a shared link says ``lang=vi``.)
    """
    state = st.session_state
    if url_decides(LANG_KEY):
        state[LANG_KEY] = normalize_language(st.query_params.get(LANG_KEY))
    choice(
        st.sidebar,
        t("sidebar.language"),  # the same in every language, so that anyone can find the way back
        list(LANGUAGES),
        key=LANG_KEY,
        format_func=LANGUAGES.__getitem__,
    )
    set_query(LANG_KEY, None if state[LANG_KEY] == DEFAULT_LANGUAGE else state[LANG_KEY])
    return translator()


def set_query(key: str, value: str | None) -> None:
    """Make the URL query say ``key=value``, or not name ``key`` when ``value`` is None, when this run
    ends (see `flush_link`). Until then ``st.query_params`` still reads the URL the run started with."""
    st.session_state.setdefault(_LINK_KEY, {})[key] = value


_LINK_KEY = "_link_wanted"  # this run's changes to the URL query, sent together when it ends


def flush_link() -> None:
    """Send this run's changes to the URL in one message, or none when the URL already says them.

    The frame calls it once, at the end of every run. Each message the browser gets is a new entry in
    its history, so one change of view is one step of the back button.
    """
    wanted = st.session_state.pop(_LINK_KEY, {})
    now = st.query_params.to_dict()
    after = {key: value for key, value in {**now, **wanted}.items() if value is not None}
    if after != now:
        st.query_params.from_dict(after)


PRESENT_KEY = "present"  # also the URL query parameter: ?present=1

# Presenter mode's type: everything in the main area about a third larger, formulas most of all.
STAGE_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] :is(p, li),
[data-testid="stMain"] [data-testid="stAlertContentInfo"] p { font-size: 1.35rem; line-height: 1.5; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.15rem; }
[data-testid="stMain"] h1 { font-size: 3.2rem; }
[data-testid="stMain"] h2 { font-size: 2.4rem; }
[data-testid="stMain"] h3 { font-size: 2rem; }
[data-testid="stMain"] .katex { font-size: 1.8em; }
[data-testid="stMain"] :is(pre, code) { font-size: 1.2rem; }
[data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
</style>"""
STAGE_WIDTH = 960  # pixels a matrix may take across on stage


def presenter_switch(tr: Translator) -> bool:
    """The sidebar's presenter-mode toggle; ``?present=1`` turns it on, and the URL follows the toggle.

    On stage the pages show fewer controls, bigger type and colour scales for projectors (see
    `attention.stage`); the toy page steps through its four steps with the arrow keys.
    """
    state = st.session_state
    if url_decides(PRESENT_KEY):
        state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    on = shared(st.sidebar, "toggle", tr("sidebar.present"), key=PRESENT_KEY, default=False,
                help=tr("sidebar.present.help"))  # fmt: skip
    set_query(PRESENT_KEY, "1" if on else None)
    if on:
        st.html(STAGE_CSS)
    return on


def presenting() -> bool:
    """Whether this session is in presenter mode."""
    return bool(st.session_state.get(PRESENT_KEY))


def explain(text: str) -> None:
    """A paragraph of explanation, left out on stage where the speaker says it (project text, Markdown)."""
    if not presenting():
        st.markdown(text)


def inputs_panel(tr: Translator) -> Any:
    """Where a page draws its inputs: in place, or on stage folded into one "Inputs" panel."""
    return st.expander(tr("present.controls")) if presenting() else st.container()


def choice(
    container: Any,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str],
    on_change: Callable[[], None] | None = None,
    default: Any = None,
    **kwargs: Any,
) -> Any:
    """A selectbox whose choice survives a change of language or of the option labels.

    Streamlit remembers a selectbox by the label it showed, so after switching to Vietnamese (or after
    the token names change) the old label matches no option. The choice is kept under ``key`` and the
    widget gets a key of its own for each set of labels, started from that choice.
    """
    state = st.session_state
    labels = tuple(format_func(option) for option in options)
    widget_key = f"{key}:{zlib.crc32(repr(labels).encode()):08x}"
    if state.get(key) not in options:
        state[key] = default if default in options else options[0]
    state[widget_key] = state[key]

    def changed() -> None:
        state[key] = state[widget_key]
        if on_change is not None:
            on_change()

    container.selectbox(label, options, format_func=format_func, key=widget_key, on_change=changed, **kwargs)
    return state[key]


def shared(container: Any, widget: str, label: str, *, key: str, default: Any, **kwargs: Any) -> Any:
    """A widget whose value lives under ``key`` for the whole session, so every page that shows it agrees.

    Streamlit forgets a widget's value when its page is left; the value is kept under ``key`` and the
    widget (key ``<key>_input``) is started from it on every page.
    """
    state = st.session_state
    widget_key = f"{key}_input"
    if key not in state:
        state[key] = default
    state[widget_key] = state[key]

    def changed() -> None:
        state[key] = state[widget_key]

    getattr(container, widget)(label, key=widget_key, on_change=changed, **kwargs)
    return state[key]


def four_digits(frame: Any) -> dict[str, Any]:
    """Column settings that show a table's numbers with four significant digits (the data stays exact)."""
    return {
        name: st.column_config.NumberColumn(format="%.4g")
        for name, dtype in frame.dtypes.items()
        if dtype.kind == "f"
    }


def translator() -> Translator:
    """The catalogue bound to the language this session picked."""
    return Translator(normalize_language(st.session_state.get(LANG_KEY)))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:\"'=])")


def escape_markdown(text: str) -> str:
    """Text a person typed, made inert for Streamlit's Markdown: no HTML, links, emphasis or LaTeX."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).split()))


def show_error(error: PlaygroundError, tr: Translator, *, warning: bool = False) -> None:
    """An error of the project's own, in the person's language, with their text shown literally."""
    params = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in error.params.items()}
    (st.warning if warning else st.error)(t(error.key, tr.lang, **params), icon="⚠️")


@contextmanager
def guarded(tr: Translator) -> Iterator[None]:
    """Keep one part of a page from taking the rest down: a bug shows a calm message, not a traceback."""
    try:
        yield
    except PlaygroundError as error:
        show_error(error, tr)
    except Exception:
        log.exception("unexpected error while drawing a page section")
        st.error(tr("common.unexpected"), icon="⚠️")


def matrix_block(
    tr: Translator,
    values: torch.Tensor,
    rows: Sequence[str],
    cols: Sequence[str],
    *,
    row_title: str,
    col_title: str,
    value_title: str,
    name: str,
) -> None:
    """One step's matrix twice: the exact numbers as a table, and the same as a heatmap (exportable).

    On stage the heatmap takes the width, with cells big enough to read from the back of the room,
    and the table folds away under it.
    """
    stage_cells = min(120, max(16, STAGE_WIDTH // max(values.shape[1], 1))) if presenting() else None
    if stage_cells:
        left = st.expander(tr("toy.table"))
        right = st.container()
    else:
        left, right = st.columns([2, 3])
    with left:
        if not stage_cells:
            st.caption(tr("toy.table"))
        st.dataframe(charts.matrix_frame(values, rows, cols), width="content")
    with right:
        if not stage_cells:
            st.caption(tr("toy.chart"))
        heatmap = charts.heatmap(
            values,
            rows,
            cols,
            row_title=row_title,
            col_title=col_title,
            value_title=value_title,
            masked_text=tr("common.masked"),
            cell_size=stage_cells,
        )
        from attention import export

        csv = lambda: export.matrix_csv(values, rows, cols, corner=f"{row_title} \\ {col_title}")  # noqa: E731
        chart(st, heatmap, tr, name, csv=csv)


def vega_lite(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """An Altair chart as a Vega-Lite dict, its data written in, however many rows it has.

    Altair's data transformer and theme are global to the process, and Streamlit swaps in its own
    while it draws an Altair chart for any session, under its lock: a conversion outside that lock can
    hand this chart's data to another session's chart. So the conversion takes the same lock (private
    to Streamlit, whose version is pinned; tests/test_presenter.py checks that it is still there).
    """
    with _altair_globals_lock, alt.data_transformers.enable("default", max_rows=None):
        return chart.to_dict()


def chart(
    container: Any,
    spec: Any,
    tr: Translator,
    name: str,
    *,
    csv: Callable[[], bytes] | None = None,
    **kwargs: Any,
) -> Any:
    """An Altair chart with an export menu beside it: PNG and SVG (and the numbers as CSV, if given).

    The files are only made when a button is clicked, on Streamlit's download thread.
    """
    from attention import export  # vl-convert loads only when a page draws an exportable chart

    if presenting():  # the same chart, dressed for a projector (and exported so, for the slides)
        spec = stage.restyle(vega_lite(spec))
        # without Streamlit's chart theme, whose small type would win over the stage's
        shown = container.vega_lite_chart(spec, **{"width": "content", "theme": None, **kwargs})
    else:
        shown = container.altair_chart(spec, **{"width": "content", **kwargs})
    as_dict = lambda: spec if isinstance(spec, dict) else vega_lite(spec)  # noqa: E731

    with container.popover(tr("export.menu"), icon="⬇️"):
        st.download_button(tr("export.png"), lambda: export.chart_png(as_dict()), file_name=f"{name}.png",
                           mime="image/png", on_click="ignore", key=f"png-{name}")  # fmt: skip
        st.download_button(tr("export.svg"), lambda: export.chart_svg(as_dict()), file_name=f"{name}.svg",
                           mime="image/svg+xml", on_click="ignore", key=f"svg-{name}")  # fmt: skip
        if csv is not None:
            st.download_button(tr("export.csv"), csv, file_name=f"{name}.csv", mime="text/csv",
                               on_click="ignore", key=f"csv-{name}")  # fmt: skip
    return shown


# ---------------------------------------------------------------------------------------------------
# Shareable links: a page's meaningful state mirrored in the URL query

Codec = tuple[Callable[[Any], str], Callable[[str], Any]]  # (to the URL, back from it)

TEXT: Codec = (str, str)
INT: Codec = (lambda x: str(int(x)), int)
FLOAT: Codec = (lambda x: repr(float(x)), float)
FLAG: Codec = (lambda x: "1" if x else "0", lambda s: s == "1")
# Matrix texts travel as rows split by ";" (a line break in the page's text areas).
MATRIX: Codec = (lambda x: ";".join(str(x).splitlines()), lambda s: "\n".join(s.split(";")))
HEADS: Codec = (
    lambda pairs: ",".join(f"{layer}.{head}" for layer, head in pairs),
    lambda s: [tuple(int(n) for n in item.split(".")) for item in s.split(",") if item],
)


def came_back() -> bool:
    """Whether this run answers the browser's back or forward button: the URL then names the view to show.

    Every change of view writes a new URL, which Streamlit adds to the browser's history, and it marks
    the run that a step back or forward starts (``is_history_navigation`` on the run's context).
    Where a Streamlit version has no such mark, this is False: links still open the view they name.
    """
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def url_decides(key: str) -> bool:
    """Whether the session takes ``key`` from the URL on this run: on its first run, and when the
    browser's back or forward button brought back a URL that names it."""
    return key not in st.session_state or (came_back() and key in st.query_params)


def linked_state(page: str, fields: dict[str, Codec]) -> bool:
    """Keep ``fields`` of the session state in the URL, so a copied link reopens this exact view.

    The first time a session shows ``page``, and whenever the browser's back or forward button brings
    back an earlier URL, the values in the URL are taken over (one that cannot be read is ignored, one
    that is missing leaves the session's value); on every run the current values are written back.
    Call it before the widgets are drawn, and `write_link` again after anything the page changes
    while drawing. Returns whether this run came back through the browser's history.
    """
    state = st.session_state
    opened = state.setdefault("_linked_pages", set())
    back = came_back()
    if page not in opened or back:
        opened.add(page)
        for key, (_, decode) in fields.items():
            if key in st.query_params:
                with contextlib.suppress(ValueError, TypeError):
                    state[key] = decode(st.query_params[key])
    write_link(fields)
    return back


def write_link(fields: dict[str, Codec]) -> None:
    """Have the URL query name ``fields`` as they are now (a field not set in the session is left out)."""
    state = st.session_state
    for key, (encode, _) in fields.items():
        if state.get(key) is not None:
            set_query(key, encode(state[key]))
