"""GPT-2 loading and tracing: our `attend` reproduces the model's own attention, layer by layer."""

from __future__ import annotations

import re
import shutil
import string
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer, GPT2LMHeadModel

from attention import attend, gpt2
from attention.errors import InputError, ModelLoadError, TraceError
from attention.gpt2 import LoadedModel, load_model, trace
from attention.offline import build_model_dir, build_tokenizer
from attention.strings import STRINGS

SENTENCE = "The cat sat on the mat because it was warm."
PARITY_CONFIGS = {
    "gpt2 defaults": {},
    "no 1/sqrt(d) scaling": {"scale_attn_weights": False},
    "scaled by inverse layer index": {"scale_attn_by_inverse_layer_idx": True},
    "reordered and upcast": {"reorder_and_upcast_attn": True},
    "all three flipped": {
        "scale_attn_weights": False,
        "scale_attn_by_inverse_layer_idx": True,
        "reorder_and_upcast_attn": True,
    },
}


def undo_display(tokens: list[str]) -> str:
    """Join display tokens back into text: visible whitespace → whitespace, <0xF0> → its byte."""
    joined = "".join(tokens)
    for char, shown in gpt2.VISIBLE.items():
        joined = joined.replace(shown, char)
    pieces = re.split(r"((?:<0x[0-9A-F]{2}>)+)", joined)
    raw = b"".join(
        bytes(int(h, 16) for h in re.findall(r"<0x([0-9A-F]{2})>", p)) if p.startswith("<0x") else p.encode()
        for p in pieces
    )
    return raw.decode("utf-8")


# --- parity with the model's own attention ---------------------------------------------------------


@pytest.mark.parametrize("overrides", PARITY_CONFIGS.values(), ids=PARITY_CONFIGS.keys())
def test_attend_reproduces_the_models_attention_weights_and_logits(gpt2_dir_factory, overrides):
    loaded = load_model(gpt2_dir_factory(**overrides))
    result = trace(loaded, SENTENCE)

    assert result.max_abs_diff.shape == (3, 4)
    assert result.max_abs_diff.max().item() <= 1e-5
    assert torch.allclose(result.weights, result.library_weights, rtol=0, atol=1e-5)
    assert result.logits_max_abs_diff <= 1e-4
    assert torch.allclose(result.next_token_logits, result.hand_next_token_logits, rtol=0, atol=1e-4)
    # The scale the trace used is the one transformers precomputed for each layer.
    assert result.scales == tuple(block.attn.scaling for block in loaded.model.transformer.h)


def test_parity_is_not_trivial_the_attention_is_sharp(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    # Rows after the first few could be near-uniform for a badly initialised model; they are not.
    assert result.weights[:, :, 3:].amax().item() > 0.5
    assert result.weights.std().item() > 0.05


def test_a_wrong_scale_would_be_caught(gpt2_dir_factory):
    # With inverse-layer scaling, layer 2 divides by 3 more: the default 1/√d_k must then disagree.
    loaded = load_model(gpt2_dir_factory(scale_attn_by_inverse_layer_idx=True))
    result = trace(loaded, SENTENCE)
    wrong = attend(result.q[2], result.k[2], result.v[2], causal=True)  # scale defaults to 1/√d_k
    assert (wrong.weights - result.library_weights[2]).abs().max().item() > 1e-3
    assert result.scales[2] == pytest.approx(result.scales[0] / 3)


# --- what a trace holds ------------------------------------------------------------------------------


def test_shapes_follow_layers_heads_tokens(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    t = result.n_tokens
    assert t == len(result.tokens) == len(result.token_ids) > 5
    assert (result.layers, result.heads) == (3, 4)
    for name in ("q", "k", "v"):
        assert getattr(result, name).shape == (3, 4, t, 8)  # (layers, heads, T, head_dim)
    assert result.weights.shape == result.library_weights.shape == (3, 4, t, t)
    assert (
        result.next_token_logits.shape
        == result.hand_next_token_logits.shape
        == (small_gpt2.config.vocab_size,)
    )
    assert result.truncated_from is None
    assert not result.truncated
    assert result.text == SENTENCE


def test_q_k_v_are_ln_1_then_c_attn_of_each_block_input(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    model = small_gpt2.model
    ids = torch.tensor([result.token_ids])
    with torch.no_grad():
        # hidden_states[i] is what block i receives (the last entry is after ln_f, so unused here).
        hidden = model(ids, output_hidden_states=True).hidden_states
        for i, block in enumerate(model.transformer.h):
            fused = block.attn.c_attn(block.ln_1(hidden[i]))[0]  # (T, 3C)
            for j, name in enumerate(("q", "k", "v")):
                expected = fused[:, j * 32 : (j + 1) * 32].reshape(-1, 4, 8).transpose(0, 1)  # (heads, T, hd)
                assert torch.allclose(getattr(result, name)[i], expected, rtol=0, atol=1e-5), (i, name)


def test_causal_no_token_attends_to_a_later_one(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    t = result.n_tokens
    later = torch.ones(t, t, dtype=torch.bool).triu(diagonal=1)
    assert torch.all(result.weights[..., later] == 0)
    assert torch.all(result.library_weights[..., later] == 0)
    assert torch.allclose(result.weights.sum(-1), torch.ones(3, 4, t))
    assert torch.all(result.weights[..., 0, 0] == 1)  # the first token can only look at itself


def test_tokens_show_whitespace_and_the_model_is_not_changed(small_gpt2):
    before = {name: p.clone() for name, p in small_gpt2.model.state_dict().items()}
    result = trace(small_gpt2, "the cat\nsat")
    shown = "".join(result.tokens)
    assert "␣" in shown and "⏎" in shown
    assert not any(ch in token for token in result.tokens for ch in " \n")
    assert undo_display(result.tokens) == "the cat\nsat"
    assert all(torch.equal(before[name], p) for name, p in small_gpt2.model.state_dict().items())


@pytest.mark.parametrize(
    "text",
    [
        "Xin chào, cơ chế attention giúp mô hình tập trung vào phần quan trọng.",
        "Emoji 😀🚀 in a sentence 👍",
        "注意力机制 とアテンション 주의",
        "<b>bold</b> & <script>alert('x')</script>",
        "tabs\tand\r\nwindows lines",
    ],
    ids=["vietnamese", "emoji", "cjk", "html", "whitespace"],
)
def test_any_text_traces_and_its_tokens_give_back_the_text(small_gpt2, text):
    result = trace(small_gpt2, text)
    assert undo_display(result.tokens) == text
    assert result.max_abs_diff.max().item() <= 1e-5
    assert all(token for token in result.tokens)  # every token shows something, even a lone byte


def test_html_pieces_are_shown_literally(small_gpt2):
    result = trace(small_gpt2, "<b>hi</b>")
    assert "".join(result.tokens) == "<b>hi</b>"


def test_a_character_split_across_tokens_shows_its_bytes(small_gpt2):
    result = trace(small_gpt2, "😀")  # F0 9F 98 80: not in the small vocabulary, so one token per byte
    assert "".join(result.tokens) == "<0xF0><0x9F><0x98><0x80>"


def test_top_next_tokens_are_probabilities_in_order(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    top = gpt2.top_next_tokens(small_gpt2, result, k=5)
    probs = [p for _, p in top]
    assert len(top) == 5
    assert probs == sorted(probs, reverse=True)
    assert 0 < sum(probs) <= 1 + 1e-6


# --- limits --------------------------------------------------------------------------------------


def test_long_text_is_cut_to_max_tokens_and_says_so(small_gpt2):
    text = "the cat sat on the mat " * 20
    full = trace(small_gpt2, text, max_tokens=64)
    cut = trace(small_gpt2, text, max_tokens=10)
    assert cut.n_tokens == 10
    assert cut.truncated_from == full.truncated_from
    assert cut.truncated_from is not None and cut.truncated_from > 64
    assert cut.token_ids == full.token_ids[:10]
    assert text.startswith(cut.text) and undo_display(cut.tokens) == cut.text
    # Causal attention: cutting the text does not change what the first 10 tokens computed.
    assert torch.allclose(cut.weights, full.weights[:, :, :10, :10], atol=1e-6)


def test_the_cap_is_never_more_than_the_models_context(small_gpt2):
    text = "the cat sat on the mat " * 40
    result = trace(small_gpt2, text, max_tokens=10_000)
    assert result.n_tokens == small_gpt2.config.n_positions == 64
    assert result.truncated


@pytest.mark.parametrize(
    ("setting", "cap"), [("10", 10), (" 7 ", 7), ("100000", 64), ("0", 64), ("many", 64)]
)
def test_a_host_caps_the_tokens_with_attention_max_tokens(small_gpt2, monkeypatch, setting, cap):
    monkeypatch.setenv("ATTENTION_MAX_TOKENS", setting)
    assert gpt2.token_cap(small_gpt2.config) == cap  # the small model's context is 64
    result = trace(small_gpt2, " ".join(["word"] * 100), max_tokens=64)
    assert result.n_tokens == cap and result.truncated_from > 64


def test_the_default_cap(gpt2_dir_factory):
    loaded = load_model(gpt2_dir_factory(n_layer=1, n_positions=256))
    text = "the cat sat on the mat " * 60
    result = trace(loaded, text)
    assert result.n_tokens == gpt2.DEFAULT_MAX_TOKENS == 200
    assert result.truncated_from == len(loaded.tokenizer.encode(text, add_special_tokens=False)) > 300


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_is_an_input_error(small_gpt2, text):
    with pytest.raises(InputError) as err:
        trace(small_gpt2, text)
    assert err.value.key == "gpt2.error.empty_text"


@pytest.mark.parametrize("max_tokens", [0, -3, 2.5, True])
def test_a_bad_token_limit_is_an_input_error(small_gpt2, max_tokens):
    with pytest.raises(InputError) as err:
        trace(small_gpt2, SENTENCE, max_tokens=max_tokens)
    assert err.value.key == "gpt2.error.bad_max_tokens"


# --- many readers, one model ---------------------------------------------------------------------


def test_concurrent_traces_equal_their_sequential_ones(small_gpt2):
    texts = [
        f"{word} sat on the mat number {i}, {string.ascii_letters[i : i + 9]}"
        for i, word in enumerate(["cat", "dog", "Mèo", "chó", "bird", "cá", "🐟", "<i>fox</i>"])
    ]
    sequential = [trace(small_gpt2, text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda text: trace(small_gpt2, text), texts * 3))
    for i, result in enumerate(concurrent):
        expected = sequential[i % len(texts)]
        assert result.token_ids == expected.token_ids
        for name in ("q", "k", "v", "weights", "library_weights", "next_token_logits"):
            assert torch.equal(getattr(result, name), getattr(expected, name)), (i, name)


def test_two_models_loading_at_once_both_load_and_later_loads_still_work(gpt2_dir_factory):
    """Two visitors opening two different models at the same moment (transformers swaps class state
    while loading: unguarded, one of the two comes out with its lm_head "missing")."""
    folders = [gpt2_dir_factory(), gpt2_dir_factory(n_layer=1), "tiny-gpt2"]
    for _ in range(4):
        with ThreadPoolExecutor(max_workers=3) as pool:
            loaded = list(pool.map(load_model, folders))
        assert [m.config.n_layer for m in loaded] == [3, 1, 2]
    assert load_model(folders[0]).config.n_layer == 3, "a load on its own still works afterwards"


# --- the sdpa guard ------------------------------------------------------------------------------


def test_a_model_without_attention_weights_is_a_trace_error(gpt2_dir):
    model = GPT2LMHeadModel.from_pretrained(gpt2_dir, attn_implementation="sdpa").eval()
    loaded = LoadedModel(name="sdpa", model=model, tokenizer=AutoTokenizer.from_pretrained(gpt2_dir))
    with pytest.raises(TraceError) as err:
        trace(loaded, SENTENCE)
    assert err.value.key == "gpt2.error.no_attention"
    assert "sdpa" in str(err.value) and "eager" in str(err.value)


# --- loading -------------------------------------------------------------------------------------


def test_load_model_gives_an_eager_float32_frozen_gpt2(small_gpt2, gpt2_dir):
    model = small_gpt2.model
    assert isinstance(model, GPT2LMHeadModel)
    assert model.config._attn_implementation == "eager"
    assert not model.training
    assert all(p.dtype == torch.float32 and not p.requires_grad for p in model.parameters())
    assert small_gpt2.name == str(gpt2_dir)
    assert small_gpt2.config is model.config


def test_a_seed_fixes_the_weights(tmp_path):
    def weights(seed: int, where: str) -> list[torch.Tensor]:
        path = build_model_dir(tmp_path / where, n_layer=1, seed=seed)
        return list(load_model(path).model.state_dict().values())

    first, again, other = weights(0, "a"), weights(0, "b"), weights(1, "c")
    assert all(torch.equal(x, y) for x, y in zip(first, again, strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(first, other, strict=True))


@pytest.mark.parametrize("name", ["llama-3", "bert-base-uncased", "someone/gpt2-finetuned", "", "  "])
def test_an_unknown_hub_id_is_refused_with_the_allowed_list(name):
    with pytest.raises(ModelLoadError) as err:
        load_model(name)
    assert err.value.key == "gpt2.error.unknown_model"
    message = str(err.value)
    assert all(allowed in message for allowed in ("distilgpt2", "gpt2", "gpt2-medium"))
    assert "local directory" in message


def test_large_models_need_an_explicit_opt_in(monkeypatch):
    monkeypatch.delenv("ATTENTION_ALLOW_LARGE", raising=False)
    assert "gpt2-xl" not in gpt2.allowed_models()
    with pytest.raises(ModelLoadError) as err:
        load_model("gpt2-xl")
    assert err.value.key == "gpt2.error.large_model"
    assert "ATTENTION_ALLOW_LARGE=1" in str(err.value)
    monkeypatch.setenv("ATTENTION_ALLOW_LARGE", "1")
    assert {"gpt2-large", "gpt2-xl"} <= set(gpt2.allowed_models())


@pytest.mark.parametrize("name", ["distilgpt2", "openai-community/gpt2"])
def test_an_allowed_model_that_cannot_be_downloaded_says_how_to_get_it(monkeypatch, tmp_path, name):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    with pytest.raises(ModelLoadError) as err:
        load_model(name)
    assert err.value.key == "gpt2.error.not_reachable"
    message = str(err.value)
    assert 'python -c "from transformers import AutoModelForCausalLM, AutoTokenizer;' in message
    assert f"from_pretrained('{name}')" in message
    assert "HF_HOME" in message and "ATTENTION_MODEL" in message and str(tmp_path) in message
    assert "HF_HOME" in err.value.message("vi")


def break_by_removing(*names: str):
    def damage(path: Path) -> None:
        for name in names:
            (path / name).unlink()

    return damage


def truncate_weights(path: Path) -> None:
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])


def drop_one_tensor(path: Path) -> None:
    from safetensors.torch import load_file, save_file

    tensors = load_file(path / "model.safetensors")
    del tensors["transformer.h.0.attn.c_attn.weight"]
    save_file(tensors, path / "model.safetensors", metadata={"format": "pt"})


def make_it_bert(path: Path) -> None:
    config = path / "config.json"
    config.write_text(config.read_text().replace('"gpt2"', '"bert"').replace("GPT2LMHeadModel", "BertModel"))


def garble_config(path: Path) -> None:
    (path / "config.json").write_text("{ not json")


def mismatched_tokenizer(path: Path) -> None:
    corpus = [" ".join(f"{a}{b}{c}" for a in "abcdefgh" for b in "ijklmnop" for c in "qrstuvwx")] * 3
    bigger = build_tokenizer(corpus, vocab_size=2000)
    bigger.save_pretrained(path)


@pytest.mark.parametrize(
    ("damage", "key"),
    [
        (break_by_removing("config.json"), "gpt2.error.no_config"),
        (garble_config, "gpt2.error.bad_config"),
        (make_it_bert, "gpt2.error.not_gpt2"),
        (break_by_removing("model.safetensors"), "gpt2.error.broken_weights"),
        (truncate_weights, "gpt2.error.broken_weights"),
        (drop_one_tensor, "gpt2.error.broken_weights"),
        (break_by_removing("tokenizer.json", "tokenizer_config.json"), "gpt2.error.no_tokenizer"),
        (mismatched_tokenizer, "gpt2.error.vocab_mismatch"),
    ],
    ids=[
        "no config",
        "garbled config",
        "not gpt2",
        "no weights",
        "truncated weights",
        "a tensor missing",
        "no tokenizer",
        "tokenizer too big",
    ],
)
def test_a_broken_directory_is_a_model_load_error(gpt2_dir, tmp_path, damage, key):
    broken = tmp_path / "model"
    shutil.copytree(gpt2_dir, broken)
    damage(broken)
    with pytest.raises(ModelLoadError) as err:
        load_model(broken)
    assert err.value.key == key
    assert str(broken) in str(err.value) or key == "gpt2.error.vocab_mismatch"


@pytest.mark.parametrize("path", ["./no/such/model", "/tmp/definitely/not/here/", "~/nope/"])
def test_a_missing_directory_is_named(path):
    with pytest.raises(ModelLoadError) as err:
        load_model(path)
    assert err.value.key == "gpt2.error.dir_missing"
    assert path in str(err.value)


def test_the_default_model_comes_from_the_environment(monkeypatch, gpt2_dir):
    monkeypatch.delenv("ATTENTION_MODEL", raising=False)
    assert gpt2.default_model_name() == gpt2.DEFAULT_MODEL == "gpt2"
    monkeypatch.setenv("ATTENTION_MODEL", f"  {gpt2_dir} ")
    assert gpt2.default_model_name() == str(gpt2_dir)
    assert load_model(gpt2.default_model_name()).config.model_type == "gpt2"


# --- the catalogue -------------------------------------------------------------------------------


def test_every_gpt2_string_key_exists_in_both_languages_with_the_same_placeholders():
    source = Path(gpt2.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'"(gpt2\.[a-z_]+\.[a-z_]+)"', source))
    assert {"gpt2.error.empty_text", "gpt2.error.no_attention", "gpt2.error.not_reachable"} <= used
    formatter = string.Formatter()
    for key in used | {k for k in STRINGS if k.startswith("gpt2.")}:
        assert key in STRINGS, key
        texts = STRINGS[key]
        assert set(texts) == {"en", "vi"} and all(t.strip() for t in texts.values()), key
        en, vi = ({name for _, name, _, _ in formatter.parse(texts[lang]) if name} for lang in ("en", "vi"))
        assert en == vi, key
        if key in used:  # every message the library raises is really translated
            assert texts["en"] != texts["vi"], key


def test_the_byte_alphabet_is_gpt2s():
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    assert gpt2._byte_of_char() == {char: byte for byte, char in bytes_to_unicode().items()}
