"""The toy page served for real and read in Chromium: the seed's worked example, in both languages."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal

from attention.strings import t

from .conftest import app_text, choose, open_app

# A decimal number as printed: in text, LaTeX, or a dataframe cell (raw, full precision).
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def shows(text: str, *renderings: str) -> bool:
    """Whether ``text`` shows a number that reads as one of ``renderings`` at that precision.

    A printed ``2.309`` or a raw ``2.309401035308838`` both read as ``"2.309"``; ``2.31`` does not,
    since it has fewer decimals than the rendering asks for.
    """
    for token in NUMBER.findall(text):
        value = Decimal(token)
        for rendering in renderings:
            places = Decimal(rendering)
            token_places = -value.as_tuple().exponent
            if token_places >= -places.as_tuple().exponent and (
                value.quantize(places, rounding=ROUND_HALF_EVEN) == places
            ):
                return True
    return False


def test_shows_is_strict_about_precision():
    assert shows("weights [0.0030992135871201754, 0.99690]", "0.0031")
    assert shows("scaled 2.309", "2.309")
    assert not shows("scaled 2.31", "2.309")
    assert not shows("scores 140", "14")
    assert not shows("scores 1.4", "14")


def test_toy_page_shows_the_seed_example_steps(app_url, page):
    """q = [1, 2, 3] against two keys: scores [4, 14] → scaled by 1/√3 → weights ≈ [0.0031, 0.9969]."""
    open_app(page, app_url)
    text = app_text(page)

    assert shows(text, "4"), "score of the first key"
    assert shows(text, "14"), "score of the second key"
    assert shows(text, "2.309"), "first score scaled by 1/√3"
    assert shows(text, "8.083"), "second score scaled by 1/√3"
    assert shows(text, "0.0031", "0.003"), "weight of the first key"
    assert shows(text, "0.9969", "0.997"), "weight of the second key"


def test_lang_vi_shows_the_toy_page_in_vietnamese(app_url, page):
    open_app(page, app_url, "lang=vi")
    text = unicodedata.normalize("NFC", app_text(page)).casefold()

    assert t("toy.title", "vi").casefold() in text
    assert t("toy.title", "en").casefold() not in text
    assert "truy vấn" in text, "the Vietnamese term for Query"
    assert shows(text, "2.309"), "the numbers do not depend on the language"


def test_controls_work_in_the_browser(app_url, page):
    """A newcomer's tour: the causal preset, the mask, a typo, the language switch and a shared link."""
    from .conftest import assert_no_exception, wait_for_app

    open_app(page, app_url)
    choose(page, t("toy.preset", "en"), t("toy.preset.sentence", "en"))
    text = app_text(page)
    assert "−∞" in text, "masked cells are shown as −∞ before softmax"
    assert t("toy.step_mask.about", "en")[:40] in text

    page.get_by_role("textbox", name=t("toy.q_label", "en")).fill("1, 0, 0, x")
    page.get_by_role("textbox", name=t("toy.q_label", "en")).press("Control+Enter")
    wait_for_app(page)
    assert_no_exception(page)
    assert "“x” is not a number" in page.inner_text("body")
    assert t("toy.why", "en") in page.inner_text("body"), "the rest of the page still works"

    choose(page, "Language · Ngôn ngữ", "Tiếng Việt")
    assert "lang=vi" in page.url, "a copied link keeps the language"
    assert "không phải là số" in page.inner_text("body")
    page.get_by_text(t("toy.scale", "vi"), exact=True).click()  # one more rerun: the language holds
    wait_for_app(page)
    assert t("toy.title", "vi") in page.inner_text("body")

    page.goto(page.url)  # the shared link opens in Vietnamese
    wait_for_app(page)
    assert t("toy.title", "vi") in page.inner_text("body")
