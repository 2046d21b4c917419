"""The bundled tiny GPT-2: present, small, loaded the app's way, and worth looking at.

Its heads must do what the model card says: a previous-token head and an induction head by the
playground's own measures, a repeated phrase continued correctly, and attention that the hand-written
`attend` reproduces.
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from attention.bundled import BUNDLED_DIR, BUNDLED_NAME, EXAMPLES, is_bundled, model_card
from attention.gpt2 import LoadedModel, load_model, parity, trace
from attention.heads import head_roles, induction_probe, previous_token_score

ROLE_THRESHOLD = 0.5
MAX_BYTES = 10 * 1000 * 1000
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_tiny_gpt2.py"


@pytest.fixture(scope="module")
def bundled() -> LoadedModel:
    return load_model(BUNDLED_DIR)


@pytest.fixture(scope="module")
def script():
    """The training script as a module (scripts/ is no package); importing it trains nothing."""
    spec = importlib.util.spec_from_file_location("train_tiny_gpt2", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def induction(bundled) -> torch.Tensor:
    return induction_probe(bundled)  # (layers, heads)


def test_the_bundle_is_a_safetensors_gpt2_of_at_most_10_mb():
    files = {f.name: f for f in BUNDLED_DIR.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "training.json"} <= set(files)
    assert not any(name.endswith((".bin", ".pt", ".pth", ".pkl")) for name in files)  # no pickles
    assert sum(f.stat().st_size for f in files.values()) <= MAX_BYTES
    config = json.loads(files["config.json"].read_text(encoding="utf-8"))
    assert config["model_type"] == "gpt2"
    assert config["architectures"] == ["GPT2LMHeadModel"]
    with safe_open(files["model.safetensors"], framework="pt") as weights:
        assert "transformer.h.0.attn.c_attn.weight" in set(weights.keys())


def test_it_loads_through_load_model_with_its_own_small_tokenizer(bundled):
    assert bundled.config.n_layer >= 2
    assert len(bundled.tokenizer) <= bundled.config.vocab_size <= 2048
    assert bundled.tokenizer.eos_token == "<|endoftext|>"
    for text in ("The cat sat on the mat.", "Cơ chế attention"):  # unknown words fall back to bytes
        assert bundled.tokenizer.decode(bundled.tokenizer.encode(text)) == text


def test_some_head_attends_to_the_previous_token(bundled):
    result = trace(bundled, EXAMPLES[0][0])
    scores = previous_token_score(result.weights)  # (layers, heads)
    assert scores.max().item() >= ROLE_THRESHOLD


def test_some_head_is_an_induction_head_on_the_random_token_probe(induction):
    assert induction.max().item() >= ROLE_THRESHOLD


def test_the_induction_head_sits_above_a_previous_token_head(bundled, induction):
    # The circuit, not a coincidence: induction needs a previous-token head in an earlier layer.
    previous = previous_token_score(trace(bundled, EXAMPLES[0][0]).weights)  # (layers, heads)
    layer, _ = divmod(int(induction.argmax()), induction.shape[1])
    assert layer >= 1
    assert previous[:layer].max().item() >= ROLE_THRESHOLD


def test_head_roles_finds_both_roles(bundled, induction):
    roles = head_roles(bundled, trace(bundled, EXAMPLES[0][0]), induction=induction)
    assert roles.role_heads("previous_token", ROLE_THRESHOLD)
    assert roles.role_heads("induction", ROLE_THRESHOLD)


@pytest.mark.parametrize(("prompt", "expected"), EXAMPLES)
def test_it_continues_a_repeated_phrase(bundled, prompt, expected):
    logits = trace(bundled, prompt).next_token_logits  # (vocab,)
    assert bundled.tokenizer.decode([int(logits.argmax())]) == expected


def test_hand_written_attention_reproduces_it(bundled):
    result = trace(bundled, " ".join(prompt for prompt, _ in EXAMPLES))
    assert result.max_abs_diff.max().item() <= 1e-5
    assert parity(result).ok


def test_the_model_card_reports_what_the_tests_measure(bundled, induction):
    card = model_card()
    assert "MIT" in card.text and "generated" in card.text
    heads = card.figures["head_scores"]
    assert len(heads) == bundled.config.n_layer * bundled.config.n_head
    reported = torch.tensor([h["induction"] for h in heads]).reshape(induction.shape)
    assert torch.allclose(reported, induction, atol=1e-3)
    previous = previous_token_score(trace(bundled, card.figures["head_scores_text"]).weights)
    reported = torch.tensor([h["previous_token"] for h in heads]).reshape(previous.shape)
    assert torch.allclose(reported, previous, atol=1e-3)
    assert card.figures["steps"] == card.figures["steps_planned"]  # a full run, not one cut short
    assert all(e["predicted"] == e["expected"] for e in card.figures["examples"])


def test_is_bundled_knows_its_name_its_alias_and_its_folder():
    assert is_bundled(BUNDLED_NAME)
    assert is_bundled(f"  {BUNDLED_NAME} ")
    assert is_bundled("tiny-gpt2")
    assert is_bundled("TINY-GPT2")
    assert is_bundled(BUNDLED_DIR)
    assert is_bundled(str(BUNDLED_DIR) + "/")
    assert not is_bundled("gpt2")
    assert not is_bundled("sshleifer/tiny-gpt2")  # a hub id, not ours
    assert not is_bundled("")
    assert not is_bundled(BUNDLED_DIR.parent)


# --- the training script: the parts a re-run depends on --------------------------------------------


def test_the_script_rebuilds_the_bundled_tokenizer_exactly(script, bundled):
    tokenizer = script.build_tokenizer(script.tokenizer_corpus(seed=0), vocab_size=1024)
    assert tokenizer.get_vocab() == bundled.tokenizer.get_vocab()


def test_the_training_data_depend_only_on_the_seed(script, bundled):
    first, again, other = (script.Data(bundled.tokenizer, 128, seed) for seed in (0, 0, 1))
    for _ in range(3):
        inputs, targets = first.batch(4)  # (B, T), (B, T)
        inputs_again, targets_again = again.batch(4)
        assert inputs.shape == targets.shape == (4, 128)
        assert torch.equal(inputs, inputs_again) and torch.equal(targets, targets_again)
    assert not torch.equal(first.batch(4)[0], other.batch(4)[0])


def test_random_tokens_are_scored_only_where_they_repeat(script, bundled):
    data = script.Data(bundled.tokenizer, 128, seed=0)
    for _ in range(50):
        ids, scored = data.document()
        if scored[0] is False and not all(scored):  # a token repeat: <|endoftext|> + span + span
            n = (len(ids) - 1) // 2
            assert ids[1 : 1 + n] == ids[1 + n :]
            assert scored == [False] * (1 + n) + [True] * n
            return
    pytest.fail("no token repeat in 50 documents")


def test_the_examples_are_sentences_of_the_grammar(script):
    # The model is held to continuing them: they must be made of words it was trained on.
    rng = random.Random(0)
    spoken = {word for _ in range(2000) for word in script.sentence(rng)}
    vocabulary = spoken | {word.capitalize() for word in spoken}
    for prompt, expected in EXAMPLES:
        words = prompt.replace(".", " .").replace(",", " ,").split()
        assert set(words) <= vocabulary, set(words) - vocabulary
        assert expected.strip() in vocabulary
