"""Exports for slides and notebooks: valid PNG and SVG without a browser, exact CSV, a loadable NPZ."""

from __future__ import annotations

import io
import re

import altair as alt
import numpy as np
import pandas as pd
import torch

from attention import charts, export, toy
from attention.gpt2 import trace


def seed_chart():
    seed = toy.PRESETS["seed"]
    steps = toy.run(seed.q, seed.k, seed.v)
    return steps, charts.heatmap(
        steps.scaled, ["q1"], ["t1", "t2"], row_title="q", col_title="k", value_title="s"
    )


def test_png_is_a_real_png_of_the_chart():
    _, chart = seed_chart()
    png = export.chart_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 100 < width < 600 and 50 < height < 400
    assert int.from_bytes(export.chart_png(chart, scale=2)[16:20], "big") == 2 * width


def test_svg_carries_the_numbers_as_text():
    _, chart = seed_chart()
    svg = export.chart_svg(chart).decode()
    assert svg.startswith("<svg") and "2.309" in svg and "8.083" in svg


def test_csv_keeps_every_digit_and_the_labels():
    steps, _ = seed_chart()
    text = export.matrix_csv(steps.scaled, ["q1"], ["t1", "t2"], corner="query").decode()
    header, row = text.strip().splitlines()
    assert header == "query,t1,t2"
    label, *values = row.split(",")
    assert label == "q1" and [float(x) for x in values] == steps.scaled[0].tolist()


def test_masked_cells_export_as_minus_infinity():
    sentence = toy.PRESETS["sentence"]
    steps = toy.run(sentence.q, sentence.k, sentence.v, causal=True)
    rows = export.matrix_csv(steps.masked, list("abcd"), list("abcd")).decode().splitlines()
    assert rows[1].split(",")[2:] == ["-inf", "-inf", "-inf"]


def test_npz_holds_the_whole_trace(small_gpt2):
    result = trace(small_gpt2, "The cat sat on the mat.")
    archive = np.load(io.BytesIO(export.trace_npz(result)))
    assert archive["tokens"].tolist() == result.tokens
    assert torch.equal(torch.from_numpy(archive["weights"]), result.weights)
    assert torch.equal(torch.from_numpy(archive["library_weights"]), result.library_weights)
    assert archive["q"].shape == tuple(result.q.shape)


def test_exported_charts_set_every_text_in_a_typeface_with_vietnamese_letters():
    chart = charts.heatmap(torch.tensor([[4.0, 14.0]]), ["q1"], ["t1", "t2"], row_title="truy vấn",
                           col_title="khóa", value_title="điểm").properties(title="Lớp 0")  # fmt: skip
    svg = export.chart_svg(chart).decode()
    fonts = set(re.findall(r'font-family="([^"]+)"', svg))
    assert fonts == {export.EXPORT_FONT}, fonts
    assert export.EXPORT_FONT.startswith("DejaVu Sans")


def test_a_token_label_with_a_space_mark_stays_in_a_sans_serif():
    """A label holding ␣ or ⏎ is drawn in the sans-serif named first, like every other label (Noto Sans
    has neither mark, and a label with one fell back whole to a serif)."""
    for label in ("1 ␣Mary", "2 ⏎", "3 ␣người"):
        spec = alt.Chart(pd.DataFrame({"t": [label]})).mark_text(fontSize=20).encode(text="t:N").to_dict()
        exported = export.chart_png(spec, scale=1)
        serif = export.chart_png({**spec, "config": {"font": "DejaVu Serif"}}, scale=1)
        assert exported != serif, label
