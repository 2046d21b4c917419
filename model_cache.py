"""Streamlit caches around the library's model calls, shared by the pages that show a real model.

Kept apart from `ui` so that pages without a model never import transformers. Models and traces are
shared across sessions and threads; both are read-only once built (see `attention.gpt2`).
"""

from __future__ import annotations

import os
import threading

import streamlit as st

import ui
from attention import bundled, gpt2
from attention.budget import BudgetCache
from attention.errors import PlaygroundError
from attention.strings import Translator
from attention.toy import format_number

OTHER = "\u2026other"  # the model picker's last option: type a hub id or a folder
# Model input, not interface text: GPT-2 reads English, and a repeated phrase lets induction heads show
# (the bundled model continues it correctly, see `attention.bundled.EXAMPLES`).
DEFAULT_TEXT = bundled.EXAMPLES[0][0]


@st.cache_resource(show_spinner=False, max_entries=3)
def cached_model(name: str) -> gpt2.LoadedModel:
    """One loaded model per name for the whole server process."""
    return gpt2.load_model(name)


TRACE_CACHE_MB = 1024  # the default of ATTENTION_TRACE_CACHE_MB
FORWARD_SLOTS = 2  # the default of ATTENTION_FORWARD_SLOTS


def host_setting(name: str, default: int) -> int:
    """A whole number the host sets in the environment (or in Streamlit's secrets); ``default`` if unset
    or unreadable."""
    try:
        return int(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default


@st.cache_resource(show_spinner=False)
def trace_cache() -> BudgetCache[gpt2.Trace]:
    """The traces every session shares, kept while they fit in ``$ATTENTION_TRACE_CACHE_MB`` (1024 MB).

    A trace of GPT-2 small holds about 20 MB at 50 tokens, 70 MB at 200 and 1.3 GB at 1024: a budget
    keeps dozens of short texts, or a few long ones, where a count of entries would do neither.
    """
    budget_mb = host_setting("ATTENTION_TRACE_CACHE_MB", TRACE_CACHE_MB)
    return BudgetCache(max(budget_mb, 0) * 2**20, lambda result: result.nbytes)


@st.cache_resource(show_spinner=False)
def forward_slots() -> threading.BoundedSemaphore:
    """How many forward passes may run at once (``$ATTENTION_FORWARD_SLOTS``, default 2).

    Each pass holds its text's attention tensors while it runs, and torch already spreads one pass
    over the cores: a room of visitors sending texts together would multiply memory, not speed.
    """
    return threading.BoundedSemaphore(max(host_setting("ATTENTION_FORWARD_SLOTS", FORWARD_SLOTS), 1))


def cached_trace(name: str, text: str, max_tokens: int) -> gpt2.Trace:
    """One trace per (model, text, limit): switching layer or head runs no new forward pass, and many
    sessions asking for the same trace at once (a shared link in a talk) wait for one computation."""

    def compute() -> gpt2.Trace:
        with forward_slots():
            return gpt2.trace(cached_model(name), text, max_tokens=max_tokens)

    return trace_cache().get((name, text, max_tokens), compute)


LINK = dict(model=ui.TEXT, model_path=ui.TEXT, text=ui.TEXT, max_tokens=ui.INT, layer=ui.INT, head=ui.INT)


def use_bundled() -> None:
    """Switch this session to the bundled tiny GPT-2 (the button shown when a model cannot load)."""
    st.session_state["model"] = bundled.BUNDLED_NAME


def model_and_trace(
    tr: Translator, page: str, link: dict[str, ui.Codec] | None = None
) -> tuple[str, gpt2.LoadedModel, gpt2.Trace]:
    """The model picker (sidebar), the text and token limit, and the cached trace they name.

    Shared by every page about a real model: the choices follow the person from page to page, and
    they (with the page's own ``link`` fields) are kept in the URL, so a copied link reopens the view.
    A model that cannot be loaded or a text that cannot be traced is explained, and the page stops.
    """
    ui.linked_state(page, {**LINK, **(link or {})})
    if bundled.is_bundled(st.session_state.get("model", "")):  # a link may say model=tiny-gpt2
        st.session_state["model"] = bundled.BUNDLED_NAME
    offline = [bundled.BUNDLED_NAME] if bundled.BUNDLED_DIR.is_dir() else []
    options = list(dict.fromkeys([gpt2.default_model_name(), *offline, *gpt2.allowed_models()[:3], OTHER]))
    label = lambda o: tr("gpt2.model.other") if o == OTHER else o  # noqa: E731
    choice = ui.choice(st.sidebar, tr("gpt2.model"), options, key="model", format_func=label)
    path_help = tr("gpt2.model.path_help")
    typed = ui.shared(
        st.sidebar, "text_input", tr("gpt2.model.path"), key="model_path", default="", help=path_help
    )
    name = typed.strip() if choice == OTHER else choice
    try:
        with st.spinner(tr("gpt2.model.loading", name=ui.escape_markdown(name))):
            loaded = cached_model(name)
    except PlaygroundError as error:
        ui.show_error(error, tr)
        st.info(tr("gpt2.model.failed"))
        if offline and name != bundled.BUNDLED_NAME:  # one click to a model that needs no download
            st.button(tr("gpt2.model.use_bundled"), type="primary", on_click=use_bundled)
        st.stop()
    config = loaded.config
    params = format_number(sum(p.numel() for p in loaded.model.parameters()) / 1e6, 3) + " M"
    card = dict(
        name=ui.escape_markdown(name),
        layers=config.n_layer,
        heads=config.n_head,
        params=params,
        context=config.n_positions,
    )
    st.sidebar.caption(tr("gpt2.model.card", **card))
    if name == bundled.BUNDLED_NAME:
        with st.sidebar.expander(tr("gpt2.model.bundled_card")):
            st.markdown(bundled.model_card().text)  # the project's own model card, not user text

    inputs = ui.inputs_panel(tr)
    text = ui.shared(
        inputs, "text_area", tr("gpt2.text"), key="text", default=DEFAULT_TEXT, help=tr("gpt2.text.help")
    )
    context = gpt2.token_cap(config)  # the model's context, or the host's cap (ATTENTION_MAX_TOKENS)
    st.session_state["max_tokens"] = min(st.session_state.get("max_tokens", gpt2.DEFAULT_MAX_TOKENS), context)
    limits = dict(min_value=1, max_value=context, help=tr("gpt2.max_tokens.help"))
    limit = ui.shared(
        inputs,
        "number_input",
        tr("gpt2.max_tokens"),
        key="max_tokens",
        default=gpt2.DEFAULT_MAX_TOKENS,
        **limits,
    )
    st.session_state["_traced"] = (name, text, int(limit))  # what `traced` hands the other caches
    try:
        with st.spinner(tr("gpt2.tracing", n=limit)):
            result = cached_trace(name, text, int(limit))
    except PlaygroundError as error:
        ui.show_error(error, tr)
        st.stop()
    if result.truncated:
        st.warning(tr("gpt2.warning.truncated", total=result.truncated_from, kept=result.n_tokens), icon="✂️")
    return name, loaded, result


def head_picker(tr: Translator, result: gpt2.Trace) -> tuple[int, int]:
    """Layer and head inputs, shared by every page, kept inside the model's size."""
    state = st.session_state
    state["layer"] = min(state.get("layer", 0), result.layers - 1)
    state["head"] = min(state.get("head", 0), result.heads - 1)
    left, right = st.columns(2)
    layers, heads = (
        dict(min_value=0, max_value=result.layers - 1),
        dict(min_value=0, max_value=result.heads - 1),
    )
    layer = ui.shared(left, "number_input", tr("gpt2.layer"), key="layer", default=0, **layers)
    head = ui.shared(right, "number_input", tr("gpt2.head_pick"), key="head", default=0, **heads)
    return int(layer), int(head)


def traced() -> tuple[str, str, int]:
    """The (model, text, limit) of this run's trace: the key under which every cache below finds it."""
    return st.session_state["_traced"]


@st.cache_resource(show_spinner=False, max_entries=3)
def cached_probe(name: str):
    """The induction probe of a model: it never depends on the text, so it runs once per model."""
    from attention import heads

    loaded = cached_model(name)
    with forward_slots():
        return heads.induction_probe(loaded)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def cached_roles(name: str, text: str, max_tokens: int):
    """Every head's role scores for one trace (the probe comes from `cached_probe`)."""
    from attention import heads

    loaded = cached_model(name)
    return heads.head_roles(loaded, cached_trace(name, text, max_tokens), induction=cached_probe(name))


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def cached_ablation(name: str, text: str, max_tokens: int, switched: tuple[tuple[int, int], ...], mode: str):
    """The next-token logits with the heads ``switched`` replaced by ``mode``, one forward pass per choice."""
    result = cached_trace(name, text, max_tokens)
    with forward_slots():
        return gpt2.next_token_logits(cached_model(name), result.token_ids, {head: mode for head in switched})


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def cached_overview(name: str, text: str, max_tokens: int):
    """The pooled all-heads grid of one trace: computed once, not on every change of head."""
    from attention import maps

    return maps.overview_frame(cached_trace(name, text, max_tokens).weights)
