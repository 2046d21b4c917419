"""Streamlit caches around the library's model calls, shared by the pages that show a real model.

Kept apart from `ui` so that pages without a model never import transformers. Models and traces are
shared across sessions and threads; both are read-only once built (see `attention.gpt2`).
"""

from __future__ import annotations

import streamlit as st

from attention import gpt2


@st.cache_resource(show_spinner=False, max_entries=3)
def cached_model(name: str) -> gpt2.LoadedModel:
    """One loaded model per name for the whole server process."""
    return gpt2.load_model(name)


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def cached_trace(name: str, text: str, max_tokens: int) -> gpt2.Trace:
    """One trace per (model, text, limit): switching layer or head runs no new forward pass."""
    return gpt2.trace(cached_model(name), text, max_tokens=max_tokens)
