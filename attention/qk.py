"""One query of one real head, written out the way the toy page writes the notes' example.

For a traced model: the query vector, each key's element-wise products with it, their sum (the score),
the scaling, the softmax weight and the weighted sum of values, all taken from the trace itself so that
every number shown can be checked against `Trace.q`, `Trace.k`, `Trace.v` and `Trace.weights`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from attention.core import attend
from attention.gpt2 import Trace
from attention.toy import MAX_TOKENS, handover_keys


@dataclass(frozen=True)
class QueryBreakdown:
    """The four steps for query ``query`` of (layer, head), over the keys ``keys`` (positions ≤ query).

    - ``q`` (head_dim,): the query vector; ``k`` (n, head_dim): the chosen keys.
    - ``products`` (n, head_dim): q_d × k_{j,d}; ``scores`` (n,): their sums, q·k_j.
    - ``scale``: what the layer multiplies scores by; ``scaled`` (n,) = scores × scale.
    - ``weights`` (n,): the trace's softmax weights for these keys (over all keys up to the query).
    - ``output`` (head_dim,): the head's output for this query, weights · V over all keys.
    """

    layer: int
    head: int
    query: int
    keys: list[int]
    q: torch.Tensor
    k: torch.Tensor
    products: torch.Tensor
    scores: torch.Tensor
    scale: float
    scaled: torch.Tensor
    weights: torch.Tensor
    output: torch.Tensor


def top_keys(result: Trace, layer: int, head: int, query: int, limit: int = MAX_TOKENS) -> list[int]:
    """The keys worth showing for ``query``: all when they fit, else itself and those it attends to most.

    The same choice as the hand-over to the toy page (`attention.toy.handover_keys`), so both pages
    show the same tokens.
    """
    return handover_keys(result.weights[layer, head, query], query, limit)


def breakdown(
    result: Trace, layer: int, head: int, query: int, keys: list[int] | None = None
) -> QueryBreakdown:
    """Write out query ``query`` of (layer, head) over ``keys`` (default: `top_keys`)."""
    keys = top_keys(result, layer, head, query) if keys is None else keys
    q = result.q[layer, head, query]  # (head_dim,)
    k = result.k[layer, head, keys]  # (n, head_dim)
    products = q[None, :] * k  # (n, head_dim)
    scale = result.scales[layer]
    # The whole row through attend, so the output mixes every visible value, not just the ones listed.
    steps = attend(
        result.q[layer, head, query : query + 1],  # (1, head_dim): the query, as the last of query + 1 tokens
        result.k[layer, head, : query + 1],  # (query + 1, head_dim)
        result.v[layer, head, : query + 1],  # (query + 1, head_dim)
        causal=True,
        scale=scale,
    )
    return QueryBreakdown(
        layer=layer,
        head=head,
        query=query,
        keys=list(keys),
        q=q,
        k=k,
        products=products,
        scores=steps.scores[0, keys],
        scale=scale,
        scaled=steps.scaled[0, keys],
        weights=result.weights[layer, head, query, keys],
        output=steps.output[0],
    )


def breakdown_table(b: QueryBreakdown, tokens: list[str], columns: dict[str, str]) -> pd.DataFrame:
    """One row per key: its token, q·k, the scaled score and its weight; ``columns`` names the headers."""
    return pd.DataFrame(
        {
            columns["key"]: [f"{j} {tokens[j]}" for j in b.keys],
            columns["score"]: b.scores.tolist(),
            columns["scaled"]: b.scaled.tolist(),
            columns["weight"]: b.weights.tolist(),
        }
    )
