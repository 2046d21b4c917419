"""Presenter mode: the stage look of charts, the toy page's steps one at a time, and ?present=1 links."""

from __future__ import annotations

import json
import threading

import pytest
import torch
from streamlit.elements.vega_charts import _altair_globals_lock
from streamlit.testing.v1 import AppTest

import ui
from attention import charts, export, maps, stage
from attention.strings import t
from tests.apptest import APP, open_app, open_page, shown

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def scales(spec: dict) -> list[dict]:
    """Every colour scale in a Vega-Lite spec."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("scale"), dict) and "scheme" in node["scale"]:
                found.append(node["scale"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def toy_heatmap(values: list[list[float]]) -> dict:
    labels = [f"t{i}" for i in range(len(values[0]))]
    chart = charts.heatmap(
        torch.tensor(values), ["q1"], labels, row_title="q", col_title="k", value_title="s"
    )
    return chart.to_dict()


# --- the stage look, on the chart specs ---------------------------------------------------------------


def test_sequential_scales_become_reversed_viridis_on_stage():
    spec = toy_heatmap([[4.0, 14.0]])
    assert [s["scheme"] for s in scales(spec)] == ["blues"]
    staged = stage.restyle(spec)
    assert scales(staged) == [{"scheme": "viridis", "reverse": True}]


def test_diverging_scales_become_blue_orange_and_each_sign_keeps_its_warm_or_cool_side():
    spec = charts.heatmap(
        torch.tensor([[-1.0, 2.0]]), ["q"], ["a", "b"], row_title="q", col_title="k", value_title="v",
        scheme="redblue",
    ).to_dict()  # fmt: skip
    (before,) = scales(spec)
    (after,) = scales(stage.restyle(spec))
    assert after["scheme"] == "blueorange"
    # reversed red-blue draws positive values red; blue-orange draws its high end orange unreversed
    assert before.get("reverse") is True and not after.get("reverse")
    assert after["domain"] == before["domain"], "the centring on zero is kept"


def test_text_grows_and_data_stays_as_it_was():
    spec = toy_heatmap([[4.0, 14.0]])
    staged = stage.restyle(spec)
    (text_mark,) = [layer["mark"] for layer in staged["layer"] if layer["mark"]["type"] == "text"]
    assert text_mark["fontSize"] == pytest.approx(13 * stage.TEXT_GROWTH, abs=0.1)
    assert staged["config"]["axis"]["labelFontSize"] > 12
    assert staged["datasets"] == spec["datasets"], "the numbers are the same numbers"
    assert scales(spec)[0]["scheme"] == "blues", "the original spec is not changed"


def test_axis_sizes_a_builder_chose_grow_too():
    weights = torch.softmax(torch.randn(1, 8, 8), -1)[0].tril()
    spec = maps.head_heatmap(weights, [f"w{i}" for i in range(8)], query_title="q", key_title="k",
                             weight_title="w").to_dict()  # fmt: skip
    before = json.dumps(spec)
    staged = json.dumps(stage.restyle(spec))
    assert '"labelFontSize": 11' in before
    assert '"labelFontSize": 11' not in staged
    assert '"labelFontSize": 14.8' in staged or '"labelFontSize": 14.9' in staged


def test_narrow_rows_grow_to_fit_the_stage_labels_and_the_width_stays():
    keys, dims = [f"k{i}" for i in range(12)], [str(d) for d in range(32)]
    titles = dict(row_title="key", col_title="dim", value_title="product")
    products = charts.heatmap(torch.randn(12, 32), keys, dims, cell_size=10, **titles)
    spec = products.to_dict()
    assert (spec["width"], spec["height"]) == ({"step": 10}, {"step": 10})
    staged = stage.restyle(spec)
    assert (staged["width"], staged["height"]) == ({"step": 10}, {"step": stage.MIN_STEP})
    big = stage.restyle(toy_heatmap([[4.0, 14.0]]))
    assert big["width"] == {"step": 58}, "cells that are big enough stay as they are"


def test_a_staged_chart_exports_as_png_and_svg():
    staged = stage.restyle(toy_heatmap([[4.0, 14.0]]))
    assert export.chart_png(staged).startswith(PNG_MAGIC)
    assert b"viridis" not in export.chart_svg(staged)  # drawn, not named: the SVG holds colours
    assert export.chart_svg(staged).lstrip().startswith(b"<svg")


# --- the toy page on stage ------------------------------------------------------------------------


def click(at: AppTest, label_key: str) -> None:
    (button,) = [b for b in at.button if b.label == t(label_key, "en")]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


STEP_TITLES = [t(f"toy.step{n}", "en") for n in (1, 2, 3, 4)]


def test_present_1_opens_the_toy_page_on_its_first_step_only():
    at = open_app(present="1")
    assert at.sidebar.toggle[0].label == t("sidebar.present", "en") and at.sidebar.toggle[0].value
    assert subheaders(at) == [STEP_TITLES[0]]
    assert t("toy.intro", "en") not in [m.value for m in at.markdown], "the speaker tells it"
    assert t("toy.why", "en") not in [h.value for h in at.header]
    (spec,) = chart_specs(at)
    assert [s["scheme"] for s in scales(spec)] == ["viridis"]
    assert at.query_params["step"] == "1"


def test_next_and_back_walk_through_the_four_steps_and_why():
    at = open_app(present="1")
    seen = [subheaders(at)]
    for _ in range(4):
        click(at, "toy.stage.next")
        seen.append(subheaders(at) or [h.value for h in at.header])
    assert seen[:4] == [[title] for title in STEP_TITLES]
    assert seen[4] == [t("toy.why", "en")]
    (forward,) = [b for b in at.button if b.label == t("toy.stage.next", "en")]
    assert forward.disabled, "the last step has no next"
    assert at.query_params["step"] == "5"
    click(at, "toy.stage.back")
    assert subheaders(at) == [STEP_TITLES[3]]
    assert at.query_params["step"] == "4"


def test_the_softmax_step_shows_the_mask_when_it_is_on():
    at = open_app(present="1", step="3", causal="1")
    assert subheaders(at) == [t("toy.step_mask", "en"), STEP_TITLES[2]]
    assert len(chart_specs(at)) == 2  # the masked scores, then the weights


def test_the_numbers_are_the_notes_numbers_on_stage_too():
    at = open_app(present="1", step="3")
    (weights,) = [frame.value.astype(str).values.tolist() for frame in at.dataframe]
    assert weights == [["0.0031", "0.9969"]]


def test_a_step_out_of_range_in_a_link_is_brought_back_into_range():
    assert open_app(present="1", step="99").query_params["step"] == "5"
    assert subheaders(open_app(present="1", step="-3")) == [STEP_TITLES[0]]


def test_turning_presenter_mode_off_shows_the_whole_page_and_leaves_the_url():
    at = open_app(present="1", step="2")
    at.sidebar.toggle[0].set_value(False).run()
    assert not at.exception
    assert "present" not in at.query_params
    assert "step" not in at.query_params, "the whole page has no step"
    assert subheaders(at)[:1] == [STEP_TITLES[0]] and len(subheaders(at)) >= 4
    assert all(s["scheme"] != "viridis" for spec in chart_specs(at) for s in scales(spec))


# --- the GPT-2 page on stage ----------------------------------------------------------------------


def test_the_gpt2_page_on_stage_folds_its_inputs_and_restyles_its_charts(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir, "app_pages/gpt2.py", present="1")
    assert t("gpt2.intro", "en") not in [m.value for m in at.markdown]
    (inputs,) = [e for e in at.expander if e.label == t("present.controls", "en")]
    assert inputs.text_area[0].label == t("gpt2.text", "en")
    schemes = {s["scheme"] for spec in chart_specs(at) for s in scales(spec)}
    assert schemes == {"viridis"}
    assert at.success, "the parity verdict is still there"


def test_a_link_naming_only_an_example_opens_that_example():
    at = open_app(preset="sentence", present="1", step="3")
    assert at.query_params["causal"] == "1", "the sentence is causal"
    assert subheaders(at) == [t("toy.step_mask", "en"), STEP_TITLES[2]]
    assert at.text_area(key="q_text").value.count("\n") == 3, "the sentence's four tokens"


def test_a_link_may_name_the_bundled_model_by_its_short_name(monkeypatch, gpt2_dir):
    monkeypatch.setenv("ATTENTION_MODEL", str(gpt2_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "tiny-gpt2"
    at.switch_page("app_pages/gpt2.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["model"] == "tiny-gpt2 (bundled)"
    assert any("tiny-gpt2 (bundled)" in shown(s.value) for s in at.success), "the parity verdict names it"


def test_bad_input_on_stage_gets_its_message_and_the_steps_stay_usable():
    at = open_app(present="1", lang="vi", q_text="1, x, 3", step="2")
    (error,) = at.error
    assert "x" in error.value and "không phải là số" in error.value
    assert subheaders(at) == []
    (back,) = [b for b in at.button if b.label == t("toy.stage.back", "vi")]
    back.click().run()  # the steps still move while the input is wrong
    assert not at.exception
    assert at.query_params["step"] == "1"
    assert len(at.error) == 1


def test_charts_are_converted_under_streamlits_altair_lock_with_all_their_rows():
    """Streamlit swaps Altair's process-wide data transformer under this lock while it draws a chart."""
    labels = [str(i) for i in range(80)]
    big = charts.heatmap(torch.rand(80, 80), labels, labels, row_title="q", col_title="k", value_title="w")
    done = threading.Event()
    result = {}

    def convert():
        result["spec"] = ui.vega_lite(big)
        done.set()

    with _altair_globals_lock:
        worker = threading.Thread(target=convert)
        worker.start()
        assert not done.wait(0.5), "the conversion waits while another session's chart holds the lock"
    worker.join(60)
    assert done.is_set()
    (rows,) = result["spec"]["datasets"].values()
    assert len(rows) == 6400, "all rows written in: Altair's 5000-row guard does not apply"
