"""Helpers for driving the served pages headless with Streamlit's AppTest."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def open_app(**query: str) -> AppTest:
    """The app's first page, opened with ``query`` in the URL and run once without an exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(monkeypatch, model: str | Path, page: str, **query: str) -> AppTest:
    """The app with ``ATTENTION_MODEL=model``, switched to ``page``, run once without an exception."""
    monkeypatch.setenv("ATTENTION_MODEL", str(model))
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def select(at: AppTest, key: str, value: object) -> None:
    """Pick ``value`` in the selectbox that keeps its choice under ``key`` (see `ui.choice`), and rerun."""
    (box,) = [b for b in at.selectbox if str(b.key).startswith(f"{key}:")]
    box.set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]


def shown(markdown: str) -> str:
    """What a reader sees of Markdown that the app escaped: backslash escapes read as their character."""
    return re.sub(r"\\(.)", r"\1", markdown)
