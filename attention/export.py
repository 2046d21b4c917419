"""What a speaker takes away: charts as PNG and SVG (rendered without a browser), tensors as CSV and NPZ."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import altair as alt
import numpy as np
import torch
import vl_convert as vlc

Spec = alt.TopLevelMixin | dict
# DejaVu Sans covers Vietnamese (where vl-convert's default sans lacks "ớ" and falls back to a serif in
# the middle of a word) and the token strip's marks ␣ and ⏎ (which Noto Sans lacks: a label holding one
# was drawn whole in a serif); Noto Sans, then any sans-serif, where it is not installed.
EXPORT_FONT = "DejaVu Sans, Noto Sans, sans-serif"


def _vega_lite(chart: Spec) -> str:
    """The spec as JSON. An Altair chart is converted with its data written in, however many rows (Altair's
    5000-row guard is for notebooks that would embed huge data by accident); that switches Altair's
    process-wide data transformer for a moment, so a server with many threads passes dicts instead
    (see `ui.vega_lite`)."""
    if not isinstance(chart, dict):
        with alt.data_transformers.enable("default", max_rows=None):
            chart = chart.to_dict()
    # One typeface with Vietnamese letters for every text, unless the chart names its own.
    config = {"font": EXPORT_FONT, **chart.get("config", {})}
    return json.dumps({**chart, "config": config})


def chart_png(chart: Spec, *, scale: float = 2.0) -> bytes:
    """The chart (Altair, or a Vega-Lite dict) as a PNG, ``scale`` × its size on screen (2 suits a slide)."""
    return vlc.vegalite_to_png(_vega_lite(chart), scale=scale)


def chart_svg(chart: Spec) -> bytes:
    """The chart as an SVG file: sharp at any size, editable in a drawing program."""
    return vlc.vegalite_to_svg(_vega_lite(chart)).encode()


def matrix_csv(values: torch.Tensor, rows: Sequence[str], cols: Sequence[str], *, corner: str = "") -> bytes:
    """One (rows, cols) matrix as CSV with a header row and a label column; exact values, −∞ as -inf."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([corner, *cols])
    for label, row in zip(rows, values.tolist(), strict=True):
        writer.writerow([label, *(repr(float(x)) for x in row)])
    return buffer.getvalue().encode("utf-8")


def trace_npz(result) -> bytes:
    """A whole trace (`attention.gpt2.Trace`) as a compressed NumPy archive, one array per field."""
    arrays = {
        "token_ids": np.asarray(result.token_ids, dtype=np.int64),
        "tokens": np.asarray(result.tokens, dtype=str),
        "q": result.q.numpy(),
        "k": result.k.numpy(),
        "v": result.v.numpy(),
        "weights": result.weights.numpy(),
        "library_weights": result.library_weights.numpy(),
        "max_abs_diff": result.max_abs_diff.numpy(),
        "next_token_logits": result.next_token_logits.numpy(),
        "scales": np.asarray(result.scales),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()
