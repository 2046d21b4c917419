"""The hand-written attention core: softmax(Q·Kᵀ/√d_k)·V, step by step, with GPT's causal mask.

Every page of the playground, and the GPT-2 parity check, goes through `attend`. It is written to be
read aloud: the body follows the four steps of the source notes, and every intermediate it computes is
returned under the name the whole project uses for it:

    scores → scaled → masked → weights → output
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

__all__ = ["AttentionSteps", "attend", "causal_mask"]


@dataclass(frozen=True)
class AttentionSteps:
    """Every step of one attention computation, in the order the notes teach them.

    Shapes, for queries (…, T_q, d_k), keys (…, T_k, d_k) and values (…, T_k, d_v):

    - ``scores``  (…, T_q, T_k): Q·Kᵀ, how similar each query is to each key.
    - ``scaled``  (…, T_q, T_k): scores × scale / temperature (scale defaults to 1/√d_k).
    - ``masked``  (…, T_q, T_k): what softmax sees: ``scaled``, with −∞ where a query may not look.
    - ``weights`` (…, T_q, T_k): softmax over the keys; each row sums to 1 (0 for a fully masked row).
    - ``output``  (…, T_q, d_v): weights·V, the information each query retrieves.
    - ``allowed`` broadcastable to (…, T_q, T_k), or None: True where a query may attend; None when
      nothing is masked.
    """

    scores: torch.Tensor
    scaled: torch.Tensor
    masked: torch.Tensor
    weights: torch.Tensor
    output: torch.Tensor
    allowed: torch.Tensor | None = None


def causal_mask(t_q: int, t_k: int, *, device: torch.device | None = None) -> torch.Tensor:
    """(T_q, T_k) boolean mask, True where query i may look at key j: never at a later token.

    The queries are the *last* T_q tokens of the T_k-token sequence (as when GPT generates with its
    earlier keys cached), so query i sits at position i + T_k − T_q. With T_q = T_k this is the usual
    lower triangle.
    """
    return torch.ones(t_q, t_k, dtype=torch.bool, device=device).tril(diagonal=t_k - t_q)


def attend(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    *,
    causal: bool = False,
    mask: torch.Tensor | None = None,
    scale: float | None = None,
    temperature: float = 1.0,
) -> AttentionSteps:
    """Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V, returning every step.

    Args:
        q: queries (…, T_q, d_k): the tokens that are asking.
        k: keys (…, T_k, d_k): the tokens that hold information.
        v: values (…, T_k, d_v): the information actually retrieved.
        causal: hide later tokens from each query, as GPT does (see `causal_mask`).
        mask: boolean, broadcastable to (…, T_q, T_k); True = may attend. Combined with ``causal``.
        scale: multiplies the scores; defaults to 1/√d_k. Pass 1.0 to switch scaling off.
        temperature: divides the scaled scores; above 1 flattens the softmax, below 1 sharpens it.

    A query whose keys are all masked has nothing to look at: its weights are all 0 and its
    output is the zero vector (never NaN).
    """
    if not temperature > 0:  # also catches NaN, which compares false to everything
        raise ValueError(f"temperature must be positive, got {temperature}")
    d_k = q.shape[-1]
    if scale is None:
        scale = 1.0 / math.sqrt(d_k)

    # 1. Dot product: how similar each query is to each key.
    scores = q @ k.transpose(-2, -1)  # (…, T_q, T_k)

    # 2. Scaling: keep the scores in a range where softmax does not saturate.
    scaled = scores * (scale / temperature)  # (…, T_q, T_k)

    # Causal mask: a query may not look at tokens that have not appeared yet.
    allowed = mask
    if causal:
        tri = causal_mask(q.shape[-2], k.shape[-2], device=q.device)  # (T_q, T_k)
        allowed = tri if allowed is None else allowed & tri
    if allowed is None:
        masked = scaled
    else:
        allowed = allowed.to(torch.bool)  # broadcastable to (…, T_q, T_k); kept small, never expanded
        masked = torch.where(allowed, scaled, float("-inf"))  # (…, T_q, T_k)

    # 3. Softmax: scores become shares of attention that sum to 1 along each row.
    #    torch.softmax subtracts each row's maximum first, so scores of 1e4 neither overflow nor NaN.
    weights = torch.softmax(masked, dim=-1)  # (…, T_q, T_k)
    if allowed is not None:
        # A row with every key masked is softmax(−∞, …, −∞) = 0/0; define it as "looks at nothing".
        nothing_to_see = ~allowed.any(dim=-1, keepdim=True)  # (…, T_q, 1)
        if bool(nothing_to_see.any()):
            weights = weights.masked_fill(nothing_to_see, 0.0)

    # 4. Weighted sum: each query retrieves a blend of the values, in proportion to its weights.
    output = weights @ v  # (…, T_q, d_v)

    return AttentionSteps(scores, scaled, masked, weights, output, allowed)
