"""Specification of `attention.core.attend`: the seed's numbers, PyTorch references, properties, numerics."""

from __future__ import annotations

import dataclasses
import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from attention.core import AttentionSteps, attend, causal_mask

F32 = {"rtol": 1e-6, "atol": 1e-6}
F64 = {"rtol": 1e-12, "atol": 1e-12}
PROPERTY = settings(max_examples=40, derandomize=True, deadline=None)

# The seed's worked example (attention-notes): one query, two keys, d_k = 3.
SEED_Q = torch.tensor([[1.0, 2.0, 3.0]])  # (1, 3)
SEED_K = torch.tensor([[2.0, 1.0, 0.0], [1.0, 2.0, 3.0]])  # (2, 3)
SEED_V = torch.eye(2)  # (2, 2): each value row names its key, so the output spells out the weights


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def random_mask(*shape: int, seed: int, p_allowed: float = 0.6, keep_diagonal: bool = False) -> torch.Tensor:
    """Boolean (…, T_q, T_k) mask, True = may attend.

    keep_diagonal leaves no row fully masked, even combined with the causal mask where it can be: each
    query keeps the key at its own position (the bottom-right diagonal), or key 0 if it precedes them all.
    """
    allowed = torch.rand(*shape, generator=torch.Generator().manual_seed(seed)) < p_allowed
    if keep_diagonal:
        t_q, t_k = shape[-2:]
        for i in range(t_q):
            allowed[..., i, max(i + t_k - t_q, 0)] = True
    return allowed


# --- 1. The seed's numbers ----------------------------------------------------------------------------


def test_seed_scores_are_the_dot_products():
    steps = attend(SEED_Q, SEED_K, SEED_V)
    assert torch.equal(steps.scores, torch.tensor([[4.0, 14.0]]))


def test_seed_scaled_divides_by_sqrt_d_k():
    steps = attend(SEED_Q, SEED_K, SEED_V)
    torch.testing.assert_close(steps.scaled, torch.tensor([[2.3094, 8.0829]]), rtol=0, atol=5e-5)
    torch.testing.assert_close(steps.scaled, steps.scores / math.sqrt(3), **F32)


def test_seed_weights_are_the_notes_softmax():
    steps = attend(SEED_Q, SEED_K, SEED_V)
    torch.testing.assert_close(steps.weights, torch.tensor([[0.00310, 0.99690]]), rtol=0, atol=5e-6)
    # Nothing is masked, so softmax sees exactly the scaled scores.
    assert steps.masked is steps.scaled
    assert steps.allowed is None


def test_seed_output_with_identity_values_equals_the_weights():
    steps = attend(SEED_Q, SEED_K, SEED_V)
    assert torch.equal(steps.output, steps.weights)


def test_scale_one_switches_scaling_off():
    steps = attend(SEED_Q, SEED_K, SEED_V, scale=1.0)
    assert torch.equal(steps.scaled, steps.scores)
    # softmax([4, 14]) = [1, e^10] / (1 + e^10)
    expected = torch.tensor([[1.0, math.exp(10.0)]]) / (1.0 + math.exp(10.0))
    torch.testing.assert_close(steps.weights, expected, **F32)


def test_temperature_two_is_the_scale_halved():
    hot = attend(SEED_Q, SEED_K, SEED_V, temperature=2.0)
    halved = attend(SEED_Q, SEED_K, SEED_V, scale=0.5 / math.sqrt(3))
    assert torch.equal(hot.scaled, halved.scaled)
    assert torch.equal(hot.weights, halved.weights)
    torch.testing.assert_close(hot.scaled, torch.tensor([[4.0, 14.0]]) / (2 * math.sqrt(3)), **F32)


def test_temperature_above_one_flattens_and_below_one_sharpens():
    top = {
        t: attend(SEED_Q, SEED_K, SEED_V, temperature=t).weights.max().item() for t in (0.5, 1.0, 2.0, 10.0)
    }
    assert top[0.5] > top[1.0] > top[2.0] > top[10.0] > 0.5
    # An infinitely hot softmax would be uniform; a very hot one is already close.
    flat = attend(SEED_Q, SEED_K, SEED_V, temperature=1e6).weights
    torch.testing.assert_close(flat, torch.full((1, 2), 0.5), rtol=0, atol=1e-5)


def test_temperature_does_not_touch_the_raw_scores():
    assert torch.equal(attend(SEED_Q, SEED_K, SEED_V, temperature=3.0).scores, torch.tensor([[4.0, 14.0]]))


# --- 2. Against torch.nn.functional.scaled_dot_product_attention --------------------------------------

SHAPES = [  # (leading dims, T_q, T_k, d_k, d_v)
    ((), 1, 1, 1, 1),
    ((), 4, 4, 8, 8),
    ((), 3, 7, 5, 2),
    ((), 7, 3, 4, 6),
    ((2,), 5, 5, 16, 16),
    ((2, 3), 6, 6, 8, 8),
    ((2, 3), 4, 9, 8, 5),
    ((2, 3), 9, 4, 8, 5),
]


def qkv(lead, t_q, t_k, d_k, d_v, *, seed=0, dtype=torch.float32):
    return (
        randn(*lead, t_q, d_k, seed=seed, dtype=dtype),  # (…, T_q, d_k)
        randn(*lead, t_k, d_k, seed=seed + 1, dtype=dtype),  # (…, T_k, d_k)
        randn(*lead, t_k, d_v, seed=seed + 2, dtype=dtype),  # (…, T_k, d_v)
    )


def tolerance(dtype):
    return F64 if dtype == torch.float64 else F32


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_matches_sdpa_without_mask(shape, dtype):
    q, k, v = qkv(*shape, dtype=dtype)
    steps = attend(q, k, v)
    torch.testing.assert_close(steps.output, F.scaled_dot_product_attention(q, k, v), **tolerance(dtype))


# float32 logits carry a relative error near 6e-8, which exp turns into an absolute error on the weights
# that grows with the logits: 1e-6 holds up to logits of ~10; scale 2.5 pushes them to ~30.
@pytest.mark.parametrize("scale, atol_f32", [(1.0, 1e-6), (0.05, 1e-6), (2.5, 5e-6)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_matches_sdpa_with_custom_scale(shape, dtype, scale, atol_f32):
    q, k, v = qkv(*shape, seed=10, dtype=dtype)
    expected = F.scaled_dot_product_attention(q, k, v, scale=scale)
    tol = F64 if dtype == torch.float64 else {"rtol": 1e-6, "atol": atol_f32}
    torch.testing.assert_close(attend(q, k, v, scale=scale).output, expected, **tol)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] == s[2]])
def test_causal_matches_sdpa_is_causal_when_t_q_equals_t_k(shape, dtype):
    q, k, v = qkv(*shape, seed=20, dtype=dtype)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(attend(q, k, v, causal=True).output, expected, **tolerance(dtype))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] < s[2]])
def test_causal_is_bottom_right_aligned_when_t_q_differs_from_t_k(shape, dtype):
    # SDPA's is_causal is top-left aligned when T_q ≠ T_k; GPT with cached keys needs bottom-right.
    t_q, t_k = shape[1:3]
    q, k, v = qkv(*shape, seed=30, dtype=dtype)
    bottom_right = torch.ones(t_q, t_k, dtype=torch.bool).tril(t_k - t_q)  # (T_q, T_k)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=bottom_right)
    torch.testing.assert_close(attend(q, k, v, causal=True).output, expected, **tolerance(dtype))


def test_causal_with_more_queries_than_keys_matches_sdpa_on_rows_that_have_keys():
    t_q, t_k = 7, 3
    q, k, v = qkv((2,), t_q, t_k, 4, 6, seed=31)
    bottom_right = torch.ones(t_q, t_k, dtype=torch.bool).tril(t_k - t_q)  # (T_q, T_k)
    has_keys = bottom_right.any(dim=-1)  # (T_q,)
    assert has_keys.tolist() == [False] * 4 + [True] * 3
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=bottom_right)
    steps = attend(q, k, v, causal=True)
    torch.testing.assert_close(steps.output[:, has_keys], expected[:, has_keys], **F32)
    assert torch.equal(steps.output[:, ~has_keys], torch.zeros(2, 4, 6))


@pytest.mark.parametrize("t_q, t_k", [(1, 1), (4, 4), (1, 6), (3, 7), (7, 3), (5, 1)])
def test_causal_mask_is_torch_causal_lower_right(t_q, t_k):
    bias = pytest.importorskip("torch.nn.attention.bias")
    with warnings.catch_warnings():  # torch warns that SDPA gives NaN rows when T_q > T_k; ours gives 0
        warnings.simplefilter("ignore", UserWarning)
        lower_right = bias.causal_lower_right(t_q, t_k)
    # _materialize is private, but it is the mask SDPA itself applies for this bias.
    assert torch.equal(causal_mask(t_q, t_k), lower_right._materialize())
    assert torch.equal(causal_mask(t_q, t_k), torch.ones(t_q, t_k, dtype=torch.bool).tril(t_k - t_q))


def test_causal_mask_differs_from_top_left_only_when_t_q_differs_from_t_k():
    bias = pytest.importorskip("torch.nn.attention.bias")
    assert torch.equal(causal_mask(4, 4), bias.causal_upper_left(4, 4)._materialize())
    assert not torch.equal(causal_mask(3, 7), bias.causal_upper_left(3, 7)._materialize())
    # The last query is the newest token: it sees every key.
    assert causal_mask(3, 7)[-1].all()


@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] < s[2]])
def test_causal_matches_sdpa_given_torch_causal_lower_right_bias(shape):
    bias = pytest.importorskip("torch.nn.attention.bias")
    t_q, t_k = shape[1:3]
    q, k, v = qkv(*shape, seed=32)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=bias.causal_lower_right(t_q, t_k))
    torch.testing.assert_close(attend(q, k, v, causal=True).output, expected, **F32)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("causal", [False, True])
def test_boolean_mask_matches_sdpa(shape, dtype, causal):
    lead, t_q, t_k = shape[:3]
    q, k, v = qkv(*shape, seed=40, dtype=dtype)
    mask = random_mask(*lead, t_q, t_k, seed=41, keep_diagonal=True)  # (…, T_q, T_k)
    allowed = mask & causal_mask(t_q, t_k) if causal else mask
    # SDPA is compared on rows that have a key; with causal and T_q > T_k the first rows cannot.
    alive = allowed.any(dim=-1)  # (…, T_q)
    assert alive.all() or (causal and t_q > t_k)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    steps = attend(q, k, v, mask=mask, causal=causal)
    torch.testing.assert_close(steps.output[alive], expected[alive], **tolerance(dtype))
    assert torch.equal(steps.allowed, allowed)


def test_mask_broadcasts_over_batch_and_heads():
    q, k, v = qkv((2, 3), 5, 6, 8, 4, seed=50)
    mask = random_mask(5, 6, seed=51, keep_diagonal=True)  # (T_q, T_k), shared by every batch and head
    per_batch = random_mask(2, 1, 5, 6, seed=52, keep_diagonal=True)  # (B, 1, T_q, T_k), shared by heads
    for m in (mask, per_batch):
        expected = F.scaled_dot_product_attention(q, k, v, attn_mask=m)
        steps = attend(q, k, v, mask=m)
        torch.testing.assert_close(steps.output, expected, **F32)
        assert torch.equal(steps.output, attend(q, k, v, mask=m.expand(2, 3, 5, 6)).output)


def test_fully_masked_rows_agree_with_torch_sdpa_zeros():
    # torch 2.13's SDPA also returns zeros for a query with no allowed key; ours is defined that way.
    q, k, v = qkv((2,), 4, 5, 8, 3, seed=60)
    mask = random_mask(2, 4, 5, seed=61, keep_diagonal=True)
    mask[0, 1] = False
    mask[1, 3] = False
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(attend(q, k, v, mask=mask).output, expected, **F32)


# --- 3. Against torch.nn.MultiheadAttention -----------------------------------------------------------

EMBED, HEADS = 12, 3


def mha_and_inputs(t_q, t_k, *, seed=70):
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(EMBED, HEADS, batch_first=True).eval()
    with torch.no_grad():  # default init leaves the biases at 0; make them count
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    x_q = randn(2, t_q, EMBED, seed=seed + 1)  # (B, T_q, E)
    x_kv = randn(2, t_k, EMBED, seed=seed + 2)  # (B, T_k, E)
    return mha, x_q, x_kv


def attend_like_mha(mha, x_q, x_kv, **kwargs):
    """q, k, v from MHA's own projections, split into heads, through `attend`, then MHA's out_proj."""
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3)  # each (E, E)
    b_q, b_k, b_v = mha.in_proj_bias.chunk(3)  # each (E,)
    hs = EMBED // HEADS

    def heads(x):  # (B, T, E) -> (B, nh, T, hs)
        return x.view(x.shape[0], x.shape[1], HEADS, hs).transpose(1, 2)

    q = heads(x_q @ w_q.T + b_q)  # (B, nh, T_q, hs)
    k = heads(x_kv @ w_k.T + b_k)  # (B, nh, T_k, hs)
    v = heads(x_kv @ w_v.T + b_v)  # (B, nh, T_k, hs)
    steps = attend(q, k, v, **kwargs)
    y = steps.output.transpose(1, 2).reshape(x_q.shape[0], x_q.shape[1], EMBED)  # (B, T_q, E)
    return steps, mha.out_proj(y)  # (B, T_q, E)


@pytest.mark.parametrize("t_q, t_k", [(5, 5), (3, 7), (6, 2)])
@torch.no_grad()
def test_per_head_weights_and_output_match_multihead_attention(t_q, t_k):
    mha, x_q, x_kv = mha_and_inputs(t_q, t_k)
    expected_y, expected_w = mha(x_q, x_kv, x_kv, need_weights=True, average_attn_weights=False)
    steps, y = attend_like_mha(mha, x_q, x_kv)
    assert expected_w.shape == steps.weights.shape == (2, HEADS, t_q, t_k)
    torch.testing.assert_close(steps.weights, expected_w, **F32)
    torch.testing.assert_close(y, expected_y, **F32)


@torch.no_grad()
def test_causal_matches_multihead_attention_with_its_inverted_mask():
    mha, x, _ = mha_and_inputs(6, 6, seed=80)
    # MHA's boolean attn_mask marks what is NOT allowed: the opposite of ours.
    expected_y, expected_w = mha(
        x, x, x, attn_mask=~causal_mask(6, 6), need_weights=True, average_attn_weights=False
    )
    steps, y = attend_like_mha(mha, x, x, causal=True)
    torch.testing.assert_close(steps.weights, expected_w, **F32)
    torch.testing.assert_close(y, expected_y, **F32)


@torch.no_grad()
def test_boolean_mask_matches_multihead_attention_attn_mask():
    mha, x_q, x_kv = mha_and_inputs(4, 7, seed=90)
    allowed = random_mask(4, 7, seed=91, keep_diagonal=True)  # (T_q, T_k)
    expected_y, expected_w = mha(
        x_q, x_kv, x_kv, attn_mask=~allowed, need_weights=True, average_attn_weights=False
    )
    steps, y = attend_like_mha(mha, x_q, x_kv, mask=allowed)
    torch.testing.assert_close(steps.weights, expected_w, **F32)
    torch.testing.assert_close(y, expected_y, **F32)
    assert torch.equal(steps.weights[..., ~allowed], torch.zeros(2, HEADS, int((~allowed).sum())))


@torch.no_grad()
def test_padding_mask_matches_multihead_key_padding_mask():
    mha, x_q, x_kv = mha_and_inputs(4, 6, seed=95)
    padding = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])  # (B, T_k), True = padding (MHA's sense)
    expected_y, expected_w = mha(
        x_q, x_kv, x_kv, key_padding_mask=padding, need_weights=True, average_attn_weights=False
    )
    steps, y = attend_like_mha(mha, x_q, x_kv, mask=~padding[:, None, None, :])  # (B, 1, 1, T_k)
    torch.testing.assert_close(steps.weights, expected_w, **F32)
    torch.testing.assert_close(y, expected_y, **F32)


# --- 4. Properties ------------------------------------------------------------------------------------


@st.composite
def problems(draw, dtype=torch.float64):
    """Random q, k, v (B, T_q, d_k), (B, T_k, d_k), (B, T_k, d_v) and a mask that may hide whole rows."""
    b, t_q, t_k = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    d_k, d_v = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    spread = draw(st.sampled_from([0.1, 1.0, 10.0]))
    q, k, v = qkv((b,), t_q, t_k, d_k, d_v, seed=seed, dtype=dtype)
    mask = None
    if draw(st.booleans()):
        mask = random_mask(b, t_q, t_k, seed=seed + 3, p_allowed=draw(st.sampled_from([0.3, 0.7, 1.0])))
    return {"q": q * spread, "k": k, "v": v, "mask": mask, "causal": draw(st.booleans())}


@PROPERTY
@given(problems())
def test_each_row_of_weights_sums_to_one_or_zero_if_fully_masked(p):
    steps = attend(p["q"], p["k"], p["v"], mask=p["mask"], causal=p["causal"])
    sums = steps.weights.sum(dim=-1)  # (B, T_q)
    if steps.allowed is None:
        torch.testing.assert_close(sums, torch.ones_like(sums), **F64)
    else:
        alive = steps.allowed.any(dim=-1).expand_as(sums)  # (B, T_q)
        torch.testing.assert_close(sums[alive], torch.ones_like(sums[alive]), **F64)
        assert torch.equal(sums[~alive], torch.zeros_like(sums[~alive]))
    assert (steps.weights >= 0).all()


@PROPERTY
@given(problems())
def test_masked_keys_get_exactly_zero_weight(p):
    steps = attend(p["q"], p["k"], p["v"], mask=p["mask"], causal=p["causal"])
    if steps.allowed is None:
        assert steps.masked is steps.scaled
        return
    hidden = ~steps.allowed.expand_as(steps.weights)  # (B, T_q, T_k)
    assert (steps.weights[hidden] == 0).all()


@PROPERTY
@given(problems())
def test_masked_is_minus_infinity_exactly_where_hidden_and_scaled_elsewhere(p):
    steps = attend(p["q"], p["k"], p["v"], mask=p["mask"], causal=p["causal"])
    if steps.allowed is None:
        assert torch.equal(steps.masked, steps.scaled)
        return
    allowed = steps.allowed.expand_as(steps.masked)  # (B, T_q, T_k)
    assert torch.equal(steps.masked == float("-inf"), ~allowed)
    assert torch.equal(steps.masked[allowed], steps.scaled[allowed])


@PROPERTY
@given(problems(), st.floats(-50.0, 50.0))
def test_softmax_ignores_a_constant_added_to_every_score(p, c):
    q, k = p["q"], p["k"]
    # q' = [q, 1] and k' = [k, c] give q'·k' = q·k + c for every query and key.
    q_shifted = torch.cat([q, torch.ones(*q.shape[:-1], 1, dtype=q.dtype)], dim=-1)  # (B, T_q, d_k + 1)
    k_shifted = torch.cat([k, torch.full((*k.shape[:-1], 1), c, dtype=k.dtype)], dim=-1)  # (B, T_k, d_k + 1)
    plain = attend(q, k, p["v"], mask=p["mask"], causal=p["causal"], scale=1.0)
    shifted = attend(q_shifted, k_shifted, p["v"], mask=p["mask"], causal=p["causal"], scale=1.0)
    torch.testing.assert_close(shifted.scores, plain.scores + c, rtol=1e-12, atol=1e-9)
    torch.testing.assert_close(shifted.weights, plain.weights, rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(shifted.output, plain.output, rtol=1e-9, atol=1e-9)


@PROPERTY
@given(problems(), st.randoms(use_true_random=False))
def test_permuting_keys_and_values_together_permutes_weights_and_keeps_output(p, rnd):
    t_k = p["k"].shape[-2]
    perm = list(range(t_k))
    rnd.shuffle(perm)
    perm = torch.tensor(perm)
    mask = p["mask"]
    plain = attend(p["q"], p["k"], p["v"], mask=mask)
    permuted = attend(
        p["q"], p["k"][..., perm, :], p["v"][..., perm, :], mask=None if mask is None else mask[..., perm]
    )
    torch.testing.assert_close(permuted.weights, plain.weights[..., perm], **F64)
    torch.testing.assert_close(permuted.output, plain.output, **F64)


@PROPERTY
@given(problems())
def test_output_is_a_convex_combination_of_value_rows(p):
    steps = attend(p["q"], p["k"], p["v"], mask=p["mask"], causal=p["causal"])
    v = p["v"]  # (B, T_k, d_v)
    low = v.min(dim=-2, keepdim=True).values  # (B, 1, d_v)
    high = v.max(dim=-2, keepdim=True).values  # (B, 1, d_v)
    alive = torch.ones(steps.output.shape[:-1], dtype=torch.bool)  # (B, T_q)
    if steps.allowed is not None:
        alive = steps.allowed.any(dim=-1).expand_as(alive)
    eps = 1e-12
    inside = (steps.output >= low - eps) & (steps.output <= high + eps)  # (B, T_q, d_v)
    assert inside[alive].all()
    assert torch.equal(steps.output[~alive], torch.zeros_like(steps.output[~alive]))


# --- 5. Numerics --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ([1e4, 1e4 - 1.0], [1 / (1 + math.exp(-1.0)), 1 / (1 + math.exp(1.0))]),
        ([-1e4, -1e4 - 1.0], [1 / (1 + math.exp(-1.0)), 1 / (1 + math.exp(1.0))]),
        ([1e4, -1e4, 0.0], [1.0, 0.0, 0.0]),
        ([1e4, 1e4, 1e4], [1 / 3, 1 / 3, 1 / 3]),
    ],
)
def test_huge_scores_neither_overflow_nor_nan(raw, expected):
    # One query [1, 0] against keys [s, 0]: with scale=1 the scores are exactly the raw numbers.
    t_k = len(raw)
    q = torch.tensor([[1.0, 0.0]])  # (1, 2)
    k = torch.tensor([[s, 0.0] for s in raw])  # (T_k, 2)
    v = randn(t_k, 4, seed=100)  # (T_k, 4)
    steps = attend(q, k, v, scale=1.0)
    assert torch.equal(steps.scores, torch.tensor([raw]))
    assert torch.isfinite(steps.weights).all() and torch.isfinite(steps.output).all()
    torch.testing.assert_close(steps.weights, torch.tensor([expected]), **F32)
    torch.testing.assert_close(steps.output, torch.tensor([expected]) @ v, **F32)


def test_huge_scores_with_default_scale_and_causal_stay_finite():
    q = torch.full((2, 4, 8), 40.0)  # q·k = 8 · 40 · ±40 = ±12800, scaled by 1/√8 → ±4525
    k = torch.full((2, 4, 8), 40.0) * torch.tensor([1.0, -1.0, 1.0, -1.0])[:, None]
    steps = attend(q, k, randn(2, 4, 3, seed=101), causal=True)
    assert torch.isfinite(steps.weights).all() and torch.isfinite(steps.output).all()
    torch.testing.assert_close(steps.weights.sum(-1), torch.ones(2, 4), **F32)


def test_a_query_with_every_key_masked_looks_at_nothing():
    # Defined behaviour, not an accident: softmax(−∞, …, −∞) is 0/0, and the core returns weights 0
    # and the zero vector instead of NaN.
    q, k, v = qkv((), 3, 4, 5, 6, seed=110)
    mask = torch.tensor([[True, False, True, False], [False] * 4, [True] * 4])
    steps = attend(q, k, v, mask=mask)
    assert torch.equal(steps.weights[1], torch.zeros(4))
    assert torch.equal(steps.output[1], torch.zeros(6))
    assert torch.equal(steps.masked[1], torch.full((4,), float("-inf")))
    assert not torch.isnan(steps.weights).any() and not torch.isnan(steps.output).any()
    torch.testing.assert_close(steps.weights[[0, 2]].sum(-1), torch.ones(2), **F32)


def test_causal_with_more_queries_than_keys_gives_the_first_rows_nothing():
    # 5 queries, 2 keys: queries sit at positions −3…1, so the first three precede every key.
    q, k, v = qkv((2, 3), 5, 2, 4, 4, seed=120)
    steps = attend(q, k, v, causal=True)
    assert torch.equal(steps.weights[..., :3, :], torch.zeros(2, 3, 3, 2))
    assert torch.equal(steps.output[..., :3, :], torch.zeros(2, 3, 3, 4))
    assert torch.equal(steps.weights[..., 3, :], torch.tensor([1.0, 0.0]).expand(2, 3, 2))
    torch.testing.assert_close(steps.weights[..., 4, :].sum(-1), torch.ones(2, 3), **F32)


def test_fully_masked_rows_do_not_poison_gradients():
    q, k, v = (t.requires_grad_() for t in qkv((2,), 4, 3, 5, 2, seed=130))
    steps = attend(q, k, v, causal=True, mask=torch.tensor([True, True, False]))
    steps.output.sum().backward()
    for t in (q, k, v):
        assert torch.isfinite(t.grad).all()


@pytest.mark.parametrize("temperature", [0.0, -1.0, -1e-9])
def test_non_positive_temperature_is_rejected(temperature):
    with pytest.raises(ValueError, match="temperature"):
        attend(SEED_Q, SEED_K, SEED_V, temperature=temperature)


def test_nan_temperature_is_rejected():
    with pytest.raises(ValueError, match="temperature"):
        attend(SEED_Q, SEED_K, SEED_V, temperature=float("nan"))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("causal", [False, True])
def test_dtype_is_kept_through_every_step(dtype, causal):
    q, k, v = qkv((2,), 3, 3, 4, 4, seed=140, dtype=dtype)
    steps = attend(q, k, v, causal=causal, mask=torch.tensor([True, True, False]))
    for name in ("scores", "scaled", "masked", "weights", "output"):
        assert getattr(steps, name).dtype == dtype, name


def test_float64_keeps_precision_float32_would_lose():
    # Scores 1e8 apart from 1e8 + 1: float32 cannot tell them apart, float64 can.
    q = torch.tensor([[1.0]], dtype=torch.float64)  # (1, 1)
    k = torch.tensor([[1e8], [1e8 + 1.0]], dtype=torch.float64)  # (2, 1)
    steps = attend(q, k, torch.eye(2, dtype=torch.float64), scale=1.0)
    expected = torch.tensor([[1 / (1 + math.e), math.e / (1 + math.e)]], dtype=torch.float64)
    torch.testing.assert_close(steps.weights, expected, **F64)


# --- 6. The returned fields ---------------------------------------------------------------------------


def test_steps_are_named_in_the_projects_vocabulary_and_order():
    names = [f.name for f in dataclasses.fields(AttentionSteps)]
    assert names == ["scores", "scaled", "masked", "weights", "output", "allowed"]


@pytest.mark.parametrize("lead", [(), (2,), (2, 3)])
def test_steps_have_the_documented_shapes(lead):
    t_q, t_k, d_k, d_v = 4, 6, 8, 5
    q, k, v = qkv(lead, t_q, t_k, d_k, d_v, seed=150)
    steps = attend(q, k, v, causal=True)
    for name in ("scores", "scaled", "masked", "weights"):
        assert getattr(steps, name).shape == (*lead, t_q, t_k), name
    assert steps.output.shape == (*lead, t_q, d_v)
    assert torch.equal(steps.allowed, causal_mask(t_q, t_k))


def test_allowed_combines_mask_and_causal_without_expanding():
    mask = torch.tensor([True, False, True, True])  # (T_k,): hide key 1 from everyone
    q, k, v = qkv((2, 3), 4, 4, 8, 8, seed=160)
    assert attend(q, k, v).allowed is None
    assert torch.equal(attend(q, k, v, mask=mask).allowed, mask)
    both = attend(q, k, v, mask=mask, causal=True).allowed
    assert both.shape == (4, 4)
    assert torch.equal(both, mask & causal_mask(4, 4))


def test_attention_steps_are_frozen():
    steps = attend(SEED_Q, SEED_K, SEED_V)
    with pytest.raises(dataclasses.FrozenInstanceError):
        steps.weights = torch.zeros(1, 2)


def test_inputs_are_not_modified():
    q, k, v = qkv((2,), 3, 5, 4, 4, seed=170)
    mask = random_mask(3, 5, seed=171)
    before = [t.clone() for t in (q, k, v, mask)]
    attend(q, k, v, mask=mask, causal=True)
    for original, now in zip(before, (q, k, v, mask), strict=True):
        assert torch.equal(original, now)
