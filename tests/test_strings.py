"""The bilingual catalogue: complete, consistent, and the only source of visible text."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from attention.strings import LANGUAGES, STRINGS, Translator, normalize_language, t

ROOT = Path(__file__).resolve().parents[1]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_exists_in_both_languages_with_the_same_placeholders(key):
    texts = STRINGS[key]
    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)
    assert placeholders(texts["en"]) == placeholders(texts["vi"])


def test_vietnamese_is_really_vietnamese():
    prose = [texts for texts in STRINGS.values() if len(texts["en"]) > 60]
    assert prose
    translated = [texts for texts in prose if texts["vi"] != texts["en"]]
    assert len(translated) == len(prose)
    diacritics = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]")
    assert all(diacritics.search(texts["vi"]) for texts in translated)


def test_every_key_the_code_asks_for_exists():
    pattern = re.compile(r"""\b(?:tr|t)\(\s*f?["']([a-z0-9_.]+)["']""")
    sources = [ROOT / "streamlit_app.py", ROOT / "ui.py", *(ROOT / "app_pages").glob("*.py")]
    asked = {key for path in sources for key in pattern.findall(path.read_text()) if not key.endswith(".")}
    assert asked, "the pattern should find the pages' keys"
    static = {key for key in asked if "{" not in key}
    assert static <= set(STRINGS), static - set(STRINGS)


def test_language_fallbacks():
    assert normalize_language("VI ") == "vi"
    assert normalize_language("fr") == "en"
    assert normalize_language(None) == "en"
    assert Translator("vi")("nav.toy") == t("nav.toy", "vi") != t("nav.toy", "en")


def test_pages_hold_no_visible_text_of_their_own():
    """Headings, labels and messages come from the catalogue; pages pass keys, never sentences."""
    calls = re.compile(
        r"""st\.(?:title|header|subheader|markdown|caption|info|warning|error|button)\(\s*["']"""
    )
    for path in [ROOT / "streamlit_app.py", *(ROOT / "app_pages").glob("*.py")]:
        assert not calls.search(path.read_text()), path.name
