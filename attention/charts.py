"""Chart builders: data in, `alt.Chart` out, so every chart can be tested without a browser."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd
import torch

from attention.toy import format_number

MASKED_COLOR = "#d9d9d9"
SCHEME = "blues"
DIVERGING = {"redblue", "blueorange", "purpleorange"}
PAIR = alt.Scale(range=["#1f5fbf", "#e8710a"])  # two series that stay apart for colour-blind readers


def matrix_frame(
    values: torch.Tensor, row_labels: Sequence[str], col_labels: Sequence[str], digits: int = 4
) -> pd.DataFrame:
    """A (rows, cols) tensor as a table of display strings, −∞ where masked, for `st.dataframe`."""
    data = [[format_number(float(x), digits) for x in row] for row in values.tolist()]
    return pd.DataFrame(data, index=list(row_labels), columns=_unique(col_labels))


def heatmap(
    values: torch.Tensor,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    row_title: str,
    col_title: str,
    value_title: str,
    masked_text: str = "−∞",
    show_text: bool | None = None,
    cell_size: int | None = None,
    row_size: int | None = None,
    scheme: str = SCHEME,
    max_width: int = 520,
) -> alt.Chart:
    """A (T_q, T_k) matrix as coloured cells; masked (−∞) cells are grey and read −∞.

    Row and column order follow the labels (queries down, keys across), tooltips carry the exact
    value, and non-finite cells are left out of the colour scale so one −∞ does not wash it out.
    Cells shrink so that the chart fits ``max_width`` pixels; numbers are written in them while they
    fit (``show_text`` forces either way). ``row_size`` sets a different height for the rows.
    """
    rows, cols = values.shape
    cell_size = cell_size or max(10, min(58, max_width // max(cols, 1)))
    row_size = row_size or cell_size
    show_text = cell_size >= 40 if show_text is None else show_text
    row_names, col_names = _unique(row_labels), _unique(col_labels)
    records = []
    for r in range(rows):
        for c in range(cols):
            x = float(values[r, c])
            finite = x == x and abs(x) != float("inf")
            records.append(
                {
                    "row": row_names[r],
                    "col": col_names[c],
                    "value": x if finite else 0.0,
                    "text": format_number(x) if finite else "−∞",
                    "exact": repr(x) if finite else masked_text,
                    "masked": not finite,
                }
            )
    frame = pd.DataFrame.from_records(records)
    finite = frame.loc[~frame["masked"], "value"]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "col:N",
            sort=col_names,
            title=col_title,
            axis=alt.Axis(labelAngle=0 if cols <= 16 else -60, orient="top"),
        ),
        y=alt.Y("row:N", sort=row_names, title=row_title),
    )
    tooltip = [
        alt.Tooltip("row:N", title=row_title),
        alt.Tooltip("col:N", title=col_title),
        alt.Tooltip("exact:N", title=value_title),
    ]
    # Masked cells are their own layer: a grey that the colour scale never sees.
    masked = base.transform_filter("datum.masked").mark_rect(
        stroke="white", strokeWidth=1, color=MASKED_COLOR
    )
    cells = (
        base.transform_filter("!datum.masked")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            color=alt.Color("value:Q", title=value_title, scale=_color_scale(scheme, finite)),
            tooltip=tooltip,
        )
    )
    layers = [masked.encode(tooltip=tooltip), cells]
    if show_text:
        middle = (finite.min() + finite.max()) / 2 if len(finite) else 0.0
        layers.append(
            base.mark_text(fontSize=13).encode(
                text="text:N",
                color=alt.condition(
                    f"!datum.masked && datum.value > {middle}", alt.value("white"), alt.value("#222")
                ),
                tooltip=tooltip,
            )
        )
    # Step sizing (a fixed size per cell) keeps small matrices square; fixed pixel sizes below ~200
    # are squashed by Streamlit's chart container.
    return alt.layer(*layers).properties(width=alt.Step(cell_size), height=alt.Step(row_size))


def scaling_charts(experiment: pd.DataFrame, label: Callable[[str], str]) -> alt.HConcatChart:
    """Two panels over d_k: the spread of q·k beside √d_k, and how softmax saturates without scaling.

    ``label(name)`` gives the visible text for score_std, sqrt_d_k, spread_axis, spread_title,
    unscaled, scaled, peak_axis and peak_title, so the caller chooses the language.
    """
    titles = {
        name: label(name)
        for name in (
            "score_std",
            "sqrt_d_k",
            "spread_axis",
            "spread_title",
            "unscaled",
            "scaled",
            "peak_axis",
            "peak_title",
        )
    }
    spread = experiment.melt("d_k", ["score_std", "sqrt_d_k"], var_name="series", value_name="y")
    spread["series"] = spread["series"].map(
        {"score_std": titles["score_std"], "sqrt_d_k": titles["sqrt_d_k"]}
    )
    left = (
        alt.Chart(spread)
        .mark_line(point=True)
        .encode(
            x=alt.X("d_k:Q", scale=alt.Scale(type="log", base=2), title="d_k"),
            y=alt.Y("y:Q", title=titles["spread_axis"]),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"), scale=PAIR),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=["d_k:Q", alt.Tooltip("y:Q", format=".3f"), "series:N"],
        )
        .properties(title=titles["spread_title"], width=320, height=240)
    )
    peak = experiment.melt(
        "d_k", ["max_weight_unscaled", "max_weight_scaled"], var_name="series", value_name="y"
    )
    peak["series"] = peak["series"].map(
        {"max_weight_unscaled": titles["unscaled"], "max_weight_scaled": titles["scaled"]}
    )
    right = (
        alt.Chart(peak)
        .mark_line(point=True)
        .encode(
            x=alt.X("d_k:Q", scale=alt.Scale(type="log", base=2), title="d_k"),
            y=alt.Y("y:Q", title=titles["peak_axis"], scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"), scale=PAIR),
            tooltip=["d_k:Q", alt.Tooltip("y:Q", format=".3f"), "series:N"],
        )
        .properties(title=titles["peak_title"], width=320, height=240)
    )
    return alt.hconcat(left, right).resolve_scale(color="independent")


def _color_scale(scheme: str, values: pd.Series) -> alt.Scale:
    """A diverging scheme is centred on 0, so that the sign of a product reads at a glance."""
    if scheme in DIVERGING:
        reach = float(values.abs().max()) if len(values) else 1.0
        return alt.Scale(scheme=scheme, domain=[-reach, reach], reverse=True)
    return alt.Scale(scheme=scheme)


def _unique(labels: Sequence[str]) -> list[str]:
    """Make repeated labels distinct ("the", "the·2") so that chart axes keep every row."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0) + 1
        seen[label] = count
        out.append(label if count == 1 else f"{label}·{count}")
    return out
