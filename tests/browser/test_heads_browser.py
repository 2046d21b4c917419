"""A newcomer's tour of the heads pages in Chromium: a head from the overview, its q·k arithmetic, the same
numbers by hand on the first page, heads sorted by induction, and heads switched off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attention.offline import build_model_dir
from attention.strings import t

from .conftest import app_text, assert_no_exception, choose, serve_app, wait_for_app
from .gpt2_page import number_input, set_number
from .test_gpt2_browser import OVERVIEW, SHAPE, open_gpt2


@pytest.fixture(scope="module")
def heads_url(tmp_path_factory: pytest.TempPathFactory):
    model: Path = build_model_dir(tmp_path_factory.mktemp("gpt2") / "small", **SHAPE)
    with serve_app(env={"ATTENTION_MODEL": str(model)}, name="heads") as url:
        yield url


def go_to(page, nav_key: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t(nav_key, "en")).click()
    wait_for_app(page)
    assert_no_exception(page)


def table_rows(page, index: int) -> list[list[str]]:
    """The cells of the ``index``-th st.dataframe, row by row (from its hidden accessible table)."""
    table = page.locator("[data-testid='stDataFrame']").nth(index).locator("table")
    return [row.locator("td").all_text_contents() for row in table.locator("tbody tr").all()]


def test_from_a_head_in_the_overview_to_the_hand_calculation(heads_url, page):
    open_gpt2(page, heads_url)
    cells = page.locator(OVERVIEW).locator("path[aria-label$='layer: 2; head: 1']")
    cells.nth(cells.count() - 2).click()
    wait_for_app(page, rerun=True)

    go_to(page, "nav.heads")  # the chosen head comes along
    assert number_input(page, "Layer").input_value() == "2"
    assert number_input(page, "Head").input_value() == "1"
    rows = table_rows(page, 0)  # key token | q·k | scaled | weight
    assert rows and all(len(r) == 4 for r in rows)
    scores = [float(r[1]) for r in rows]

    page.get_by_role("button", name=t("qk.to_toy", "en")).click()
    page.get_by_role("heading", name=t("toy.title", "en")).wait_for()  # the app moves to the first page
    wait_for_app(page)
    assert_no_exception(page)
    text = app_text(page)
    assert "layer 2, head 1" in text and t("toy.title", "en") in text
    _label, *cells = table_rows(page, 0)[0]  # the scores step: one query row, after its label
    toy_scores = [float(x.replace("−", "-")) for x in cells]
    # The grid keeps only the columns in view in its accessible table: compare those.
    assert 4 <= len(toy_scores) <= len(scores)
    assert all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(toy_scores, scores, strict=False))

    page.get_by_role("link", name=t("toy.handover.back", "en")).click()  # and back again
    wait_for_app(page)
    assert number_input(page, "Layer").input_value() == "2"


def switch_off(page, heads: tuple[str, ...]) -> None:
    """Pick ``heads`` ("L0 H1", …) in the Heads at work page's list of heads to change."""
    page.locator("[data-testid='stMultiSelect']").first.get_by_role("combobox").click()
    for option in heads:
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_sort_heads_by_induction_and_switch_heads_off(heads_url, page):
    open_gpt2(page, heads_url)
    go_to(page, "nav.heads")
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("roles.pick", "en")).first
    picker.get_by_role("combobox").click()
    page.keyboard.type("random")  # the list filters as one types: only "Induction (random tokens)" is left
    page.get_by_role("option", name=t("heads.role.induction", "en"), exact=True).click()
    wait_for_app(page, rerun=True)
    for _ in range(20):  # the grid re-mounts its accessible table a moment after the rerun ends
        header = (
            page.locator("[data-testid='stDataFrame']").nth(1).locator("table thead th").all_text_contents()
        )
        column = header.index(t("heads.role.induction", "en"))
        scores = [float(r[column]) for r in table_rows(page, 1)]
        if scores == sorted(scores, reverse=True):
            break
        page.wait_for_timeout(500)
    assert scores == sorted(scores, reverse=True)

    go_to(page, "nav.flow")
    before = table_rows(page, 0)
    assert all(r[1] == r[2] for r in before)  # nothing switched off yet
    switch_off(page, ("L0 H0", "L0 H1", "L1 H0", "L1 H1"))
    after = table_rows(page, 0)
    assert any(r[1] != r[2] for r in after), "switching heads off changes the predictions"
    assert "switched" in page.url  # and the link remembers which heads


def chart_labels(page, index: int) -> list[str]:
    """The aria labels Vega gives each mark of the ``index``-th SVG chart ("field: value; …")."""
    chart = page.locator("[data-testid='stVegaLiteChart']").nth(index)
    return chart.locator("[aria-label*=': ']").evaluate_all("e => e.map(x => x.getAttribute('aria-label'))")


def test_heads_at_work_modes_rollout_and_lines(heads_url, page):
    """The third page's controls: how heads are switched off, where rollout starts, which head draws lines."""
    open_gpt2(page, heads_url)
    go_to(page, "nav.flow")
    switch_off(page, ("L0 H0", "L0 H1", "L0 H2", "L0 H3"))
    zeroed = table_rows(page, 0)
    choose(page, t("flow.mode", "en"), t("heads.ablation.uniform", "en"))
    assert t("heads.ablation.uniform.about", "en")[:30] in page.inner_text("body")
    assert "ablation_mode=uniform" in page.url
    uniform = table_rows(page, 0)
    assert uniform != zeroed, "a uniform look is not the same as no output at all"

    def rollout_sources() -> set[str]:
        return {label.split(";")[0] for label in chart_labels(page, 0) if label.startswith("input token")}

    everything = rollout_sources()
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("flow.rollout.query", "en")).first
    picker.get_by_role("combobox").click()
    page.keyboard.type("3 ")  # the list is long and drawn in part: typing filters it
    page.get_by_role("option", name=re.compile(r"^3 ")).click()
    wait_for_app(page, rerun=True)
    assert len(rollout_sources()) == 4 < len(everything), "rollout from token 3 reaches tokens 0 to 3"
    assert "query_token=3" in page.url

    lines_before = chart_labels(page, 1)
    set_number(page, "Head", 3)
    assert chart_labels(page, 1) != lines_before, "the line view draws the chosen head"
    assert t("flow.lines.about", "en", layer=0, head=3, min_weight=0.02)[:30] in page.inner_text("body")
    assert_no_exception(page)
