"""What each head does: role scores on hand-made patterns, rollout by hand, ablations against a reference."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch

from attention import gpt2, heads
from attention.gpt2 import ABLATION_MODES, attention_weights, load_model, next_token_logits, trace
from attention.heads import (
    ROLES,
    HeadRoles,
    duplicate_token_score,
    entropy,
    first_token_mass,
    head_roles,
    induction_probe,
    induction_score,
    line_chart,
    line_view,
    previous_token_score,
    probe_tokens,
    rollout,
)
from attention.strings import STRINGS

T = 6
SENTENCE = "The cat sat on the mat. The cat sat on the mat because it was warm."


# --- patterns whose scores are known exactly --------------------------------------------------------


def previous_head(t: int = T) -> torch.Tensor:
    """Every token looks one back; token 0, with nothing before it, at itself."""
    w = torch.zeros(t, t)
    w[0, 0] = 1.0
    w[torch.arange(1, t), torch.arange(t - 1)] = 1.0
    return w


def first_head(t: int = T) -> torch.Tensor:
    w = torch.zeros(t, t)
    w[:, 0] = 1.0
    return w


def uniform_head(t: int = T) -> torch.Tensor:
    w = torch.ones(t, t).tril()
    return w / w.sum(dim=-1, keepdim=True)


def self_head(t: int = T) -> torch.Tensor:
    return torch.eye(t)


def random_causal(*shape: int, seed: int) -> torch.Tensor:
    """Random causal weights (…, T, T): rows sum to 1 over keys 0…i."""
    t = shape[-1]
    scores = torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * 3
    allowed = torch.ones(t, t, dtype=torch.bool).tril()
    return torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)


def test_a_previous_token_head_scores_1_and_gives_the_first_token_only_row_1s_share():
    w = previous_head()
    assert previous_token_score(w).item() == 1.0
    # Rows 1…T−1 count; row 1's previous token *is* token 0, the only weight on the first token.
    assert first_token_mass(w).item() == pytest.approx(1 / (T - 1))
    assert entropy(w).item() == 0.0


def test_an_all_to_first_head_is_a_pure_attention_sink():
    w = first_head()
    assert first_token_mass(w).item() == 1.0
    assert previous_token_score(w).item() == pytest.approx(1 / (T - 1))  # again only row 1
    assert entropy(w).item() == 0.0


def test_a_uniform_head_has_entropy_mean_log_i_plus_1_and_normalized_entropy_1():
    w = uniform_head()
    assert entropy(w).item() == pytest.approx(sum(math.log(i + 1) for i in range(T)) / T, abs=1e-6)
    assert entropy(w, normalized=True).item() == pytest.approx(1.0, abs=1e-6)
    assert previous_token_score(w).item() == pytest.approx(sum(1 / (i + 1) for i in range(1, T)) / (T - 1))
    assert first_token_mass(w).item() == pytest.approx(sum(1 / (i + 1) for i in range(1, T)) / (T - 1))


def test_scores_keep_the_leading_dimensions_layers_heads():
    w = torch.stack([torch.stack([previous_head(), first_head(), uniform_head()])] * 2)  # (2, 3, T, T)
    ids = [1, 2, 1, 3, 2, 1]
    for score in (entropy, previous_token_score, first_token_mass):
        assert score(w).shape == (2, 3)
    for score in (duplicate_token_score, induction_score):
        assert score(w, ids).shape == (2, 3)
    assert previous_token_score(w)[1].tolist() == pytest.approx([1.0, 1 / (T - 1), 1.45 / 5], abs=1e-6)


def test_one_token_scores_zero_not_nan():
    w = torch.ones(2, 3, 1, 1)
    for score in (previous_token_score, first_token_mass, entropy):
        assert torch.equal(score(w), torch.zeros(2, 3))
    assert torch.equal(entropy(w, normalized=True), torch.zeros(2, 3))
    assert torch.equal(duplicate_token_score(w, [7]), torch.zeros(2, 3))
    assert torch.equal(induction_score(w, [7]), torch.zeros(2, 3))


# Token ids 5 7 5 9 7 5: query 2 repeats token 0, query 4 repeats 1, query 5 repeats 0 and 2.
IDS = [5, 7, 5, 9, 7, 5]


def test_duplicate_token_score_on_a_hand_made_pattern():
    w = first_head()  # rows without an earlier duplicate (0, 1, 3) must not count, whatever they do
    w[2] = torch.tensor([0.6, 0.0, 0.4, 0, 0, 0])  # 0.6 on its earlier copy (0), 0.4 on itself
    w[4] = torch.tensor([0.5, 0.25, 0.0, 0.0, 0.25, 0])  # 0.25 on its earlier copy (1)
    w[5] = torch.tensor([0.5, 0.0, 0.3, 0.0, 0.0, 0.2])  # 0.5 + 0.3 on its two earlier copies (0, 2)
    assert duplicate_token_score(w, IDS).item() == pytest.approx((0.6 + 0.25 + 0.8) / 3)


def test_induction_score_on_a_hand_made_pattern():
    # The token after each earlier occurrence: query 2 → key 1, query 4 → key 2, query 5 → keys 1 and 3.
    perfect = self_head()
    perfect[2] = torch.tensor([0, 1.0, 0, 0, 0, 0])
    perfect[4] = torch.tensor([0, 0, 1.0, 0, 0, 0])
    perfect[5] = torch.tensor([0, 0.5, 0, 0.5, 0, 0])
    assert induction_score(perfect, IDS).item() == 1.0
    partial = self_head()
    partial[2] = torch.tensor([0.5, 0.5, 0, 0, 0, 0])
    partial[4] = torch.tensor([0.8, 0, 0.2, 0, 0, 0])
    partial[5] = torch.tensor([0.7, 0, 0, 0.3, 0, 0])
    assert induction_score(partial, IDS).item() == pytest.approx((0.5 + 0.2 + 0.3) / 3)
    # The duplicate-token head and the induction head look one token apart: neither scores on the other.
    assert duplicate_token_score(perfect, IDS).item() == 0.0
    assert induction_score(self_head(), IDS).item() == 0.0


def test_a_token_repeated_at_once_finds_its_successor_in_itself():
    # "A A": the token after the first A is the second A, the query itself.
    assert induction_score(self_head(2), [3, 3]).item() == 1.0
    assert duplicate_token_score(self_head(2), [3, 3]).item() == 0.0
    assert duplicate_token_score(first_head(2), [3, 3]).item() == 1.0


def test_a_text_without_repeats_scores_0_for_duplicates_and_induction():
    w = random_causal(2, 3, T, T, seed=0)
    assert torch.equal(duplicate_token_score(w, range(T)), torch.zeros(2, 3))
    assert torch.equal(induction_score(w, range(T)), torch.zeros(2, 3))


def reference_scores(w: torch.Tensor, ids: list[int]) -> tuple[float, float]:
    """Duplicate-token and induction scores of one (T, T) head, by plain loops over the definitions."""
    duplicate, induction = [], []
    for i in range(len(ids)):
        earlier = [j for j in range(i) if ids[j] == ids[i]]
        if earlier:
            duplicate.append(sum(w[i, j].item() for j in earlier))
            induction.append(sum(w[i, j + 1].item() for j in earlier))
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    return mean(duplicate), mean(induction)


@pytest.mark.parametrize("seed", range(5))
def test_duplicate_and_induction_scores_follow_their_definitions_on_random_patterns(seed):
    t = 24
    w = random_causal(2, 2, t, t, seed=seed)
    ids = torch.randint(0, 5, (t,), generator=torch.Generator().manual_seed(seed)).tolist()  # many repeats
    duplicate, induction = duplicate_token_score(w, ids), induction_score(w, ids)
    for layer in range(2):
        for head in range(2):
            expected = reference_scores(w[layer, head], ids)
            assert duplicate[layer, head].item() == pytest.approx(expected[0], abs=1e-6)
            assert induction[layer, head].item() == pytest.approx(expected[1], abs=1e-6)


# --- attention rollout ----------------------------------------------------------------------------------

W0 = torch.tensor([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
W1 = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])


def test_rollout_by_hand_two_layers_one_head_three_tokens():
    weights = torch.stack([W0, W1])[:, None]  # (2 layers, 1 head, 3, 3)
    result = rollout(weights)
    # A0 = ½W0 + ½I; A1 = ½W1 + ½I; rollout_1 = A1 · A0.
    a0 = torch.tensor([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.1, 0.15, 0.75]])
    r1 = torch.tensor([[1.0, 0.0, 0.0], [0.625, 0.375, 0.0], [0.1375, 0.3, 0.5625]])
    torch.testing.assert_close(result, torch.stack([a0, r1]), rtol=0, atol=1e-7)
    # Without the residual the weights compose directly: W1 · W0.
    plain = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.35, 0.4, 0.25]])
    torch.testing.assert_close(rollout(weights, residual=False), torch.stack([W0, plain]), rtol=0, atol=1e-7)


def test_rollout_averages_the_heads_of_a_layer():
    # Two heads whose mean is W0 roll out exactly as W0 alone.
    half = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.4, 0.0, 0.6]])
    other = 2 * W0 - half
    two_heads = torch.stack([torch.stack([half, other]), torch.stack([W1, W1])])  # (2, 2, 3, 3)
    one_head = torch.stack([W0, W1])[:, None]
    torch.testing.assert_close(rollout(two_heads), rollout(one_head), rtol=0, atol=1e-7)


def test_rollout_of_a_real_trace_is_causal_and_rows_sum_to_1(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    rolled = rollout(result.weights)
    t = result.n_tokens
    assert rolled.shape == (3, t, t)
    torch.testing.assert_close(rolled.sum(dim=-1), torch.ones(3, t))
    assert torch.all(rolled.triu(diagonal=1) == 0)
    assert torch.all(rolled >= 0)


# --- the line view ------------------------------------------------------------------------------------


def test_line_view_keeps_lines_above_the_minimum_in_query_key_order():
    w = torch.tensor([[1.0, 0.0, 0.0], [0.99, 0.01, 0.0], [0.2, 0.3, 0.5]])
    frame = line_view(w, ["a", "b", "c"], min_weight=0.02)
    assert list(frame.columns) == ["query", "key", "weight", "query_token", "key_token"]
    assert list(zip(frame["query"], frame["key"], strict=True)) == [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)]
    assert frame["weight"].tolist() == pytest.approx([1.0, 0.99, 0.2, 0.3, 0.5])
    assert frame["query_token"].tolist() == ["a", "b", "c", "c", "c"]
    assert frame["key_token"].tolist() == ["a", "a", "a", "b", "c"]


def test_line_view_caps_the_lines_keeping_the_heaviest():
    w = uniform_head(40)
    frame = line_view(w, [str(i) for i in range(40)], min_weight=0.0, max_lines=50)
    assert len(frame) == 50
    # Uniform rows: row i gives 1/(i+1) to each key, so the heaviest lines are those of the first rows.
    assert frame["weight"].min() >= 1 / 10
    assert frame["query"].is_monotonic_increasing


def test_line_chart_draws_queries_keys_and_one_line_per_row():
    tokens = ["The", "␣cat", "␣sat", "␣on"]
    frame = line_view(uniform_head(4), tokens)
    spec = line_chart(frame, tokens, highlight=2).to_dict()
    rules, queries, keys = spec["layer"]
    assert rules["mark"]["type"] == "rule" and queries["mark"]["type"] == keys["mark"]["type"] == "text"
    assert queries["mark"]["align"] == "right" and keys["mark"]["align"] == "left"
    datasets = spec["datasets"]
    assert len(datasets[rules["data"]["name"]]) == len(frame) == 10
    assert [row["token"] for row in datasets[queries["data"]["name"]]] == tokens
    assert spec["params"][0]["name"] == "line_query"
    assert spec["params"][0]["value"] == [{"query": 2}]
    assert spec["height"] == 4 * 18
    assert "value" not in line_chart(frame, tokens).to_dict()["params"][0]  # nothing picked: all lines


# --- ablation through the hand-written forward --------------------------------------------------------


def test_no_ablation_is_bit_identical_to_the_trace(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    assert torch.equal(next_token_logits(small_gpt2, result.token_ids), result.hand_next_token_logits)
    assert torch.equal(next_token_logits(small_gpt2, result.token_ids, {}), result.hand_next_token_logits)
    assert torch.equal(attention_weights(small_gpt2, result.token_ids), result.weights)


def forward_with_heads_replaced(loaded, token_ids, replace) -> torch.Tensor:
    """A second GPT-2 forward, from the model's parameters, for the tests only: the next-token logits with
    ``replace(layer, head, q, k, v)`` → the head's output (T, head_dim), or None to keep the head as is.
    """
    model, config = loaded.model, loaded.config
    gpt, c, n_head = model.transformer, config.n_embd, config.n_head
    hd = c // n_head
    ids = torch.tensor(token_ids)
    t = len(ids)
    with torch.no_grad():
        x = gpt.wte.weight[ids] + gpt.wpe.weight[:t]  # (T, C)
        for layer, block in enumerate(gpt.h):
            h = torch.nn.functional.layer_norm(x, (c,), block.ln_1.weight, block.ln_1.bias, block.ln_1.eps)
            qkv = h @ block.attn.c_attn.weight + block.attn.c_attn.bias  # (T, 3C); Conv1D is x @ W + b
            heads_out = []
            for head in range(n_head):
                q, k, v = (qkv[:, part * c + head * hd : part * c + (head + 1) * hd] for part in range(3))
                out = replace(layer, head, q, k, v)
                if out is None:
                    scores = (q @ k.T) / math.sqrt(hd)  # (T, T)
                    scores = scores.masked_fill(torch.ones(t, t).triu(1).bool(), float("-inf"))
                    out = torch.softmax(scores, dim=-1) @ v  # (T, head_dim)
                heads_out.append(out)
            x = x + torch.cat(heads_out, dim=-1) @ block.attn.c_proj.weight + block.attn.c_proj.bias
            h = torch.nn.functional.layer_norm(x, (c,), block.ln_2.weight, block.ln_2.bias, block.ln_2.eps)
            x = x + block.mlp(h)
        last = torch.nn.functional.layer_norm(x[-1], (c,), gpt.ln_f.weight, gpt.ln_f.bias, gpt.ln_f.eps)
        return last @ model.lm_head.weight.T  # (vocab,)


def test_the_reference_forward_is_the_model(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    plain = forward_with_heads_replaced(small_gpt2, result.token_ids, lambda *_: None)
    torch.testing.assert_close(plain, result.next_token_logits, rtol=0, atol=1e-4)


def test_zeroing_every_head_leaves_only_c_projs_bias(small_gpt2):
    """With every head zeroed, each attention sublayer adds c_proj(0) = its bias, and nothing else."""
    model, config = small_gpt2.model, small_gpt2.config
    ids = trace(small_gpt2, SENTENCE).token_ids
    everything = {(layer, head): "zero" for layer in range(config.n_layer) for head in range(config.n_head)}
    with torch.no_grad():
        gpt = model.transformer
        x = gpt.wte(torch.tensor(ids)) + gpt.wpe(torch.arange(len(ids)))  # (T, C)
        for block in gpt.h:
            x = x + block.attn.c_proj(torch.zeros_like(x))  # = x + c_proj.bias
            x = x + block.mlp(block.ln_2(x))
        expected = model.lm_head(gpt.ln_f(x[-1]))  # (vocab,)
    torch.testing.assert_close(next_token_logits(small_gpt2, ids, everything), expected, rtol=0, atol=1e-5)


def uniform_output(q, k, v):
    """Query i averages the values of tokens 0…i."""
    return v.cumsum(dim=0) / torch.arange(1, len(v) + 1)[:, None]


def previous_output(q, k, v):
    """Query i takes the value of token i − 1; token 0 its own."""
    return torch.cat([v[:1], v[:-1]])


ABLATED = {
    "zero": lambda q, k, v: torch.zeros_like(v),
    "uniform": uniform_output,
    "previous": previous_output,
}


@pytest.mark.parametrize("mode", ABLATION_MODES)
@pytest.mark.parametrize(
    "picked",
    [{(0, 1)}, {(2, 3)}, {(0, 0), (1, 2), (1, 3), (2, 0)}],
    ids=["first layer", "last layer", "four heads"],
)
def test_ablations_match_an_independent_forward(small_gpt2, mode, picked):
    ids = trace(small_gpt2, SENTENCE).token_ids

    def replace(layer, head, q, k, v):
        return ABLATED[mode](q, k, v) if (layer, head) in picked else None

    expected = forward_with_heads_replaced(small_gpt2, ids, replace)
    ablated = next_token_logits(small_gpt2, ids, dict.fromkeys(picked, mode))
    torch.testing.assert_close(ablated, expected, rtol=0, atol=1e-4)
    # The test could fail: switching those heads off really moves the prediction.
    assert (ablated - next_token_logits(small_gpt2, ids)).abs().max().item() > 1e-3


def test_ablated_weights_show_the_replacement_and_leave_earlier_layers_alone(small_gpt2):
    ids = trace(small_gpt2, SENTENCE).token_ids
    clean = attention_weights(small_gpt2, ids)
    t = len(ids)
    ablated = attention_weights(small_gpt2, ids, {(1, 0): "previous", (1, 1): "uniform", (1, 2): "zero"})
    assert torch.equal(ablated[0], clean[0])
    assert torch.equal(ablated[1, 3], clean[1, 3])  # a head of the same layer that was left on
    assert torch.equal(ablated[1, 0], previous_head(t))
    torch.testing.assert_close(ablated[1, 1], uniform_head(t), rtol=0, atol=0)
    assert torch.equal(ablated[1, 2], torch.zeros(t, t))
    assert not torch.allclose(ablated[2], clean[2], atol=1e-4)  # later layers see a different input


@pytest.mark.parametrize(
    "ablations",
    [{(3, 0): "zero"}, {(0, 4): "zero"}, {(-1, 0): "zero"}, {(0, 0): "mean"}],
    ids=["no such layer", "no such head", "negative layer", "unknown mode"],
)
def test_a_head_the_model_lacks_or_an_unknown_mode_is_refused(small_gpt2, ablations):
    with pytest.raises(ValueError, match=r"no head|unknown ablation"):
        next_token_logits(small_gpt2, [1, 2, 3], ablations)


def test_ablations_leave_the_model_unchanged_and_run_concurrently(small_gpt2):
    before = {name: p.clone() for name, p in small_gpt2.model.state_dict().items()}
    ids = trace(small_gpt2, SENTENCE).token_ids
    cases = [{(layer, head): mode} for layer in range(3) for head in (0, 3) for mode in ABLATION_MODES]
    sequential = [next_token_logits(small_gpt2, ids, case) for case in cases]
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(pool.map(lambda case: next_token_logits(small_gpt2, ids, case), cases * 2))
    assert all(torch.equal(got, sequential[i % len(cases)]) for i, got in enumerate(concurrent))
    assert all(torch.equal(before[name], p) for name, p in small_gpt2.model.state_dict().items())


def test_top_tokens_of_any_logits(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    assert gpt2.top_tokens(small_gpt2, result.next_token_logits, 4) == gpt2.top_next_tokens(
        small_gpt2, result, k=4
    )
    ablated = next_token_logits(small_gpt2, result.token_ids, {(2, 1): "uniform"})
    top = gpt2.top_tokens(small_gpt2, ablated, 3)
    assert len(top) == 3 and [p for _, p in top] == sorted((p for _, p in top), reverse=True)


# --- the induction probe -----------------------------------------------------------------------------


def test_probe_tokens_are_the_first_token_then_distinct_random_tokens_twice(small_gpt2):
    ids, start = probe_tokens(small_gpt2, length=20, seed=3)
    tokenizer = small_gpt2.tokenizer
    assert start == 1 and ids[0] == tokenizer.bos_token_id
    first, second = ids[1:21], ids[21:]
    assert len(ids) == 41 and first == second
    assert len(set(first)) == 20 and not set(first) & set(tokenizer.all_special_ids)
    assert probe_tokens(small_gpt2, length=20, seed=3) == (ids, start)
    assert probe_tokens(small_gpt2, length=20, seed=4)[0] != ids


def test_the_probe_is_cut_to_the_models_context(small_gpt2):
    ids, _ = probe_tokens(small_gpt2, length=500)
    assert len(ids) == 1 + 2 * 31 <= small_gpt2.config.n_positions == 64


def test_a_perfect_induction_pattern_scores_1_on_the_probe():
    length, start = 5, 1
    t = start + 2 * length
    w = self_head(t)
    for i in range(length):
        query = start + length + i
        w[query] = 0.0
        w[query, start + i + 1] = 1.0  # the token after the earlier copy
    assert heads._probe_score(w, length, start).item() == 1.0
    ids = [0, *range(10, 10 + length), *range(10, 10 + length)]
    assert induction_score(w, ids).item() == 1.0  # the text measure agrees when tokens are distinct
    assert heads._probe_score(self_head(t), length, start).item() == 0.0


def test_the_probe_is_the_text_induction_score_of_its_own_tokens(small_gpt2):
    probe = induction_probe(small_gpt2, length=20, seed=1)
    ids, _ = probe_tokens(small_gpt2, length=20, seed=1)
    torch.testing.assert_close(
        probe, induction_score(attention_weights(small_gpt2, ids), ids), rtol=0, atol=1e-6
    )
    assert probe.shape == (3, 4)
    assert torch.all((probe >= 0) & (probe <= 1))
    assert torch.equal(probe, induction_probe(small_gpt2, length=20, seed=1))
    assert not torch.equal(probe, induction_probe(small_gpt2, length=20, seed=2))


@pytest.fixture(scope="module")
def evenly_attending_gpt2(gpt2_dir):
    """The small GPT-2 with every query and key zeroed: all scores are 0, so every head attends evenly."""
    loaded = load_model(gpt2_dir)  # its own copy: the shared fixture's model is never changed
    c = loaded.config.n_embd
    with torch.no_grad():
        for block in loaded.model.transformer.h:
            block.attn.c_attn.weight[:, : 2 * c] = 0.0
            block.attn.c_attn.bias[: 2 * c] = 0.0
    return loaded


def test_a_head_that_attends_evenly_scores_1_over_position_on_the_probe(evenly_attending_gpt2):
    length = 20
    probe = induction_probe(evenly_attending_gpt2, length=length)
    # Query at position p (second copy: p = 1 + length + i) spreads 1/(p + 1) over every key.
    expected = sum(1 / (p + 1) for p in range(1 + length, 1 + 2 * length)) / length
    torch.testing.assert_close(probe, torch.full((3, 4), expected), rtol=0, atol=1e-6)


def test_head_roles_of_an_evenly_attending_model_are_known(evenly_attending_gpt2):
    result = trace(evenly_attending_gpt2, SENTENCE)
    roles = head_roles(evenly_attending_gpt2, result, probe_length=20)
    t = result.n_tokens
    even = sum(1 / (i + 1) for i in range(1, t)) / (t - 1)
    for name, value in [
        ("entropy", sum(math.log(i + 1) for i in range(t)) / t),
        ("previous_token", even),
        ("first_token", even),
    ]:
        torch.testing.assert_close(roles.score(name), torch.full((3, 4), value), rtol=0, atol=1e-5)


# --- HeadRoles ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def roles_and_trace(small_gpt2):
    result = trace(small_gpt2, SENTENCE)
    return head_roles(small_gpt2, result, probe_length=20), result


def test_the_table_holds_exactly_the_functions_outputs(small_gpt2, roles_and_trace):
    roles, result = roles_and_trace
    w, ids = result.weights, result.token_ids
    expected = {
        "entropy": entropy(w),
        "previous_token": previous_token_score(w),
        "first_token": first_token_mass(w),
        "duplicate_token": duplicate_token_score(w, ids),
        "induction": induction_probe(small_gpt2, length=20),
        "induction_text": induction_score(w, ids),
    }
    table = roles.table()
    assert list(table.columns) == ["layer", "head", *ROLES] == ["layer", "head", *expected]
    assert len(table) == 12
    for row in table.itertuples(index=False):
        for role, scores in expected.items():
            assert getattr(row, role) == scores[row.layer, row.head].item(), (role, row.layer, row.head)
    assert table[["layer", "head"]].values.tolist() == [
        [layer, head] for layer in range(3) for head in range(4)
    ]
    assert roles.probe_length == 20 and (roles.layers, roles.heads) == (3, 4)


def test_role_heads_are_those_at_or_above_the_threshold_strongest_first(roles_and_trace):
    roles, _ = roles_and_trace
    scores = roles.first_token
    threshold = scores.median().item()
    picked = roles.role_heads("first_token", threshold)
    assert set(picked) == {(la, he) for la in range(3) for he in range(4) if scores[la, he] >= threshold}
    assert [scores[p].item() for p in picked] == sorted((scores[p].item() for p in picked), reverse=True)
    assert roles.role_heads("first_token", 1.01) == []
    with pytest.raises(ValueError, match="unknown role"):
        roles.role_heads("copying", 0.5)


def test_a_precomputed_probe_is_used_as_given(small_gpt2, roles_and_trace):
    _, result = roles_and_trace
    given = torch.full((3, 4), 0.25)
    roles = head_roles(small_gpt2, result, induction=given)
    assert roles.induction is given
    assert isinstance(roles, HeadRoles)


# --- the catalogue ---------------------------------------------------------------------------------------


def test_every_role_and_ablation_is_named_and_explained_in_both_languages():
    keys = [f"heads.role.{role}{suffix}" for role in ROLES for suffix in ("", ".about")]
    keys += [f"heads.ablation.{mode}{suffix}" for mode in ABLATION_MODES for suffix in ("", ".about")]
    keys += ["heads.rollout", "heads.rollout.about"]
    keys += [f"heads.line.{name}" for name in ("query", "key", "weight", "position")]
    for key in keys:
        assert set(STRINGS[key]) == {"en", "vi"}, key
        assert STRINGS[key]["en"] != STRINGS[key]["vi"], key


def test_on_the_trained_bundled_model_the_roles_find_its_circuit(bundled_gpt2):
    """On the default repeated text: head 0.2 looks one back, heads 1.0 and 1.2 copy what followed before."""
    from attention.gpt2 import trace
    from attention.heads import head_roles
    from model_cache import DEFAULT_TEXT

    roles = head_roles(bundled_gpt2, trace(bundled_gpt2, DEFAULT_TEXT))
    assert roles.role_heads("previous_token", 0.5)[0] == (0, 2)
    assert set(roles.role_heads("induction", 0.5)) == {(1, 0), (1, 2)}
    assert roles.role_heads("induction_text", 0.5)  # and on the text itself, which repeats


def test_compare_top_tokens_matches_by_id(small_gpt2):
    from attention.gpt2 import compare_top_tokens, next_token_logits, top_tokens, trace

    result = trace(small_gpt2, "The cat sat on the mat.")
    switched = next_token_logits(small_gpt2, result.token_ids, {(0, 0): "zero", (1, 1): "uniform"})
    rows = compare_top_tokens(small_gpt2, result.hand_next_token_logits, switched, k=5)
    assert [(text, p) for text, p, _ in rows] == top_tokens(small_gpt2, result.hand_next_token_logits, 5)
    p_after = torch.softmax(switched, -1)
    ids = torch.topk(torch.softmax(result.hand_next_token_logits, -1)[: len(small_gpt2.tokenizer)], 5).indices
    assert [after for _, _, after in rows] == [float(p_after[i]) for i in ids]
