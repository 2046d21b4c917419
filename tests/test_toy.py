"""The toy page's library: reading typed matrices, the presets, the written-out sums, the √d_k experiment."""

from __future__ import annotations

import math

import pytest
import torch

from attention import charts, toy
from attention.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2, 3", [[1, 2, 3]]),
        ("2 1 0\n1 2 3", [[2, 1, 0], [1, 2, 3]]),
        ("  1;2;3  \n\n", [[1, 2, 3]]),
        ("−1.5, 2e3", [[-1.5, 2000]]),  # the minus sign the page prints reads back
        ("[1, 2, 3]", [[1, 2, 3]]),  # as the notes write it
    ],
)
def test_parse_matrix_reads_what_people_type(text, expected):
    assert toy.parse_matrix(text, "Q") == expected


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "toy.error.empty", {"matrix": "K"}),
        ("1, two", "toy.error.not_a_number", {"row": 1, "col": 2, "cell": "two"}),
        ("1, 2\n3, nan", "toy.error.not_finite", {"row": 2, "col": 2}),
        ("1, -inf", "toy.error.not_finite", {"col": 2}),
        ("1, 2e7", "toy.error.too_large", {"col": 2}),
        ("1, 2\n3", "toy.error.ragged", {"row": 2, "got": 1, "expected": 2}),
        ("\n".join(["1"] * 13), "toy.error.too_many_rows", {"rows": 13}),
        (", ".join(["1"] * 129), "toy.error.too_many_cols", {"cols": 129}),
    ],
)
def test_parse_matrix_names_the_problem(text, key, params):
    with pytest.raises(InputError) as caught:
        toy.parse_matrix(text, "K")
    assert caught.value.key == key
    assert params.items() <= caught.value.params.items()
    assert caught.value.message("vi") != str(caught.value)  # both languages have their own text


def test_shapes_and_temperature_are_checked():
    with pytest.raises(InputError, match="Q has 2 columns but K has 3"):
        toy.check_shapes([[1, 2]], [[1, 2, 3]], [[1]])
    with pytest.raises(InputError, match="K has 1 rows but V has 2"):
        toy.check_shapes([[1]], [[1]], [[1], [2]])
    for bad in (0.0, -2.0, float("nan"), float("inf"), None):
        with pytest.raises(InputError):
            toy.check_temperature(bad)
    assert toy.check_temperature(0.5) == 0.5


def test_the_seed_preset_is_the_notes_example():
    seed = toy.PRESETS["seed"]
    steps = toy.run(seed.q, seed.k, seed.v)
    assert steps.scores.tolist() == [[4.0, 14.0]]
    assert [toy.format_number(x) for x in steps.scaled[0].tolist()] == ["2.309", "8.083"]
    assert [toy.format_number(x) for x in steps.weights[0].tolist()] == ["0.0031", "0.9969"]
    assert steps.scores.dtype == torch.float64  # every printed digit is exact


def test_presets_teach_what_they_say():
    identical = toy.PRESETS["identical"]
    w = toy.run(identical.q, identical.k, identical.v).weights
    assert torch.allclose(w, torch.full_like(w, 1 / 3))
    orthogonal = toy.PRESETS["orthogonal"]
    assert toy.run(orthogonal.q, orthogonal.k, orthogonal.v, scaled=False).scores.tolist() == [
        orthogonal.q[0]
    ]
    sentence = toy.PRESETS["sentence"]
    assert sentence.causal and len(sentence.tokens) == len(sentence.k) == len(sentence.q)
    w = toy.run(sentence.q, sentence.k, sentence.v, causal=True).weights
    assert torch.equal(w.triu(1), torch.zeros_like(w))
    random64 = toy.PRESETS["random64"]
    assert len(random64.q[0]) == 64
    scaled = toy.run(random64.q, random64.k, random64.v).weights.amax(-1)
    unscaled = toy.run(random64.q, random64.k, random64.v, scaled=False).weights.amax(-1)
    assert bool((unscaled > scaled).all())  # switching scaling off sharpens every row


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (4.0, "4"),
        (14.0, "14"),
        (2.3094010767585, "2.309"),
        (0.0030986, "0.0031"),
        (0.99690, "0.9969"),
        (-0.5, "−0.5"),
        (4.54e-5, "4.54e−5"),
        (float("-inf"), "−∞"),
        (85344.0, "85344"),
        (123.456, "123.5"),
    ],
)
def test_format_number(x, text):
    assert toy.format_number(x) == text


def test_explain_score_writes_the_notes_sum():
    assert toy.explain_score([1, 2, 3], [2, 1, 0]) == "1×2 + 2×1 + 3×0 = 4"
    assert toy.explain_score([1, -2], [-3, 4]) == "1×(−3) + (−2)×4 = −11"
    long = toy.explain_score([1.0] * 64, [1.0] * 64)
    assert long.endswith("= 64") and "…" in long


def test_explain_output_writes_the_weighted_sum():
    assert toy.explain_output([0.25, 0.75], [[1, 0], [0, 1]]) == "0.25×[1, 0] + 0.75×[0, 1] = [0.25, 0.75]"
    assert toy.explain_output([0, 0], [[1, 0], [0, 1]]) == "0 = [0, 0]"  # a fully masked query


def test_format_then_parse_is_the_identity():
    for preset in toy.PRESETS.values():
        for matrix in (preset.q, preset.k, preset.v):
            assert toy.parse_matrix(toy.format_matrix(matrix), "M") == matrix


def test_resize_keeps_what_fits_and_fills_the_rest():
    grown = toy.resize([[1, 2], [3, 4]], 3, 3)
    assert [row[:2] for row in grown[:2]] == [[1, 2], [3, 4]]
    assert len(grown) == 3 and all(len(r) == 3 for r in grown)
    assert all(-2 <= x <= 2 for x in grown[2])
    assert toy.resize([[1, 2], [3, 4]], 1, 1) == [[1]]


def test_token_labels():
    assert toy.token_labels(2, 1) == (["t1", "t2"], ["q1"])
    assert toy.token_labels(3, 3, ("a", "b", "c")) == (["a", "b", "c"], ["a", "b", "c"])
    assert toy.token_labels(2, 2, ("a", "b", "c")) == (["t1", "t2"], ["t1", "t2"])  # names no longer fit


def test_scaling_experiment_shows_why_we_divide():
    frame = toy.scaling_experiment(samples=4000)
    ratio = frame["score_std"] / frame["sqrt_d_k"]
    assert ratio.between(0.9, 1.1).all()  # the spread of q·k grows like √d_k
    unscaled = frame["max_weight_unscaled"].tolist()
    assert unscaled == sorted(unscaled) and unscaled[-1] > 0.9  # without scaling softmax saturates
    assert frame["max_weight_scaled"].max() < 0.45  # with it, it stays soft at every d_k


def test_formulas_fill_in_their_numbers():
    assert toy.formula("scaled", sqrt_d_k=math.sqrt(3), tau=1.0).endswith(r"\sqrt{d_k}=1.732,\ \tau=1")


def test_heatmap_greys_out_masked_cells_and_keeps_the_order():
    values = torch.tensor([[1.0, float("-inf")], [0.5, 2.0]])
    spec = charts.heatmap(
        values, ["b", "a"], ["b", "a"], row_title="q", col_title="k", value_title="s"
    ).to_dict()
    rows = next(iter(spec["datasets"].values()))
    masked = [r for r in rows if r["masked"]]
    assert [(r["row"], r["col"], r["text"]) for r in masked] == [("b", "a", "−∞")]
    grey, coloured = spec["layer"][0], spec["layer"][1]
    assert grey["transform"] == [{"filter": "datum.masked"}] and grey["mark"]["color"] == charts.MASKED_COLOR
    assert coloured["transform"] == [{"filter": "!datum.masked"}]  # −∞ never reaches the colour scale
    assert coloured["encoding"]["y"]["sort"] == [
        "b",
        "a",
    ]  # queries down in the given order, not alphabetical


def test_heatmap_cells_shrink_to_fit_and_drop_their_numbers_when_small():
    small = charts.heatmap(
        torch.eye(2), ["a", "b"], ["a", "b"], row_title="q", col_title="k", value_title="s"
    )
    wide = charts.heatmap(torch.eye(2, 64), ["a", "b"], [str(i) for i in range(64)], row_title="q",
                          col_title="k", value_title="s")  # fmt: skip
    assert small.to_dict()["width"] == {"step": 58} and len(small.to_dict()["layer"]) == 3
    assert (
        wide.to_dict()["width"] == {"step": 10} and len(wide.to_dict()["layer"]) == 2
    )  # no room for numbers


def test_repeated_labels_stay_distinct():
    frame = charts.matrix_frame(torch.eye(3), ["the", "cat", "the"], ["the", "cat", "the"])
    assert list(frame.columns) == ["the", "cat", "the·2"]


def test_resizing_and_sizes_follow_the_typed_matrices():
    values = {**toy.load_preset("seed"), "t_q": 2, "t_k": 3, "d_k": 3}
    grown = toy.resized(values)
    assert len(grown["q_text"].splitlines()) == 2 and len(grown["k_text"].splitlines()) == 3
    assert toy.resized({**values, "q_text": "1, x"}) == {}  # an unreadable matrix waits to be fixed
    sentence = {**toy.load_preset("sentence"), "preset": "sentence"}
    assert toy.sizes(sentence) == {"t_q": 4, "t_k": 4, "d_k": 4, "token_names": ("The", "cat", "sat", "down")}
    assert "token_names" not in toy.sizes({**sentence, "q_text": "1, 1, 1, 1"})
