"""One query of one real head written out: every number equals the trace's own."""

from __future__ import annotations

import math

import pytest
import torch

from attention import qk, toy
from attention.gpt2 import trace

TEXT = "When Mary and John went to the store, John gave a drink to Mary."


@pytest.fixture(scope="module")
def result(small_gpt2):
    return trace(small_gpt2, TEXT)


def test_the_written_out_steps_are_the_traces_numbers(result):
    b = qk.breakdown(result, layer=1, head=2, query=10)
    assert b.keys == list(range(11))  # every key up to the query fits
    assert torch.equal(b.q, result.q[1, 2, 10])
    assert torch.allclose(b.products.sum(-1), b.scores, atol=1e-5)  # the score is the sum of the products
    assert torch.allclose(b.scores, result.k[1, 2, :11] @ result.q[1, 2, 10], atol=1e-5)
    assert b.scale == result.scales[1] == pytest.approx(1 / math.sqrt(result.q.shape[-1]))
    assert torch.allclose(b.scaled, b.scores * b.scale)
    assert torch.allclose(b.weights, result.weights[1, 2, 10, :11])
    assert torch.allclose(
        torch.softmax(b.scaled, -1), b.weights, atol=1e-6
    )  # all keys shown: softmax of these
    assert torch.allclose(b.output, b.weights @ result.v[1, 2, :11], atol=1e-5)


def test_long_texts_show_the_keys_that_matter(result):
    query = result.n_tokens - 1
    keys = qk.top_keys(result, 0, 0, query, limit=5)
    assert len(keys) == 5 and keys == sorted(keys) and query in keys
    row = result.weights[0, 0, query]
    others = [j for j in range(query) if j not in keys]
    assert min(float(row[j]) for j in keys if j != query) >= max(float(row[j]) for j in others)


def test_the_toy_page_recomputes_the_same_scores(result):
    query, layer, head = 12, 2, 1
    keys = toy.handover_keys(result.weights[layer, head, query], query)
    values = toy.handover(result.q[layer, head], result.k[layer, head], result.v[layer, head], result.tokens,
                          query=query, keys=keys)  # fmt: skip
    assert values["t_q"] == 1 and values["t_k"] == len(keys) and values["causal"] is True
    matrices = [toy.parse_matrix(values[f"{m}_text"], m.upper()) for m in "qkv"]
    steps = toy.run(*matrices, causal=True)
    expected = result.k[layer, head, keys] @ result.q[layer, head, query]
    assert torch.allclose(steps.scores[0].float(), expected, rtol=1e-5, atol=1e-4)
    assert torch.allclose(steps.weights[0].float(), result.weights[layer, head, query, keys], atol=1e-4)


def test_a_query_cannot_be_sent_with_later_keys(result):
    from attention.errors import InputError

    with pytest.raises(InputError):
        toy.handover(result.q[0, 0], result.k[0, 0], result.v[0, 0], result.tokens, query=3, keys=[2, 5])
