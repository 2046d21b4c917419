"""The one catalogue of every string a person sees, in English and Vietnamese (tiếng Việt).

Each area keeps its strings in a module of this package (`common`, `toy`, `gpt2`, …) as a dict
``{key: {"en": …, "vi": …}}``; they are merged here into `STRINGS`. Placeholders use `str.format`
names, the same in both languages. The Vietnamese wording follows the project's source notes.
"""

from __future__ import annotations

from typing import Any

from attention.strings import common, errors, gpt2, heads, qk, toy

LANGUAGES: dict[str, str] = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT_LANGUAGE = "en"


def _merge(*modules) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in modules:
        for key, texts in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"string key {key!r} is defined twice")
            merged[key] = texts
    return merged


STRINGS = _merge(common, errors, toy, gpt2, heads, qk)


def normalize_language(lang: str | None) -> str:
    """A supported language code for whatever came in (URL, widget), falling back to English."""
    lang = (lang or "").strip().lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The string ``key`` in ``lang``, with ``params`` filled in."""
    text = STRINGS[key][normalize_language(lang)]
    return text.format(**params) if params else text


class Translator:
    """``t`` bound to one language, for pages: ``tr = Translator("vi"); tr("toy.title")``."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_language(lang)

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(key, self.lang, **params)
