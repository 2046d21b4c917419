"""The page that explains heads, through AppTest on a small GPT-2 built offline."""

from __future__ import annotations

import re

import torch
from streamlit.testing.v1 import AppTest

from attention import toy
from attention.gpt2 import load_model, trace
from tests import apptest
from tests.apptest import APP

PAGE = "app_pages/heads.py"


def open_page(monkeypatch, model, **query):
    return apptest.open_page(monkeypatch, model, PAGE, **query)


def test_the_qk_table_shows_the_traces_numbers(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir)
    at.number_input(key="layer_input").set_value(1).run()
    at.number_input(key="head_input").set_value(2).run()
    table = at.dataframe[0].value
    result = trace(load_model(gpt2_dir), at.text_area(key="text_input").value)
    query = result.n_tokens - 1  # the page starts on the last token
    keys = [int(label.split(" ")[0]) for label in table.iloc[:, 0]]
    assert query in keys
    shown = torch.tensor(table.iloc[:, 1].tolist())
    assert torch.allclose(shown, result.k[1, 2, keys] @ result.q[1, 2, query], atol=1e-4)
    weights = torch.tensor(table.iloc[:, 3].tolist())
    assert torch.allclose(weights, result.weights[1, 2, query, keys], atol=1e-6)


def test_the_hand_over_opens_the_toy_page_with_the_same_numbers(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir)
    at.number_input(key="layer_input").set_value(2).run()
    scores_before = at.dataframe[0].value.iloc[:, 1].tolist()
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Attention, step by step"
    assert "These vectors come from" in at.info[0].value and "layer 2, head 0" in at.info[0].value
    q = toy.parse_matrix(at.text_area(key="q_text").value, "Q")
    assert len(q) == 1 and len(q[0]) == 32 // 4  # one query, full head width
    scores_on_toy_page = at.dataframe[0].value.iloc[0].tolist()  # one query row, one column per key
    assert scores_on_toy_page == [toy.format_number(x) for x in scores_before]
    # AppTest keeps rerunning the page it was switched to last; st.switch_page moved the app to the toy page.
    at.switch_page("app_pages/toy.py").run()
    (examples,) = [b for b in at.button if b.label == "Show the examples again"]
    examples.click().run()
    assert at.text_area(key="q_text").value == "1, 2, 3" and not any("come from" in i.value for i in at.info)


def test_vietnamese(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir, lang="vi")
    assert at.title[0].value == "Các head làm gì"


def test_heads_sort_by_induction_and_a_role_lights_them_up(monkeypatch, gpt2_dir):
    at = open_page(monkeypatch, gpt2_dir)
    apptest.select(at, "role", "induction_text")
    at.slider(key="role_threshold_input").set_value(0.0).run()
    table = at.dataframe[1].value
    column = "Induction (this text)"
    assert table[column].tolist() == sorted(table[column].tolist(), reverse=True)
    assert len(table) == 3 * 4  # every head of the small model
    found = [m.value for m in at.markdown if "Heads scoring at least 0" in m.value]
    assert found and "(12)" in found[0]  # threshold 0: every head is lit


def test_switching_heads_off_changes_the_predictions(monkeypatch, gpt2_dir):
    monkeypatch.setenv("ATTENTION_MODEL", str(gpt2_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/flow.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist() == table.iloc[:, 2].tolist()  # nothing switched off yet
    everything = [(layer, head) for layer in range(3) for head in range(4)]
    at.multiselect(key="switched_input").set_value(everything).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist() != table.iloc[:, 2].tolist()
    assert "with 12 heads changed" in table.columns[2]
    apptest.select(at, "ablation_mode", "previous")
    assert not at.exception and at.dataframe[0].value.iloc[:, 2].tolist() != table.iloc[:, 2].tolist()


def test_every_heads_page_reuses_one_trace(monkeypatch, gpt2_dir):
    from attention import gpt2

    seen: list[str] = []
    real = gpt2.trace
    monkeypatch.setattr(
        gpt2, "trace", lambda loaded, text, **kw: seen.append(text) or real(loaded, text, **kw)
    )
    monkeypatch.setenv("ATTENTION_MODEL", str(gpt2_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE).run()
    at.text_area(key="text_input").set_value("Only one trace for this text, on every page.").run()
    for page in ("app_pages/flow.py", "app_pages/gpt2.py", PAGE):
        at.switch_page(page).run()
        assert not at.exception
    assert seen.count("Only one trace for this text, on every page.") == 1


def test_a_token_that_looks_like_markup_is_shown_literally(monkeypatch, gpt2_dir):
    unescaped_star = re.compile(r"(?<!\\)\*")  # a star Markdown would read as emphasis
    at = open_page(monkeypatch, gpt2_dir)
    at.text_area(key="text_input").set_value("a b **").run()  # the query starts on the last token, a star
    (about,) = [m.value for m in at.markdown if "asks with its query vector" in m.value]
    assert "\\*" in about and not unescaped_star.search(about), "the token reaches Markdown escaped"
    at.button[0].click().run()  # to the toy page, whose note names the token and the model
    at.switch_page("app_pages/toy.py").run()
    (note,) = [i.value for i in at.info if "come from" in i.value]
    assert "\\*" in note and not unescaped_star.search(note)
