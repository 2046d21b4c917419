"""The GPT-2 page through AppTest, on small GPT-2 models built offline and named by ATTENTION_MODEL."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from attention import gpt2
from tests import apptest

PAGE = "app_pages/gpt2.py"


def open_page(monkeypatch, model, **query):
    return apptest.open_page(monkeypatch, model, PAGE, **query)


def count_traces(monkeypatch) -> list[str]:
    """Record every text that really goes through the model (cache misses), in the order traced."""
    seen: list[str] = []
    real = gpt2.trace

    def counting(loaded, text, **kwargs):
        seen.append(text)
        return real(loaded, text, **kwargs)

    monkeypatch.setattr(gpt2, "trace", counting)
    return seen


def messages(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.error, *at.warning, *at.success, *at.info])


def test_renders_maps_overview_and_verdict(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir)
    assert at.title[0].value == "Inside GPT-2"
    (verdict,) = at.success
    assert "Hand-written attention matches" in verdict.value and "all 12 heads" in verdict.value
    # token strip, one head, the overview, the parity heatmap and the two side-by-side maps
    assert len(at.get("vega_lite_chart")) == 6
    assert len(at.dataframe) == 1  # the next-token predictions


def test_switching_layer_and_head_reuses_the_trace(monkeypatch, gpt2_dir):
    seen = count_traces(monkeypatch)
    at = open_page(monkeypatch, gpt2_dir)
    at.text_area(key="text_input").set_value("A text traced once, only once: once.").run()
    assert seen == ["A text traced once, only once: once."]
    at.number_input(key="layer_input").set_value(2).run()
    at.number_input(key="head_input").set_value(3).run()
    assert not at.exception
    assert at.subheader[0].value.startswith("Layer 2, head 3")
    assert seen == ["A text traced once, only once: once."]  # no new forward pass


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_gets_a_message(monkeypatch, gpt2_dir, text):
    at = open_page(monkeypatch, gpt2_dir)
    at.text_area(key="text_input").set_value(text).run()
    assert not at.exception
    assert "no text to trace" in messages(at)


def test_long_text_is_cut_with_a_warning(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir)
    at.number_input(key="max_tokens_input").set_value(10).run()
    long_text = "one two three four five six seven eight nine ten eleven twelve"
    at.text_area(key="text_input").set_value(long_text).run()
    assert not at.exception
    assert "only the first 10 are traced" in messages(at)


@pytest.mark.parametrize(
    "text",
    [
        "Xin chào, tôi là một mô hình ngôn ngữ 🤖🎉",
        "注意力机制 アテンション 어텐션",
        "<script>alert('x')</script> <b>bold</b> **stars** $x^2$ \\frac{a}{b} [link](http://x)",
    ],
)
def test_odd_text_is_traced_literally(monkeypatch, gpt2_dir, text):
    at = open_page(monkeypatch, gpt2_dir)
    at.text_area(key="text_input").set_value(text).run()
    assert not at.exception and not at.error
    assert at.success  # the parity proof holds whatever the text
    rendered = [m.value for m in at.markdown]
    assert not any("<script>" in m or "**stars**" in m for m in rendered)  # user text is never markdown


def test_a_model_folder_named_like_markup_is_named_literally(monkeypatch, gpt2_dir, tmp_path):
    folder = tmp_path / "my_model_*v2*"  # underscores and stars that Markdown would turn into emphasis
    shutil.copytree(gpt2_dir, folder)
    at = open_page(monkeypatch, folder)
    (verdict,) = at.success
    assert str(folder) not in verdict.value, "the name reaches Markdown escaped"
    assert str(folder) in apptest.shown(verdict.value)
    (card,) = [c for c in at.sidebar.caption if "layers" in c.value]
    assert str(folder) in apptest.shown(card.value) and str(folder) not in card.value


def test_a_missing_model_folder_gets_a_message_and_other_pages_work(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path / "no-such-model")
    assert not at.exception
    assert at.error and "There is no directory at" in at.error[0].value
    assert "other pages work" in messages(at)
    at.switch_page("app_pages/toy.py").run()
    assert not at.exception and at.title[0].value == "Attention, step by step"


def test_an_unreachable_hub_model_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    at = open_page(monkeypatch, "distilgpt2")
    assert not at.exception
    (error,) = at.error
    assert "HF\\_HOME" in error.value or "HF_HOME" in error.value
    assert "ATTENTION\\_MODEL" in error.value or "ATTENTION_MODEL" in error.value


def test_vietnamese(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir, lang="vi")
    assert at.title[0].value == "Bên trong GPT-2"
    assert "Attention viết tay khớp" in at.success[0].value


def test_without_network_the_bundled_model_is_one_click_away(monkeypatch, tmp_path):
    from attention.bundled import BUNDLED_NAME

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    at = open_page(monkeypatch, "gpt2")
    assert at.error  # GPT-2 itself cannot be had here
    (button,) = [b for b in at.button if "tiny GPT-2" in b.label]
    button.click().run()
    assert not at.exception and not at.error
    assert BUNDLED_NAME in apptest.shown(at.success[0].value)  # the parity proof, on the bundled model


def test_attention_model_can_name_the_bundled_model(monkeypatch):
    from attention.bundled import BUNDLED_NAME

    at = open_page(monkeypatch, BUNDLED_NAME)
    assert BUNDLED_NAME in apptest.shown(at.success[0].value)
