"""The GPT-2 page served for real and read in Chromium, with a small GPT-2 built offline.

The model (3 layers × 4 heads, 32 wide, random weights) is small enough for a test, and its overview
has few enough cells that Streamlit draws it as SVG with one labelled path per cell: a click can aim
at one head by its label instead of by pixel arithmetic.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from attention.offline import build_model_dir
from attention.strings import t

from .conftest import assert_no_exception, screenshot, serve_app, wait_for_app
from .gpt2_page import main_text, number_input, set_number, strip_tokens

SHAPE = dict(n_layer=3, n_head=4, n_embd=32, n_positions=128, initializer_range=0.3)
MARKUP = "<b>bold</b> **x** $y$"

# Vega labels each mark of an SVG chart with its fields ("…; layer: 2; head: 3"); these pick the charts.
OVERVIEW = "[data-testid='stVegaLiteChart']:has(path[aria-label*='x2: '][aria-label*='head: '])"
# Head maps are drawn on a canvas (the other charts as SVG): the chosen head's map is the first.
HEATMAP = "[data-testid='stVegaLiteChart']:has(canvas)"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("gpt2") / "small", **SHAPE)


@pytest.fixture(scope="module")
def gpt2_url(model_dir: Path):
    """The app serving the small model, shared by the tests that do not need a fresh server."""
    with serve_app(env={"ATTENTION_MODEL": str(model_dir)}, name="gpt2") as url:
        yield url


def open_gpt2(page, base_url: str, query: str = "") -> None:
    page.goto(f"{base_url}/gpt2{'?' + query if query else ''}")
    wait_for_app(page)
    assert_no_exception(page)


def set_text(page, text: str) -> None:
    box = page.get_by_role("textbox", name=t("gpt2.text", "en"), exact=True)
    box.fill(text)
    box.press("Control+Enter")
    wait_for_app(page, rerun=True)


def overview_heads(page) -> set[tuple[int, int]]:
    """The (layer, head) pairs the overview draws cells for."""
    labels = (
        page.locator(OVERVIEW)
        .locator("path[aria-label*='head: ']")
        .evaluate_all("paths => paths.map(p => p.getAttribute('aria-label'))")
    )
    pairs = (re.search(r"layer: (\d+); head: (\d+)", label) for label in labels)
    return {(int(m[1]), int(m[2])) for m in pairs if m}


def canvas_digest(chart) -> str:
    """A fingerprint of what a canvas-drawn chart shows, to tell whether it was redrawn differently."""
    data_url = chart.locator("canvas").first.evaluate("c => c.toDataURL()")
    return hashlib.sha256(data_url.encode()).hexdigest()


def inked_fraction(chart) -> float:
    """The share of a canvas chart's pixels that are not white: a drawn heatmap is mostly ink."""
    return chart.locator("canvas").first.evaluate(
        """c => {
            const {data} = c.getContext('2d').getImageData(0, 0, c.width, c.height);
            let inked = 0;
            for (let i = 0; i < data.length; i += 4)
                if (data[i + 3] > 0 && (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245)) inked++;
            return inked / (c.width * c.height);
        }"""
    )


def test_a_shared_link_to_gpt2_opens_the_whole_page_on_a_fresh_server(model_dir, page):
    """A link to /gpt2 opened before anyone visited the app: the frame, the maps and the proof are there."""
    with serve_app(env={"ATTENTION_MODEL": str(model_dir)}, name="gpt2-deep-link") as url:
        open_gpt2(page, url)

        sidebar = page.locator("[data-testid='stSidebar']")
        picker = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Language · Ngôn ngữ")
        assert picker.count() == 1, "the language picker is in the sidebar"
        nav = page.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_role("link", name=t("nav.toy", "en")).count() == 1
        assert nav.get_by_role("link", name=t("nav.gpt2", "en")).count() == 1

        assert page.get_by_role("heading", name="Inside GPT-2", exact=True).count() == 1
        count = re.search(r"(\d+) tokens · ", main_text(page))
        assert count, "the token strip's caption says how many tokens there are"
        assert len(strip_tokens(page)) == int(count[1]) > 0, "one box per token in the strip"
        assert overview_heads(page) == {(layer, head) for layer in range(3) for head in range(4)}
        heatmap = page.locator(HEATMAP).first
        assert heatmap.bounding_box()["height"] > 300
        assert inked_fraction(heatmap) > 0.2, "the head heatmap is drawn, not an empty canvas"

        verdict = page.locator("[data-testid='stAlert']").filter(has_text="Hand-written attention matches")
        assert verdict.count() == 1
        assert "all 12 heads" in verdict.inner_text()


def test_layer_and_head_inputs_pick_the_head_shown(gpt2_url, page):
    open_gpt2(page, gpt2_url)
    heatmap = page.locator(HEATMAP).first
    before = canvas_digest(heatmap)

    set_number(page, "Layer", 2)
    set_number(page, "Head", 3)

    assert_no_exception(page)
    assert "Layer 2, head 3" in main_text(page)
    assert canvas_digest(heatmap) != before, "the head heatmap was redrawn for the new head"


def test_clicking_a_head_in_the_overview_selects_it(gpt2_url, page):
    open_gpt2(page, gpt2_url)
    assert number_input(page, "Layer").input_value() == "0"
    assert number_input(page, "Head").input_value() == "0"

    # A cell low in the head's square: the upper triangle is masked and has no mark to click.
    cells = page.locator(OVERVIEW).locator("path[aria-label$='layer: 1; head: 2']")
    cells.nth(cells.count() - 2).click()
    wait_for_app(page, rerun=True)

    assert_no_exception(page)
    assert number_input(page, "Layer").input_value() == "1"
    assert number_input(page, "Head").input_value() == "2"
    assert "Layer 1, head 2" in main_text(page)


def test_lang_vi_shows_the_gpt2_page_in_vietnamese(gpt2_url, page):
    open_gpt2(page, gpt2_url, "lang=vi")
    assert page.get_by_role("heading", name="Bên trong GPT-2", exact=True).count() == 1
    assert page.get_by_role("heading", name="Inside GPT-2", exact=True).count() == 0


def test_an_empty_text_gets_a_message_not_a_traceback(gpt2_url, page):
    from playwright.sync_api import expect

    open_gpt2(page, gpt2_url)
    box = page.get_by_role("textbox", name=t("gpt2.text", "en"), exact=True)
    box.fill("")
    box.press("Control+Enter")
    # The run for an empty text is short enough that the browser may never show it as running, so
    # this waits for its outcome rather than for a run to begin and end.
    message = page.locator("[data-testid='stAlert']").filter(has_text=t("gpt2.error.empty_text", "en"))
    expect(message).to_have_count(1, timeout=90_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert box.input_value() == ""


def test_markup_in_the_text_is_shown_literally(gpt2_url, page):
    open_gpt2(page, gpt2_url)
    set_text(page, MARKUP)
    assert_no_exception(page)

    main = page.locator("[data-testid='stMain']")
    assert main.locator("b, strong").filter(has_text=re.compile(r"^\s*(bold|x)\s*$")).count() == 0
    assert main.locator(".katex").count() == 0, "$y$ is not typeset as maths"
    assert "".join(strip_tokens(page)).replace("␣", " ") == MARKUP, "the strip spells the text out"


def test_an_unreachable_hub_model_explains_itself_and_leaves_the_toy_page_working(tmp_path, page):
    """distilgpt2 offline with an empty cache: a message naming what to set, no traceback."""
    env = {"ATTENTION_MODEL": "distilgpt2", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    with serve_app(env=env, name="gpt2-offline") as url:
        open_gpt2(page, url)
        error = page.locator("[data-testid='stAlert']").filter(has_text="distilgpt2")
        assert error.count() >= 1
        message = error.first.inner_text()
        assert "HF_HOME" in message
        assert "ATTENTION_MODEL" in message
        assert "Traceback" not in main_text(page)
        assert t("gpt2.model.failed", "en") in main_text(page)
        screenshot(page, "test_an_unreachable_hub_model_explains_itself_gpt2_page")

        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t("nav.toy", "en")).click()
        wait_for_app(page)
        assert_no_exception(page)
        assert page.get_by_role("heading", name=t("toy.title", "en"), exact=True).count() == 1
        assert t("toy.why", "en") in main_text(page)
