"""Attention maps of a real model, made small enough for a browser: pooling and the GPT-2 page's charts.

A (layers, heads, T, T) tensor at GPT-2's full 1024-token context holds 151 million weights; sending
that to a browser would take hundreds of megabytes. Every chart here is built from a pooled copy with
at most a few thousand cells, and says so when it pools.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd
import torch

MASKED_FILL = "#e8e8e8"  # the view's background: cells above the diagonal are never sent, so they show it
WEIGHT_SCHEME = "blues"
# Thousands of cells draw faster on one canvas than as so many SVG paths (Streamlit picks the canvas
# by itself only past a size of data that the compact head maps no longer reach).
CANVAS = {"embedOptions": {"renderer": "canvas"}}
DIFF_SCHEME = "orangered"


def bins_for(t: int, max_bins: int) -> int:
    """How many tokens one pooled cell covers along an axis, so that at most ``max_bins`` remain."""
    return max(1, math.ceil(t / max_bins))


def pool(weights: torch.Tensor, size: int) -> torch.Tensor:
    """Mean over blocks of ``size`` × ``size`` tokens: (…, T, T) → (…, ⌈T/size⌉, ⌈T/size⌉).

    A block cut short by the end of the text is the mean of the weights it really covers, so a
    pooled cell is the mean weight from its query tokens to its key tokens. No padded copy of the
    input is made: at 1024 tokens that copy alone would be 600 MB for GPT-2 small.
    """
    if size == 1:
        return weights
    *lead, t_q, t_k = weights.shape
    flat = weights.reshape(-1, 1, t_q, t_k)  # (N, 1, T_q, T_k): a view, not a copy
    pooled = torch.nn.functional.avg_pool2d(flat, size, stride=size, ceil_mode=True)  # (N, 1, n_q, n_k)
    return pooled.reshape(*lead, *pooled.shape[-2:])


def token_axis_labels(tokens: Sequence[str]) -> list[str]:
    """ "3 ␣the": the position keeps repeated tokens apart and in order."""
    return [f"{i} {tok}" for i, tok in enumerate(tokens)]


def _range_labels(tokens: Sequence[str], size: int) -> list[str]:
    """For pooled axes: "16–31 ␣cat…" names the first token of each block of ``size``."""
    labels = []
    for start in range(0, len(tokens), size):
        end = min(start + size, len(tokens)) - 1
        labels.append(f"{start}–{end} {tokens[start]}" if end > start else f"{start} {tokens[start]}")
    return labels


def head_frame(
    weights: torch.Tensor, tokens: Sequence[str], *, max_bins: int = 64
) -> tuple[pd.DataFrame, int]:
    """Long-form cells of one head's (T, T) map, lower triangle only, pooled to ≤ ``max_bins`` per axis.

    Returns the frame and the pool size (1 = exact). Each cell is its ``query`` and ``key`` row numbers
    on the (pooled) axes and its ``weight`` to 6 decimals, what the tooltip shows: the labels are sent
    once with the chart (see `head_heatmap`), not once per cell.
    """
    size = bins_for(len(tokens), max_bins)
    pooled = pool(weights.float(), size)  # (n, n)
    n = pooled.shape[-1]
    qi, ki = torch.tril_indices(n, n)  # causal: nothing above the diagonal is ever attended
    weight = pooled[qi, ki].double().round(decimals=6)
    return pd.DataFrame({"query": qi.tolist(), "key": ki.tolist(), "weight": weight.tolist()}), size


def head_labels(tokens: Sequence[str], size: int) -> list[str]:
    """The axis labels of a head map pooled by ``size``: "3 ␣the", or "16–31 ␣cat" for a block."""
    return token_axis_labels(tokens) if size == 1 else _range_labels(tokens, size)


def head_heatmap(
    weights: torch.Tensor,
    tokens: Sequence[str],
    *,
    query_title: str,
    key_title: str,
    weight_title: str,
    title: str = "",
    max_bins: int = 64,
    side: int = 560,
) -> alt.Chart:
    """One head's attention: query rows, key columns, exact weights in tooltips, masked cells grey.

    The cells carry row numbers; the token labels travel once, as the chart parameter ``labels``, and
    the axes and tooltips look them up in the browser.
    """
    frame, size = head_frame(weights, tokens, max_bins=max_bins)
    names = head_labels(tokens, size)
    labels = alt.param(name="labels", value=names)
    lookup = f"{labels.name}[datum.value]"
    y_axis = alt.Axis(
        labelExpr=lookup, labelLimit=120, labelFontSize=11 if len(names) <= 32 else 9, labelOverlap=True
    )
    x_axis = alt.Axis(labelExpr=lookup, labelAngle=-60, labelLimit=120, labelOverlap=True)
    return (
        alt.Chart(frame, title=title)
        .mark_rect()
        .encode(
            x=alt.X("key:O", title=key_title, axis=x_axis),
            y=alt.Y("query:O", title=query_title, axis=y_axis),
            color=alt.Color(
                "weight:Q", title=weight_title, scale=alt.Scale(scheme=WEIGHT_SCHEME, domain=[0, 1])
            ),
            tooltip=[
                alt.Tooltip("query_label:N", title=query_title),
                alt.Tooltip("key_label:N", title=key_title),
                alt.Tooltip("weight:Q", title=weight_title, format=".6f"),
            ],
        )
        .transform_calculate(query_label=f"{labels.name}[datum.query]", key_label=f"{labels.name}[datum.key]")
        .add_params(labels)
        .properties(width=side, height=side, background="white", usermeta=CANVAS)
        .configure_view(fill=MASKED_FILL, stroke=None)
    )


def overview_frame(weights: torch.Tensor, *, bins: int = 12) -> pd.DataFrame:
    """Every head's map pooled to ``bins`` × ``bins`` and laid out as one grid: (layers, heads, T, T) in.

    Each row is one pooled cell: layer, head, and its position x, y in the grid of all heads.
    """
    layers, heads, t, _ = weights.shape
    size = bins_for(t, bins)
    pooled = pool(weights.float(), size)  # (layers, heads, n, n)
    n = pooled.shape[-1]
    qi, ki = torch.tril_indices(n, n)
    cells = pooled[:, :, qi, ki]  # (layers, heads, cells)
    layer = torch.arange(layers).repeat_interleave(heads * len(qi))
    head = torch.arange(heads).repeat_interleave(len(qi)).repeat(layers)
    return pd.DataFrame(
        {
            "layer": layer.numpy().astype("int16"),
            "head": head.numpy().astype("int16"),
            "x": (head * (n + 1) + ki.repeat(layers * heads)).numpy().astype("int32"),
            "y": (
                torch.arange(layers).repeat_interleave(heads * len(qi)) * (n + 1) + qi.repeat(layers * heads)
            )
            .numpy()
            .astype("int32"),
            "weight": cells.reshape(-1).numpy().astype("float32"),
        }
    )


def overview_chart(
    weights: torch.Tensor,
    *,
    label: Callable[[str], str],
    selected: tuple[int, int] | None = None,
    highlight: Sequence[tuple[int, int]] = (),
    bins: int = 12,
    width: int = 720,
    frame: pd.DataFrame | None = None,
) -> alt.Chart:
    """All layers × heads as small multiples in one chart; clicking a head selects it (param "pick").

    ``selected`` and the heads in ``highlight`` keep full colour while the rest fade. ``label(name)``
    supplies visible text for "layer", "head" and "weight". ``frame`` is `overview_frame`'s result, if
    the caller has it already (only the weights' shape is read then).
    """
    layers, heads, t, _ = weights.shape
    frame = overview_frame(weights, bins=bins) if frame is None else frame  # a page may cache it per trace
    frame = frame.assign(x2=frame["x"] + 1, y2=frame["y"] + 1)
    n = bins_for(t, bins)
    n = math.ceil(t / n)  # pooled cells per head side
    pick = alt.selection_point(name="pick", fields=["layer", "head"], on="click", clear=False)
    grid_x, grid_y = heads * (n + 1), layers * (n + 1)  # one empty cell between neighbouring heads
    x_scale = alt.Scale(domain=[0, grid_x], nice=False, zero=True)
    y_scale = alt.Scale(domain=[0, grid_y], nice=False, reverse=True)

    def axis(count: int, title: str, orient: str) -> alt.Axis:  # one label at the middle of each head
        middles = [i * (n + 1) + n / 2 for i in range(count)]
        return alt.Axis(values=middles, labelExpr=f"floor(datum.value / {n + 1})", title=title, orient=orient,
                        grid=False, ticks=False, domain=False, labelFontSize=11)  # fmt: skip

    encoding = {
        "x": alt.X("x:Q", axis=axis(heads, label("head"), "top"), scale=x_scale),
        "x2": "x2:Q",
        "y": alt.Y("y:Q", axis=axis(layers, label("layer"), "left"), scale=y_scale),
        "y2": "y2:Q",
        "color": alt.Color(
            "weight:Q",
            title=label("weight"),
            scale=alt.Scale(scheme=WEIGHT_SCHEME, domain=[0, 1]),
            legend=None,
        ),
        "tooltip": [
            alt.Tooltip("layer:Q", title=label("layer")),
            alt.Tooltip("head:Q", title=label("head")),
            alt.Tooltip("weight:Q", title=label("weight"), format=".3f"),
        ],
    }
    bright = [*highlight, *([selected] if selected is not None else [])]
    if bright:
        # Heads a role picked (and the chosen head) keep full colour; the others fade.
        keys = ", ".join(str(int(layer) * 1000 + int(head)) for layer, head in bright)
        encoding["opacity"] = alt.condition(
            f"indexof([{keys}], datum.layer * 1000 + datum.head) >= 0",
            alt.value(1.0),
            alt.value(0.3 if highlight else 0.55),
        )
    cell = max(2, width // grid_x)  # pixels per pooled cell, so the grid fits ``width``
    side_x, side_y = grid_x * cell, grid_y * cell
    grid = alt.Chart(frame).mark_rect().encode(**encoding).add_params(pick)
    layers_ = [grid]
    if selected is not None:  # a frame around the chosen head, visible from the back of a room
        layer, head = selected
        box = pd.DataFrame({"x": [head * (n + 1) - 0.4], "x2": [head * (n + 1) + n + 0.4],
                            "y": [layer * (n + 1) - 0.4], "y2": [layer * (n + 1) + n + 0.4]})  # fmt: skip
        outline = alt.Chart(box).mark_rect(fill=None, stroke="#d62728", strokeWidth=2.5)
        layers_.append(
            outline.encode(x=alt.X("x:Q", scale=x_scale), x2="x2:Q", y=alt.Y("y:Q", scale=y_scale), y2="y2:Q")
        )
    return alt.layer(*layers_).properties(width=side_x, height=side_y).configure_view(stroke=None)


def parity_heatmap(max_abs_diff: torch.Tensor, *, label: Callable[[str], str], tolerance: float) -> alt.Chart:
    """max |Δ| per layer and head on a log scale; cells above ``tolerance`` are outlined in red."""
    layers, heads = max_abs_diff.shape
    frame = pd.DataFrame(
        {
            "layer": torch.arange(layers).repeat_interleave(heads).tolist(),
            "head": torch.arange(heads).repeat(layers).tolist(),
            "diff": max_abs_diff.reshape(-1).double().tolist(),
        }
    )
    frame["shown"] = frame["diff"].clip(lower=1e-12)  # an exact 0 still gets a colour on the log scale
    frame["over"] = frame["diff"] > tolerance
    step = max(18, min(40, 320 // max(layers, heads)))  # 12 × 12 heads in 300 px; a tiny model readable
    return (
        alt.Chart(frame)
        .mark_rect(strokeWidth=2)
        .encode(
            x=alt.X("head:O", title=label("head"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("layer:O", title=label("layer")),
            color=alt.Color(
                "shown:Q",
                title=label("diff"),
                scale=alt.Scale(type="log", scheme=DIFF_SCHEME, domain=[1e-12, 1e-3]),
            ),
            stroke=alt.condition("datum.over", alt.value("red"), alt.value(None)),
            tooltip=[
                alt.Tooltip("layer:O", title=label("layer")),
                alt.Tooltip("head:O", title=label("head")),
                alt.Tooltip("diff:Q", title=label("diff"), format=".2e"),
            ],
        )
        .properties(width=alt.Step(step), height=alt.Step(step))
    )


def token_strip(tokens: Sequence[str], *, per_row: int = 12, label: Callable[[str], str]) -> alt.Chart:
    """The text as the model sees it: one box per token, wrapped in rows, drawn as literal text."""
    frame = pd.DataFrame(
        {
            "index": list(range(len(tokens))),
            "token": list(tokens),
            "col": [i % per_row for i in range(len(tokens))],
            "row": [i // per_row for i in range(len(tokens))],
        }
    )
    base = alt.Chart(frame).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[
            alt.Tooltip("index:Q", title=label("position")),
            alt.Tooltip("token:N", title=label("token")),
        ],
    )
    boxes = base.mark_rect(fill="#f4f6fa", stroke="#c9d1dc", cornerRadius=3)
    text = base.mark_text(fontSize=12, limit=58).encode(text="token:N")
    # A fixed step per box keeps a one-token text as readable as a long one; 12 a row fit beside the
    # sidebar on a 1280-pixel screen, in presenter mode too.
    return (
        alt.layer(boxes, text).properties(width=alt.Step(62), height=alt.Step(28)).configure_view(stroke=None)
    )


def spec_bytes(chart: alt.TopLevelMixin) -> int:
    """The size of a chart's Vega-Lite spec with its data as JSON: about what a browser downloads for it.

    (Streamlit sends the data as Arrow, which is smaller still; Altair's own 5000-row guard does not
    apply there, so it is lifted for this measurement.)
    """
    with alt.data_transformers.disable_max_rows():
        return len(json.dumps(chart.to_dict()).encode())
