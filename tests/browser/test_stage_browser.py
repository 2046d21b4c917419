"""A talk, tried in Chromium: a prepared link in presenter mode, the toy page's steps by keyboard, GPT-2 on
stage, a chart exported for a slide, and links that reopen the same view.

The server serves the bundled tiny GPT-2 (ATTENTION_MODEL=tiny-gpt2), as a speaker without network would.
"""

from __future__ import annotations

import contextlib
import struct
from urllib.parse import parse_qs, urlparse

import pytest

from attention.strings import t

from .conftest import app_text, assert_no_exception, new_page, open_app, screenshot, serve_app, wait_for_app
from .gpt2_page import set_number

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STEPS = [t(f"toy.step{n}", "en") for n in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def stage_url():
    with serve_app(env={"ATTENTION_MODEL": "tiny-gpt2"}, name="stage") as url:
        yield url


def query(page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlparse(page.url).query).items()}


def step_titles(page) -> list[str]:
    """The step headings the main area shows (h3: `st.subheader`)."""
    return [title.strip() for title in page.locator("[data-testid='stMain'] h3").all_inner_texts()]


def press(page, key: str) -> None:
    page.evaluate("() => document.activeElement?.blur()")  # keys go to the page, not to a text box
    page.keyboard.press(key)
    wait_for_app(page)
    assert_no_exception(page)


@contextlib.contextmanager
def new_visitor(browser, link: str):
    """``link`` opened by someone else: a fresh browser context, closed afterwards."""
    visitor = new_page(browser)
    try:
        visitor.goto(link)
        wait_for_app(visitor)
        assert_no_exception(visitor)
        yield visitor
    finally:
        visitor.context.close()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk (IHDR comes first in every valid PNG)."""
    assert data.startswith(PNG_MAGIC), "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_a_speakers_walk_through(stage_url, page):
    """Prepared link → steps by arrow keys → GPT-2 on stage → a chart as PNG for the slides."""
    open_app(page, stage_url, "present=1")
    assert page.locator("[data-testid='stSidebar'][data-collapsed='true']").count() == 1, "sidebar folded"
    assert step_titles(page) == [STEPS[0]]
    screenshot(page, "stage-toy-step1")

    seen = []
    for _ in range(3):
        press(page, "ArrowRight")
        seen.append(step_titles(page))
    assert seen == [[STEPS[1]], [STEPS[2]], [STEPS[3]]]
    assert query(page)["step"] == "4", "the link follows the step"
    press(page, "ArrowLeft")
    assert step_titles(page) == [STEPS[2]]
    text = app_text(page)
    assert "0.9969" in text or "0.99690" in text, "the notes' weights are on the softmax step"
    screenshot(page, "stage-toy-step3")

    # To GPT-2 through the sidebar, as a speaker would: presenter mode stays on.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t("nav.gpt2", "en")).click()
    wait_for_app(page)
    assert_no_exception(page)
    assert query(page)["present"] == "1"
    assert page.get_by_role("heading", name=t("gpt2.title", "en"), exact=True).count() == 1
    assert t("gpt2.intro", "en")[:40] not in page.inner_text("body"), "the speaker says it"
    assert page.get_by_test_id("stAlertContentSuccess").count() == 1, "the parity verdict"
    screenshot(page, "stage-gpt2")

    # Export the chosen head's map for a slide.
    head_chart_export = page.get_by_test_id("stPopover").nth(1)  # the token strip's comes first
    head_chart_export.get_by_test_id("stPopoverButton").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").filter(has_text=t("export.png", "en")).locator(
            "button"
        ).click()
    download = download_info.value
    assert download.suggested_filename == "layer0-head0.png"
    data = download.path().read_bytes()
    width, height = png_size(data)
    assert width > 400 and height > 400, f"a chart big enough for a slide, not {width}×{height}"
    assert len(data) > 5_000, "a drawn chart, not an empty picture"


def test_the_toggle_turns_presenter_mode_on_and_off(stage_url, page):
    open_app(page, stage_url)
    assert len(step_titles(page)) >= 4, "the whole page when not presenting"
    page.get_by_test_id("stSidebar").get_by_text(t("sidebar.present", "en"), exact=True).click()
    wait_for_app(page, rerun=True)
    assert query(page)["present"] == "1"
    assert step_titles(page) == [STEPS[0]]
    page.get_by_test_id("stSidebar").get_by_text(t("sidebar.present", "en"), exact=True).click()
    wait_for_app(page, rerun=True)
    assert "present" not in query(page)
    assert len(step_titles(page)) >= 4


def test_a_copied_toy_link_reopens_the_same_view(stage_url, page, browser):
    """Causal mask on, other vectors, presenter mode at step 3, in Vietnamese: a new visitor sees the same."""
    open_app(page, stage_url, "lang=vi")
    box = page.get_by_role("textbox", name=t("toy.q_label", "vi"))
    box.fill("1, 0, 1\n0, 2, 1")  # two queries against the notes' two keys
    box.press("Control+Enter")
    wait_for_app(page)
    for label in ("toy.causal", "sidebar.present"):
        page.get_by_text(t(label, "vi"), exact=True).first.click()
        wait_for_app(page, rerun=True)
    press(page, "ArrowRight")
    press(page, "ArrowRight")
    before = (step_titles(page), app_text(page).split(t("toy.step_mask", "vi"))[-1])
    link = page.url

    with new_visitor(browser, link) as visitor:
        after = (step_titles(visitor), app_text(visitor).split(t("toy.step_mask", "vi"))[-1])
        assert after == before
        q_box = visitor.get_by_role("textbox", name=t("toy.q_label", "vi"), include_hidden=True)
        assert "0, 2, 1" in q_box.input_value()
        assert step_titles(visitor) == [t("toy.step_mask", "vi"), t("toy.step3", "vi")]
        screenshot(visitor, "stage-toy-link-reopened")


def test_a_copied_gpt2_link_reopens_the_same_head(stage_url, page, browser):
    page.goto(f"{stage_url}/gpt2?layer=1&head=2&text=one+two+three+one+two+three")
    wait_for_app(page)
    assert_no_exception(page)
    with new_visitor(browser, page.url) as visitor:
        for name, value in (("Layer", "1"), ("Head", "2")):
            assert visitor.get_by_role("spinbutton", name=name, exact=True).input_value() == value
        text = visitor.get_by_role("textbox", name=t("gpt2.text", "en"), exact=True).input_value()
        assert text == "one two three one two three"


def go(page, direction: str) -> None:
    """The browser's back or forward button; Streamlit reruns the page with the URL it brings back."""
    (page.go_back if direction == "back" else page.go_forward)()
    wait_for_app(page, rerun=True)
    assert_no_exception(page)


def test_back_and_forward_walk_through_the_toy_pages_views(stage_url, page):
    open_app(page, stage_url, "present=1")
    press(page, "ArrowRight")
    press(page, "ArrowRight")
    assert query(page)["step"] == "3"
    panel = page.get_by_test_id("stExpander").filter(has_text=t("present.controls", "en"))
    panel.locator("summary").click()  # on stage the inputs are folded away
    # By keyboard: a click aimed while the panel was still unfolding could land beside the switch.
    panel.get_by_role("switch", name=t("toy.causal", "en")).press("Space")
    wait_for_app(page, rerun=True)
    assert query(page)["causal"] == "1"

    go(page, "back")  # the mask goes off again, still at step 3
    assert query(page)["causal"] == "0" and query(page)["step"] == "3"
    assert page.get_by_role("switch", name=t("toy.causal", "en")).is_checked() is False
    assert t("toy.step3", "en") in step_titles(page)
    go(page, "back")
    assert query(page)["step"] == "2"
    assert step_titles(page) == [t("toy.step2", "en")]
    go(page, "forward")
    go(page, "forward")
    assert query(page)["causal"] == "1" and query(page)["step"] == "3"
    assert page.get_by_role("switch", name=t("toy.causal", "en")).is_checked() is True
    assert "−∞" in app_text(page), "the mask is on again"


def test_back_brings_back_the_previous_head(stage_url, page):
    page.goto(f"{stage_url}/gpt2?layer=1&head=0")
    wait_for_app(page)
    head = page.get_by_role("spinbutton", name="Head", exact=True)
    for value in (1, 2):
        set_number(page, "Head", value)
    assert query(page)["head"] == "2"
    go(page, "back")
    assert query(page)["head"] == "1"
    assert head.input_value() == "1"
    go(page, "back")
    assert head.input_value() == "0" and query(page)["layer"] == "1"
    go(page, "forward")
    assert head.input_value() == "1"
