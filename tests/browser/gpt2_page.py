"""Reading the GPT-2 pages in Chromium: the token strip, the main text, the layer and head inputs."""

from __future__ import annotations

import re

from .conftest import wait_for_app

# Vega labels each mark of an SVG chart with its fields ("…; layer: 2; head: 3"); these pick the charts.
TOKEN_BOX = "path[aria-label*='position: '][aria-label*='; token: ']"
TOKEN_STRIP = f"[data-testid='stVegaLiteChart']:has({TOKEN_BOX})"


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def number_input(page, label: str):
    return page.get_by_role("spinbutton", name=label, exact=True)


def set_number(page, label: str, value: int) -> None:
    """Type ``value`` into the number input labelled ``label`` and wait for the rerun it starts."""
    box = number_input(page, label)
    box.fill(str(value))
    box.press("Enter")
    wait_for_app(page, rerun=True)


def strip_tokens(page) -> list[str]:
    """The token strip's tokens in order, read from the labels Vega gives each box."""
    labels = (
        page.locator(TOKEN_STRIP)
        .locator(TOKEN_BOX)
        .evaluate_all("paths => paths.map(p => p.getAttribute('aria-label'))")
    )
    by_position = {}
    for label in labels:
        found = re.search(r"position: (\d+); token: (.*)$", label)
        assert found, f"unexpected label on a token box: {label!r}"
        by_position[int(found[1])] = found[2]
    assert sorted(by_position) == list(range(len(by_position))), "one box per position, none missing"
    return [by_position[i] for i in range(len(by_position))]
