"""Attention maps made small enough for a browser: pooling keeps the meaning, charts keep their size."""

from __future__ import annotations

import torch

from attention import maps
from attention.core import attend


def causal_weights(layers: int, heads: int, t: int, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(layers, heads, t, 8, generator=generator) for _ in range(3))
    return attend(q, k, v, causal=True).weights  # (layers, heads, T, T)


def label(name: str) -> str:
    return name


def test_pool_is_the_mean_of_each_block():
    w = torch.arange(16.0).reshape(4, 4)
    assert maps.pool(w, 2).tolist() == [[2.5, 4.5], [10.5, 12.5]]
    assert torch.equal(maps.pool(w, 1), w)


def test_pool_divides_a_partial_last_block_by_what_it_covers():
    w = torch.ones(5, 5)
    assert torch.allclose(maps.pool(w, 2), torch.ones(3, 3))  # no dilution from the zero padding


def test_pooling_keeps_the_attention_mass():
    w = causal_weights(1, 2, 96)
    pooled = maps.pool(w, 8)  # (1, 2, 12, 12)
    # a pooled cell is the mean over 8 × 8 weights, so a pooled row sums to 1/8 of the 8 rows it covers
    assert torch.allclose(pooled.sum(-1) * 8, torch.ones(1, 2, 12), atol=1e-5)


def test_head_frame_is_exact_for_short_texts_and_pooled_for_long_ones():
    short = causal_weights(1, 1, 20)[0, 0]
    frame, size = maps.head_frame(short, [f"t{i}" for i in range(20)], max_bins=64)
    assert size == 1 and len(frame) == 20 * 21 // 2  # lower triangle only: masked cells are never sent
    assert abs(frame["weight"].sum() - 20) < 1e-4  # every row of weights is there and sums to 1
    long = causal_weights(1, 1, 1024)[0, 0]
    frame, size = maps.head_frame(long, [f"t{i}" for i in range(1024)], max_bins=64)
    assert size == 16 and len(frame) == 64 * 65 // 2


def test_head_map_cells_carry_row_numbers_and_the_labels_travel_once():
    tokens = ["When", "␣Mary", "␣and", "␣John", "<b>x</b>"]
    weights = causal_weights(1, 1, 5)[0, 0]
    spec = maps.head_heatmap(weights, tokens, query_title="q", key_title="k", weight_title="w").to_dict()
    (labels,) = [param["value"] for param in spec["params"] if param["name"] == "labels"]
    assert labels == ["0 When", "1 ␣Mary", "2 ␣and", "3 ␣John", "4 <b>x</b>"]
    (rows,) = spec["datasets"].values()
    assert rows[0] == {"query": 0, "key": 0, "weight": 1.0}
    assert {(r["query"], r["key"]) for r in rows} == {(q, k) for q in range(5) for k in range(q + 1)}
    cell = next(r for r in rows if (r["query"], r["key"]) == (3, 1))
    assert cell["weight"] == round(float(weights[3, 1]), 6)
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == "labels[datum.value]"


def test_repeated_tokens_keep_their_own_rows():
    assert maps.token_axis_labels(["␣the", "␣cat", "␣the"]) == ["0 ␣the", "1 ␣cat", "2 ␣the"]


def test_browser_payload_stays_small_at_the_full_context():
    w = causal_weights(12, 12, 1024)
    tokens = [f"tok{i}" for i in range(1024)]
    overview = maps.spec_bytes(maps.overview_chart(w, label=label))
    head = maps.spec_bytes(
        maps.head_heatmap(w[0, 0], tokens, query_title="q", key_title="k", weight_title="w", max_bins=128)
    )
    strip = maps.spec_bytes(maps.token_strip(tokens, label=label))
    # 151 million weights would be hundreds of MB; the page sends about a megabyte in all.
    assert overview < 1_500_000
    assert head < 500_000  # row numbers per cell, the 128 labels once
    assert strip < 100_000


def test_overview_lays_every_head_out_once():
    w = causal_weights(2, 3, 30)
    frame = maps.overview_frame(w, bins=10)
    assert sorted(set(zip(frame["layer"], frame["head"], strict=True))) == [
        (layer, h) for layer in range(2) for h in range(3)
    ]
    assert frame.groupby(["layer", "head"]).size().eq(10 * 11 // 2).all()
    spec = maps.overview_chart(w, label=label, selected=(1, 2)).to_dict()
    grid, outline = spec["layer"]
    assert spec["params"][0]["name"] == "pick"  # a click selects a head
    assert "indexof([1002], datum.layer * 1000 + datum.head)" in str(grid["encoding"]["opacity"])
    assert outline["mark"]["stroke"]  # and the chosen head is framed
    spec = maps.overview_chart(w, label=label, highlight=[(0, 1), (1, 0)]).to_dict()
    assert "indexof([1, 1000]" in str(spec["layer"][0]["encoding"]["opacity"])


def test_parity_heatmap_flags_heads_over_tolerance():
    diff = torch.zeros(2, 2)
    diff[1, 0] = 1e-3
    spec = maps.parity_heatmap(diff, label=label, tolerance=1e-5).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["layer"], r["head"]) for r in rows if r["over"]] == [(1, 0)]


def test_token_strip_draws_tokens_as_literal_text():
    tokens = ["<b>", "**x**", "$y$", "🤖"]
    spec = maps.token_strip(tokens, label=label).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["token"] for r in rows] == tokens
