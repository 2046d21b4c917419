"""Presenter mode's look for charts: bigger type, and colour scales that hold up on a projector.

A projector washes out pale colours, and about one man in twelve tells red from green poorly. On
stage, every sequential scale becomes a reversed viridis (pale yellow for little, dark violet for
much: the order reads by lightness alone, in any colour vision) and every diverging scale the
blue-orange one. Text in and around the charts grows by about a third, and rows and columns of cells
grow taller where the bigger labels would otherwise overlap (column labels are slanted, and widening
the columns could push a wide chart off a projector's screen).

`restyle` works on a chart's Vega-Lite dict, so it applies to every chart of the project the same
way (and to what a speaker exports for a slide) without each builder knowing about the stage.
"""

from __future__ import annotations

import copy
from typing import Any

SEQUENTIAL = "viridis"
DIVERGING = "blueorange"
DIVERGING_SCHEMES = {"redblue", "redyellowblue", "blueorange", "purpleorange", "redgrey", "pinkyellowgreen"}
WARM_FIRST = {"redblue", "redyellowblue", "redgrey"}  # warm at the low end, where blue-orange is cool
TEXT_GROWTH = 1.35
MIN_STEP = 22  # pixels: the smallest band a row or column of labelled cells gets, so its label fits

# Vega-Lite's config for the text around the marks: axes, legends, titles, facet headers.
STAGE_CONFIG: dict[str, dict[str, Any]] = {
    "axis": {"labelFontSize": 16, "titleFontSize": 18, "labelLimit": 260},
    "legend": {"labelFontSize": 15, "titleFontSize": 16, "gradientLength": 240, "gradientThickness": 22},
    "title": {"fontSize": 22},
    "header": {"labelFontSize": 16, "titleFontSize": 18},
    "text": {"fontSize": 16},
}


def restyle(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec dressed for the stage; the data and everything else are unchanged."""
    staged = copy.deepcopy(spec)
    _walk(staged)
    config = staged.setdefault("config", {})
    for part, settings in STAGE_CONFIG.items():
        config[part] = {**config.get(part, {}), **settings}
    return staged


def stage_scheme(scheme: str, reverse: bool = False) -> tuple[str, bool]:
    """The colour scheme (and whether to reverse it) that replaces ``scheme`` on stage.

    Sequential schemes of the project go from pale (little) to dark (much); reversed viridis keeps
    that order, so text drawn white on dark cells stays readable.
    """
    if scheme in DIVERGING_SCHEMES:  # each sign keeps its warm or cool side, on screen and on stage
        return DIVERGING, reverse != (scheme in WARM_FIRST)
    return SEQUENTIAL, not reverse


def _walk(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("datasets") is not None or "values" in node:
        # data is never touched (and is the bulk of a big spec: skip it)
        node = {key: value for key, value in node.items() if key not in ("datasets", "values")}
    scale = node.get("scale")
    if isinstance(scale, dict) and isinstance(scale.get("scheme"), str):
        scale["scheme"], scale["reverse"] = stage_scheme(scale["scheme"], bool(scale.get("reverse")))
        if not scale["reverse"]:
            del scale["reverse"]
    mark = node.get("mark")
    if (
        isinstance(mark, dict)
        and mark.get("type") == "text"
        and isinstance(mark.get("fontSize"), int | float)
    ):
        mark["fontSize"] = round(mark["fontSize"] * TEXT_GROWTH, 1)
    band = node.get("height")  # rows of cells grow until their bigger labels fit (columns' slant)
    if isinstance(band, dict) and isinstance(band.get("step"), int | float) and band["step"] < MIN_STEP:
        band["step"] = MIN_STEP
    axis = node.get("axis")
    if isinstance(axis, dict):  # a size a builder chose for dense labels grows too (Vega drops overlaps)
        for size in ("labelFontSize", "titleFontSize"):
            if isinstance(axis.get(size), int | float):
                axis[size] = round(axis[size] * TEXT_GROWTH, 1)
    for key, value in node.items():
        if key != "config":
            _walk(value)
