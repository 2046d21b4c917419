"""What each head does: role scores from its attention weights, attention rollout, and the line view.

Every score here is a pure function of weights (layers, heads, T, T), and sometimes the token ids, so
it can be checked on patterns made by hand. They are the usual measures of the interpretability
literature (Olsson et al. 2022 for induction heads, Xiao et al. 2023 for attention sinks); each reads
as "how much of a head's attention goes where this role would put it", from 0 to 1, except entropy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd
import torch

from attention.gpt2 import LoadedModel, Trace, attention_weights
from attention.strings import t

__all__ = [
    "PROBE_LENGTH",
    "ROLES",
    "HeadRoles",
    "duplicate_token_score",
    "entropy",
    "first_token_mass",
    "head_roles",
    "induction_probe",
    "induction_score",
    "line_chart",
    "line_view",
    "previous_token_score",
    "probe_tokens",
    "rollout",
]

# The scores a `HeadRoles` holds, in the order of its table; each has strings heads.role.<name>(.about).
ROLES: tuple[str, ...] = (
    "entropy",
    "previous_token",
    "first_token",
    "duplicate_token",
    "induction",
    "induction_text",
)
# 50 random tokens seen twice (101 with the first token): TransformerLens's usual probe length, long
# enough that a head has to find the earlier copy rather than guess a fixed offset.
PROBE_LENGTH = 50


# ---------------------------------------------------------------------------------------------------
# Role scores: (…, T, T) weights in, (…) scores out, e.g. (layers, heads, T, T) → (layers, heads)


def entropy(weights: torch.Tensor, *, normalized: bool = False) -> torch.Tensor:
    """How spread out each head's attention is: the mean over query rows of −Σ_j w_ij·log w_ij (nats).

    0 when every query looks at one key; a head spreading evenly over the i + 1 keys query i may see
    scores the mean of log(i + 1). ``normalized`` divides each row by that maximum, log(i + 1), so 1
    means uniform whatever the length; row 0 (one key, nothing to spread) is then left out.
    """
    # 0·log(tiny) = 0, so masked keys add nothing and log 0 never makes a NaN; in place, as this runs
    # over every weight of the trace.
    log_w = weights.clamp_min(torch.finfo(weights.dtype).tiny).log_()  # (…, T, T)
    row_entropy = -log_w.mul_(weights).sum(dim=-1)  # (…, T)
    if not normalized:
        return row_entropy.mean(dim=-1)
    t_q = weights.shape[-2]
    if t_q < 2:
        return torch.zeros(weights.shape[:-2])
    most = torch.arange(2, t_q + 1, dtype=weights.dtype).log()  # (T − 1,): log(i + 1) for rows 1…T−1
    return (row_entropy[..., 1:] / most).mean(dim=-1)


def previous_token_score(weights: torch.Tensor) -> torch.Tensor:
    """Mean weight from each token to the one just before it (rows i ≥ 1 of w[i, i − 1])."""
    if weights.shape[-1] < 2:
        return torch.zeros(weights.shape[:-2])
    return weights.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=-1)  # (…, T − 1) → (…)


def first_token_mass(weights: torch.Tensor) -> torch.Tensor:
    """Mean weight from each token to the first one (rows i ≥ 1 of w[i, 0]): the "attention sink".

    Row 0 is left out: it can only look at itself, so it would count 1 for every head.
    """
    if weights.shape[-1] < 2:
        return torch.zeros(weights.shape[:-2])
    return weights[..., 1:, 0].mean(dim=-1)


def _mean_mass(weights: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean over the queries with any target key of the weight they put on their targets (…, T, T) → (…)."""
    has_target = targets.any(dim=-1)  # (T,)
    if not bool(has_target.any()):
        return torch.zeros(weights.shape[:-2])
    # Gather only the target cells: a (…, T, T) product with the mask would copy every weight of the trace.
    qi, ki = targets.nonzero(as_tuple=True)  # (targets,), (targets,)
    mass = weights.new_zeros(weights.shape[:-1])  # (…, T)
    mass.index_add_(-1, qi, weights[..., qi, ki])
    return mass[..., has_target].mean(dim=-1)


def duplicate_token_score(weights: torch.Tensor, token_ids: Sequence[int]) -> torch.Tensor:
    """For tokens seen earlier in the text, the mean weight they put on those earlier copies of themselves.

    Query i's targets are the keys j < i with the same token id; queries with none are left out,
    and a text without any repeated token scores 0.
    """
    ids = torch.as_tensor(list(token_ids))  # (T,)
    earlier = torch.ones(len(ids), len(ids), dtype=torch.bool).tril_(diagonal=-1)  # (T, T): j < i
    return _mean_mass(weights, (ids[:, None] == ids[None, :]) & earlier)


def induction_score(weights: torch.Tensor, token_ids: Sequence[int]) -> torch.Tensor:
    """The induction pattern on this text: "A B … A" → the second A looks at B, to predict B again.

    Query i's targets are the keys j + 1 right after each earlier occurrence j < i of its own token
    (so j + 1 ≤ i). Mean over the queries that have one; 0 for a text that never repeats a token.
    """
    ids = torch.as_tensor(list(token_ids))  # (T,)
    n = len(ids)
    after = torch.zeros(n, n, dtype=torch.bool)  # (T, T): after[i, k] ⇔ token k − 1 is token i, k ≤ i
    if n > 1:
        after[:, 1:] = (ids[:, None] == ids[None, :-1]) & torch.ones(n, n - 1, dtype=torch.bool).tril_(-1)
    return _mean_mass(weights, after)


# ---------------------------------------------------------------------------------------------------
# The induction probe: random tokens, seen twice


def probe_tokens(loaded: LoadedModel, *, length: int = PROBE_LENGTH, seed: int = 0) -> tuple[list[int], int]:
    """The probe's token ids and where its first copy starts: [first token] + r + r, r random.

    r is ``length`` distinct ids drawn (from ``seed``) from the vocabulary without its special tokens,
    so every token of the second copy has exactly one earlier occurrence. When the tokenizer has a
    beginning-of-text token (GPT-2's <|endoftext|>) it comes first, as TransformerLens does: the
    heads then have their usual resting place, instead of a random token taking that role. The
    length is cut to what fits the model's context (and vocabulary); at least 2.
    """
    prefix, candidates = _probe_vocabulary(loaded)
    length = _probe_length(loaded, length)
    generator = torch.Generator().manual_seed(seed)
    chosen = candidates[torch.randperm(len(candidates), generator=generator)[:length]].tolist()
    return prefix + chosen + chosen, len(prefix)


def _probe_vocabulary(loaded: LoadedModel) -> tuple[list[int], torch.Tensor]:
    """The probe's first token ([] or [bos]) and the ids its random tokens are drawn from."""
    tokenizer = loaded.tokenizer
    prefix = [] if tokenizer.bos_token_id is None else [tokenizer.bos_token_id]
    special = set(tokenizer.all_special_ids)
    size = min(len(tokenizer), loaded.config.vocab_size)
    return prefix, torch.tensor([i for i in range(size) if i not in special])


def _probe_length(loaded: LoadedModel, length: int) -> int:
    """``length``, cut to what fits the model's context and vocabulary."""
    tokenizer = loaded.tokenizer
    prefix = 0 if tokenizer.bos_token_id is None else 1
    drawable = min(len(tokenizer), loaded.config.vocab_size) - len(set(tokenizer.all_special_ids))
    length = min(length, (loaded.config.n_positions - prefix) // 2, drawable)
    if length < 2:
        raise ValueError(f"the induction probe needs at least 2 tokens repeated, got {length}")
    return length


def _probe_score(weights: torch.Tensor, length: int, start: int) -> torch.Tensor:
    """Mean weight from each token of the second copy to the token after its first occurrence.

    Query start + length + i (token r[i]) looks back length − 1 places, to key start + i + 1.
    """
    back = weights.diagonal(offset=-(length - 1), dim1=-2, dim2=-1)  # (…, T − length + 1), by key
    return back[..., start + 1 : start + length + 1].mean(dim=-1)


def induction_probe(loaded: LoadedModel, *, length: int = PROBE_LENGTH, seed: int = 0) -> torch.Tensor:
    """The standard induction score (layers, heads): random tokens seen twice, see `probe_tokens`.

    From each token of the second copy, the weight on the token that followed it in the first copy;
    1 for a perfect induction head, 1/(position + 1) on average for a head that attends evenly. Runs the same
    hand-written forward as `attention.gpt2.trace`, from token ids (no text could hold random ids
    faithfully). Deterministic for a seed; depends on the model only, never on a text, so a page can
    compute it once per model.
    """
    token_ids, start = probe_tokens(loaded, length=length, seed=seed)
    length = (len(token_ids) - start) // 2
    weights = attention_weights(loaded, token_ids)  # (layers, heads, T, T)
    return _probe_score(weights, length, start)


# ---------------------------------------------------------------------------------------------------
# All the roles of one trace


@dataclass(frozen=True, eq=False)
class HeadRoles:
    """Every role score of every head for one trace, each (layers, heads); see `ROLES` for the names.

    ``induction`` comes from the random-token probe (``probe_length`` tokens seen twice, after the
    cut to the model's context); every other score, ``induction_text`` included, from the traced text.
    """

    entropy: torch.Tensor
    previous_token: torch.Tensor
    first_token: torch.Tensor
    duplicate_token: torch.Tensor
    induction: torch.Tensor
    induction_text: torch.Tensor
    probe_length: int

    @property
    def layers(self) -> int:
        return self.entropy.shape[0]

    @property
    def heads(self) -> int:
        return self.entropy.shape[1]

    def score(self, role: str) -> torch.Tensor:
        """The (layers, heads) scores of ``role``, one of `ROLES`."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        return getattr(self, role)

    def table(self) -> pd.DataFrame:
        """One row per head: layer, head, then one column per role, in the order of `ROLES`."""
        layer, head = torch.meshgrid(torch.arange(self.layers), torch.arange(self.heads), indexing="ij")
        columns = {"layer": layer.reshape(-1).tolist(), "head": head.reshape(-1).tolist()}
        columns.update({role: self.score(role).reshape(-1).tolist() for role in ROLES})
        return pd.DataFrame(columns)

    def role_heads(self, role: str, threshold: float) -> list[tuple[int, int]]:
        """The heads (layer, head) scoring at least ``threshold`` on ``role``, strongest first."""
        scores = self.score(role)  # (layers, heads)
        picked = (scores >= threshold).nonzero().tolist()
        return sorted(((layer, head) for layer, head in picked), key=lambda lh: (-float(scores[lh]), lh))


def head_roles(
    loaded: LoadedModel,
    result: Trace,
    *,
    probe_length: int = PROBE_LENGTH,
    probe_seed: int = 0,
    induction: torch.Tensor | None = None,
) -> HeadRoles:
    """Every role score of every head, from ``result``'s hand-written weights and the induction probe.

    ``induction`` takes an `induction_probe` computed earlier for this model (it does not depend on
    the text, so a page can cache it per model); otherwise the probe runs here.
    """
    weights = result.weights  # (layers, heads, T, T)
    if induction is None:
        induction = induction_probe(loaded, length=probe_length, seed=probe_seed)
    return HeadRoles(
        entropy=entropy(weights),
        previous_token=previous_token_score(weights),
        first_token=first_token_mass(weights),
        duplicate_token=duplicate_token_score(weights, result.token_ids),
        induction=induction,
        induction_text=induction_score(weights, result.token_ids),
        probe_length=_probe_length(loaded, probe_length),
    )


# ---------------------------------------------------------------------------------------------------
# Attention rollout


def rollout(weights: torch.Tensor, *, residual: bool = True) -> torch.Tensor:
    """How much of each input token has flowed into each position by every layer (Abnar & Zuidema, 2020).

    Per layer the heads are averaged; with ``residual`` the identity is mixed in, A = 0.5·W + 0.5·I,
    since the residual connection carries each position's own state past attention unchanged; rows
    are renormalised to sum to 1. The layers then compose: rollout_0 = A_0, rollout_l = A_l · rollout_{l−1}.

    weights (layers, heads, T, T) → (layers, T, T): entry [l, i, j] is the share of input token j in
    position i after layer l. Rows sum to 1; causal weights give a lower-triangular result.
    """
    a = weights.mean(dim=1)  # (layers, T, T): heads averaged
    if residual:
        eye = torch.eye(a.shape[-1], dtype=a.dtype)  # (T, T)
        a = 0.5 * a + 0.5 * eye
    a = a / a.sum(dim=-1, keepdim=True).clamp_min(torch.finfo(a.dtype).tiny)  # (layers, T, T)
    out = torch.empty_like(a)
    out[0] = a[0]
    for layer in range(1, a.shape[0]):
        out[layer] = a[layer] @ out[layer - 1]  # (T, T): this layer mixes what earlier ones mixed
    return out


# ---------------------------------------------------------------------------------------------------
# The line view: each query linked to the keys it attends, as in BertViz


def line_view(
    weights: torch.Tensor, tokens: Sequence[str], *, min_weight: float = 0.02, max_lines: int = 2000
) -> pd.DataFrame:
    """One head's (T, T) weights as lines query → key, for `line_chart`: query, key, weight, and tokens.

    Lines under ``min_weight`` are dropped; if more than ``max_lines`` remain, the heaviest are kept.
    Sorted by query, then key.
    """
    qi, ki = (weights >= min_weight).nonzero(as_tuple=True)  # (lines,), (lines,)
    w = weights[qi, ki]  # (lines,)
    if len(w) > max_lines:
        keep = torch.topk(w, max_lines).indices.sort().values  # back in row-major, query-then-key order
        qi, ki, w = qi[keep], ki[keep], w[keep]
    return pd.DataFrame(
        {
            "query": qi.tolist(),
            "key": ki.tolist(),
            "weight": w.tolist(),
            "query_token": [tokens[i] for i in qi.tolist()],
            "key_token": [tokens[j] for j in ki.tolist()],
        }
    )


LINE_COLOR = "#1f5fbf"
PICKED_COLOR = "#e8710a"


def _english(name: str) -> str:
    return t(f"heads.line.{name}")


def line_chart(
    frame: pd.DataFrame,
    tokens: Sequence[str],
    *,
    label: Callable[[str], str] = _english,
    highlight: int | None = None,
    row_height: int = 18,
    width: int = 420,
) -> alt.LayerChart:
    """Tokens twice, queries on the left and keys on the right, a line for each row of `line_view`.

    Lines are thicker and darker the more weight they carry. Clicking a query token (param
    "line_query") keeps only its lines bright; ``highlight`` picks one to start with. ``label(name)``
    gives the visible words for "query", "key", "weight" and "position".
    """
    n = len(tokens)
    x = alt.Scale(domain=[-0.75, 1.75], nice=False, zero=False)  # lines from 0 to 1, labels outside them
    y = alt.Scale(domain=[-0.5, n - 0.5], nice=False, zero=False, reverse=True)
    value = alt.Undefined if highlight is None else [{"query": int(highlight)}]
    picked = alt.selection_point(name="line_query", fields=["query"], on="click", value=value)

    lines = frame.assign(left=0.0, right=1.0)
    rules = (
        alt.Chart(lines)
        .mark_rule(strokeCap="round")
        .encode(
            x=alt.X("left:Q", scale=x, axis=None),
            x2="right:Q",
            y=alt.Y("query:Q", scale=y, axis=None),
            y2="key:Q",
            strokeWidth=alt.StrokeWidth(
                "weight:Q", scale=alt.Scale(domain=[0, 1], range=[0.5, 6]), legend=None
            ),
            color=alt.when(picked, empty=False)
            .then(alt.value(PICKED_COLOR))
            .otherwise(alt.value(LINE_COLOR)),
            # Nothing picked: every line by its weight. One query picked: the others fade almost away.
            opacity=alt.when(picked)
            .then(alt.Opacity("weight:Q", scale=alt.Scale(domain=[0, 1], range=[0.25, 1]), legend=None))
            .otherwise(alt.value(0.04)),
            tooltip=[
                alt.Tooltip("query_token:N", title=label("query")),
                alt.Tooltip("key_token:N", title=label("key")),
                alt.Tooltip("weight:Q", title=label("weight"), format=".3f"),
            ],
        )
    )
    names = pd.DataFrame(
        {"query": range(n), "key": range(n), "token": list(tokens), "left": 0.0, "right": 1.0}
    )
    tooltip = [alt.Tooltip("query:Q", title=label("position")), alt.Tooltip("token:N", title=label("query"))]
    queries = (
        alt.Chart(names)
        .mark_text(align="right", dx=-6, fontSize=12, limit=110)
        .encode(
            x=alt.X("left:Q", scale=x, axis=None),
            y=alt.Y("query:Q", scale=y, axis=None),
            text="token:N",
            color=alt.when(picked, empty=False).then(alt.value(PICKED_COLOR)).otherwise(alt.value("#222")),
            tooltip=tooltip,
        )
        .add_params(picked)
    )
    keys = (
        alt.Chart(names)
        .mark_text(align="left", dx=6, fontSize=12, limit=110)
        .encode(
            x=alt.X("right:Q", scale=x, axis=None),
            y=alt.Y("key:Q", scale=y, axis=None),
            text="token:N",
            tooltip=[
                alt.Tooltip("key:Q", title=label("position")),
                alt.Tooltip("token:N", title=label("key")),
            ],
        )
    )
    return alt.layer(rules, queries, keys).properties(
        width=width, height=max(n, 1) * row_height, view=alt.ViewBackground(stroke=None)
    )
