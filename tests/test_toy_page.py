"""The toy page, driven headless through Streamlit's AppTest: the notes' numbers, every control, bad input."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_app, select


def tables(at: AppTest) -> list[list[list[str]]]:
    """Every st.dataframe on the page as rows of display strings."""
    return [frame.value.astype(str).values.tolist() for frame in at.dataframe]


def codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [t.value for t in at.title] + [e.value for e in at.error]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def seed_page() -> AppTest:
    return open_app()


def test_opens_on_the_notes_example(seed_page):
    at = seed_page
    assert at.text_area(key="q_text").value == "1, 2, 3"
    assert at.text_area(key="k_text").value == "2, 1, 0\n1, 2, 3"
    scores, scaled, weights, output = tables(at)[:4]
    assert scores == [["4", "14"]]
    assert scaled == [["2.309", "8.083"]]
    assert weights == [["0.0031", "0.9969"]]
    assert output == [["0.0031", "0.9969"]]  # one-hot values: the output is the weights


def test_each_score_is_written_out_as_a_sum_of_products(seed_page):
    at = seed_page
    assert "q(q1) · k(t1) = 1×2 + 2×1 + 3×0 = 4" in codes(at)
    select(at, "explain_k", 1)
    assert "q(q1) · k(t2) = 1×1 + 2×2 + 3×3 = 14" in codes(at)


def test_every_step_has_its_formula_and_a_heatmap(seed_page):
    latex = [x.value for x in seed_page.latex]
    assert any("softmax" in x for x in latex)
    assert any(r"\text{scores}" in x for x in latex)
    assert any(r"\text{scaled}" in x for x in latex)
    assert any(r"\text{weights}" in x for x in latex)
    assert any(r"\text{output}" in x for x in latex)
    # scores, scaled, weights and output heatmaps, plus the √d_k experiment
    assert len(seed_page.get("vega_lite_chart")) == 5


def test_switching_scaling_off_leaves_the_raw_scores():
    at = open_app()
    at.toggle(key="scale").set_value(False).run()
    scores, scaled, weights = tables(at)[:3]
    assert scaled == scores == [["4", "14"]]
    assert weights == [["4.54e−5", "1"]]  # softmax([4, 14]): already almost one-hot


def test_temperature_flattens_the_weights():
    at = open_app()
    at.number_input(key="temperature").set_value(4.0).run()
    weights = tables(at)[2]
    assert weights == [["0.191", "0.809"]]  # softmax([2.3094, 8.0829] / 4)


def test_causal_mask_shows_minus_infinity_before_and_zero_after_softmax():
    at = open_app()
    select(at, "preset", "sentence")
    assert at.toggle(key="causal").value is True
    masked, weights = tables(at)[2:4]
    assert masked[0] == ["1", "−∞", "−∞", "−∞"]
    assert masked[3][3] != "−∞"  # the last token sees everything
    assert weights[0] == ["1", "0", "0", "0"]  # the first token can only look at itself
    assert all(row[j] == "0" for i, row in enumerate(weights) for j in range(i + 1, 4))
    assert len(at.get("vega_lite_chart")) == 6  # the masked step gets its own heatmap


def test_presets_load_their_matrices():
    at = open_app()
    select(at, "preset", "identical")
    weights = tables(at)[2]
    assert weights == [["0.3333", "0.3333", "0.3333"]]
    select(at, "preset", "orthogonal")
    assert tables(at)[0] == [["3", "1", "0"]]
    select(at, "preset", "random64")
    assert at.number_input(key="d_k").value == 64
    assert "d_k = 64" in text_of(at)


def test_resizing_adds_tokens_and_dimensions():
    at = open_app()
    at.number_input(key="t_k").set_value(3).run()
    assert len(at.text_area(key="k_text").value.splitlines()) == 3
    assert len(at.text_area(key="v_text").value.splitlines()) == 3
    assert len(tables(at)[0][0]) == 3  # three score columns
    at.number_input(key="d_k").set_value(4).run()
    assert all(len(row.split(",")) == 4 for row in at.text_area(key="q_text").value.splitlines())
    assert not at.error


def test_typing_a_new_query_updates_the_sizes():
    at = open_app()
    at.text_area(key="q_text").set_value("1, 2, 3\n0, 1, 0").run()
    assert at.number_input(key="t_q").value == 2
    assert len(tables(at)[0]) == 2


BAD_INPUT = [
    ("q_text", "1, x, 3", "“x” is not a number"),
    ("k_text", "2, 1, nan\n1, 2, 3", "not a finite number"),
    ("k_text", "2, 1, inf\n1, 2, 3", "not a finite number"),
    ("v_text", "-inf, 0\n0, 1", "not a finite number"),
    ("q_text", "", "Matrix Q is empty"),
    ("q_text", "1, 2", "Q has 2 columns but K has 3"),
    ("v_text", "1, 0\n0, 1\n1, 1", "K has 2 rows but V has 3"),
    ("k_text", "2, 1, 0\n1, 2", "row 2 has 2 numbers"),
    ("q_text", "1e300, 2, 3", "too large"),
]


@pytest.mark.parametrize(("key", "text", "message"), BAD_INPUT)
def test_bad_matrices_get_a_message_and_the_page_keeps_working(key, text, message):
    at = open_app()
    good = at.text_area(key=key).value
    at.text_area(key=key).set_value(text).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(message in e for e in errors), errors
    assert len(at.get("vega_lite_chart")) == 1  # the √d_k section still draws
    at.text_area(key=key).set_value(good).run()  # and fixing the text brings the steps back
    assert not at.error and tables(at)[0] == [["4", "14"]]


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_temperature_must_be_positive(temperature):
    at = open_app()
    at.number_input(key="temperature").set_value(temperature).run()
    assert not at.exception
    assert any("temperature must be greater than 0" in e.value for e in at.error)


def test_user_text_in_a_message_is_not_markdown():
    at = open_app()
    at.text_area(key="q_text").set_value("1, **bold**, 3").run()
    (error,) = at.error
    assert r"\*\*bold\*\*" in error.value  # shown literally, not as bold


def test_vietnamese_from_the_url():
    at = open_app(lang="vi")
    assert at.title[0].value == "Attention, từng bước một"
    assert "Tại sao chia cho √d_k?" in text_of(at)
    assert tables(at)[2] == [["0.0031", "0.9969"]]  # the numbers do not depend on the language
    at.text_area(key="q_text").set_value("1, x, 3").run()
    assert any("không phải là số" in e.value for e in at.error)


def test_the_language_switch_translates_the_page():
    at = open_app()
    select(at, "lang", "vi")
    assert at.title[0].value == "Attention, từng bước một"
    at.toggle(key="causal").set_value(True).run()  # the choice holds across reruns
    assert at.title[0].value == "Attention, từng bước một"  # (the URL half is checked in the browser)
