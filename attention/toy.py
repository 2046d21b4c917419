"""The toy-vector walk-through: presets, reading matrices typed by a person, and the numbers behind the text.

Everything here is plain data in, plain data out, so the page stays a thin layer of widgets and the
rules (what counts as a valid matrix, what each preset teaches) can be tested without a browser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import torch

from attention.core import AttentionSteps, attend
from attention.errors import InputError

# Limits that keep every number on screen readable and every product far from overflow.
MAX_TOKENS = 12
MAX_DIM = 128
MAX_ABS_VALUE = 1e6
SIZE_LIMITS = {"t_q": MAX_TOKENS, "t_k": MAX_TOKENS, "d_k": MAX_DIM}  # the page's size controls

Matrix = list[list[float]]

# The formula of each step, in the order the notes teach them (LaTeX, the same in every language).
FORMULAS: dict[str, str] = {
    "attention": r"\text{Attention}(Q,K,V)=\text{softmax}\left(\frac{Q\,K^\top}{\sqrt{d_k}}\right)V",
    "scores": r"\text{scores}=Q\,K^\top,\qquad \text{score}_{ij}=\sum_{d=1}^{d_k} q_{i,d}\,k_{j,d}",
    "scaled": r"\text{scaled}=\frac{Q\,K^\top}{\sqrt{d_k}\cdot\tau},\quad \sqrt{d_k}={sqrt_d_k},\ \tau={tau}",
    "scaled_off": r"\text{scaled}=\frac{Q\,K^\top}{\tau},\quad \tau={tau}",
    "masked": r"\text{masked}=\text{scaled}+M,\quad "
    r"M_{ij}=\begin{cases}0 & j\le i\\-\infty & j>i\end{cases}",
    "weights": r"\text{weights}_{ij}=\frac{e^{\text{masked}_{ij}}}{\sum_{j'} e^{\text{masked}_{ij'}}}",
    "output": r"\text{output}=\text{weights}\cdot V",
}


def formula(step: str, **numbers: float) -> str:
    """The LaTeX of ``step``, with numbers such as √d_k and τ filled in."""
    text = FORMULAS[step]
    for name, x in numbers.items():
        text = text.replace("{" + name + "}", format_number(x).replace("−", "-"))
    return text


@dataclass(frozen=True)
class Preset:
    """A ready-made example: the matrices, whether the causal mask starts on, and token names."""

    key: str  # catalogue key suffix: toy.preset.<key>, toy.preset.<key>.about
    q: Matrix
    k: Matrix
    v: Matrix
    causal: bool = False
    tokens: tuple[str, ...] | None = None  # names of the key tokens (queries reuse the last ones)


def _random_matrix(rows: int, cols: int, generator: torch.Generator) -> Matrix:
    values = torch.randn(rows, cols, generator=generator, dtype=torch.float64)
    return [[round(float(x), 2) for x in row] for row in values]


def _random_preset() -> Preset:
    generator = torch.Generator().manual_seed(64)
    q = _random_matrix(4, 64, generator)
    k = _random_matrix(4, 64, generator)
    return Preset("random64", q, k, [[1.0 if i == j else 0.0 for j in range(4)] for i in range(4)])


PRESETS: dict[str, Preset] = {
    # The notes' example: one query, two keys. V is one-hot per token, so the output row
    # reads directly as "how much of each token's information was retrieved".
    "seed": Preset("seed", q=[[1, 2, 3]], k=[[2, 1, 0], [1, 2, 3]], v=[[1, 0], [0, 1]]),
    "random64": _random_preset(),
    # Every key is the same, so every score is the same: softmax can only spread attention evenly.
    "identical": Preset(
        "identical", q=[[1, 2, 3]], k=[[1, 0, 1], [1, 0, 1], [1, 0, 1]], v=[[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    ),
    # Keys along the axes: each score simply reads one coordinate of the query.
    "orthogonal": Preset(
        "orthogonal", q=[[3, 1, 0]], k=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], v=[[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    ),
    # Four tokens looking at each other under GPT's causal mask; "sat" is built to look for "cat".
    "sentence": Preset(
        "sentence",
        q=[[1, 0, 0, 1], [0, 1, 1, 0], [0, 2, 0, 1], [1, 0, 2, 0]],
        k=[[1, 0, 0, 1], [0, 2, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]],
        v=[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
        causal=True,
        tokens=("The", "cat", "sat", "down"),
    ),
}


def format_matrix(matrix: Matrix, digits: int = 4) -> str:
    """Rows on lines, numbers separated by commas: the format `parse_matrix` reads back."""
    return "\n".join(", ".join(format_number(x, digits) for x in row) for row in matrix)


def format_number(x: float, digits: int = 4) -> str:
    """A number as people write it: 4, 2.309, 0.0031, −∞ (never 4.0 or 2.3094010767585).

    ``digits`` significant digits, but never more than ``digits`` decimals, so weights read as
    0.0031 and 0.9969 like the notes; tiny values switch to 1.2e−5.
    """
    if math.isinf(x):
        return "−∞" if x < 0 else "∞"
    if math.isnan(x):
        return "NaN"
    if x == int(x) and abs(x) < 1e15:
        text = str(int(x))
    elif abs(x) < 10**-digits:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    else:
        decimals = min(digits, max(0, digits - 1 - math.floor(math.log10(abs(x)))))
        text = f"{x:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


_SEPARATORS = re.compile(r"[,;\s]+")


def parse_matrix(text: str, name: str) -> Matrix:
    """Read a matrix typed as lines of numbers (commas or spaces between them).

    Raises `InputError` naming the matrix, row and column of the first problem: a cell that is
    not a number, NaN or infinity, a value beyond ±1e6, rows of different lengths, or no numbers.
    """
    rows: Matrix = []
    # "−" is the minus sign the page prints; brackets let the notes' own [1, 2, 3] be pasted as it is.
    cleaned = (text or "").replace("−", "-").replace("[", " ").replace("]", " ")
    lines = [line for line in cleaned.splitlines() if line.strip()]
    if not lines:
        raise InputError("toy.error.empty", matrix=name)
    if len(lines) > MAX_TOKENS:
        raise InputError("toy.error.too_many_rows", matrix=name, rows=len(lines), limit=MAX_TOKENS)
    for r, line in enumerate(lines, start=1):
        row: list[float] = []
        for c, cell in enumerate((s for s in _SEPARATORS.split(line.strip()) if s), start=1):
            try:
                x = float(cell)
            except ValueError:
                raise InputError(
                    "toy.error.not_a_number", matrix=name, row=r, col=c, cell=cell[:40]
                ) from None
            if math.isnan(x) or math.isinf(x):
                raise InputError("toy.error.not_finite", matrix=name, row=r, col=c, cell=cell[:40])
            if abs(x) > MAX_ABS_VALUE:
                raise InputError(
                    "toy.error.too_large", matrix=name, row=r, col=c, cell=cell[:40], limit="1e6"
                )
            row.append(x)
        if len(row) > MAX_DIM:
            raise InputError("toy.error.too_many_cols", matrix=name, row=r, cols=len(row), limit=MAX_DIM)
        if rows and len(row) != len(rows[0]):
            raise InputError("toy.error.ragged", matrix=name, row=r, got=len(row), expected=len(rows[0]))
        rows.append(row)
    return rows


def check_shapes(q: Matrix, k: Matrix, v: Matrix) -> None:
    """Q and K must share d_k; K and V must have one row per token."""
    if len(q[0]) != len(k[0]):
        raise InputError("toy.error.dk_mismatch", q_cols=len(q[0]), k_cols=len(k[0]))
    if len(k) != len(v):
        raise InputError("toy.error.kv_rows", k_rows=len(k), v_rows=len(v))


def check_temperature(temperature: float | None) -> float:
    """Softmax temperature must be a positive, finite number."""
    if temperature is None or not math.isfinite(temperature) or temperature <= 0:
        raise InputError("toy.error.temperature", value=format_number(temperature or 0.0))
    return float(temperature)


# What presenter mode steps through: the notes' four steps (the causal mask shown with softmax, as the
# notes place it), then why √d_k.
STAGE_STEPS = ("scores", "scaled", "weights", "output", "why")


def run(
    q: Matrix, k: Matrix, v: Matrix, *, scaled: bool = True, temperature: float = 1.0, causal: bool = False
) -> AttentionSteps:
    """The four steps on the person's matrices, in float64 so that every printed digit is exact."""
    check_shapes(q, k, v)
    temperature = check_temperature(temperature)
    as_tensor = lambda m: torch.tensor(m, dtype=torch.float64)  # noqa: E731
    return attend(
        as_tensor(q),  # (T_q, d_k)
        as_tensor(k),  # (T_k, d_k)
        as_tensor(v),  # (T_k, d_v)
        causal=causal,
        scale=None if scaled else 1.0,
        temperature=temperature,
    )


def resize(matrix: Matrix, rows: int, cols: int, *, seed: int = 0) -> Matrix:
    """Cut or grow a matrix to rows × cols; new cells get small whole numbers so they can be read."""
    generator = torch.Generator().manual_seed(seed)
    fresh = torch.randint(-2, 3, (rows, cols), generator=generator).tolist()
    return [
        [matrix[r][c] if r < len(matrix) and c < len(matrix[r]) else float(fresh[r][c]) for c in range(cols)]
        for r in range(rows)
    ]


def explain_score(q_row: list[float], k_row: list[float], *, max_terms: int = 8) -> str:
    """The dot product written out: "1×2 + 2×1 + 3×0 = 4"; long sums show their first terms."""
    terms = [f"{_paren(a)}×{_paren(b)}" for a, b in zip(q_row, k_row, strict=True)]
    total = sum(a * b for a, b in zip(q_row, k_row, strict=True))
    if len(terms) > max_terms:
        hidden = len(terms) - max_terms
        terms = [*terms[: max_terms - 1], f"… ({hidden + 1})", terms[-1]]
    return " + ".join(terms) + f" = {format_number(total)}"


def _paren(x: float) -> str:
    text = format_number(x)
    return f"({text})" if x < 0 else text


def token_labels(n_keys: int, n_queries: int, names: tuple[str, ...] | None = None) -> tuple[list, list]:
    """Labels for key columns and query rows: the preset's words, else t1, t2, …

    When every token asks (T_q = T_k, self-attention) a query row carries its token's name; otherwise
    the queries are q1, q2, … (under the causal mask they stand for the last T_q tokens).
    """
    keys = list(names) if names and len(names) == n_keys else [f"t{i + 1}" for i in range(n_keys)]
    if n_queries == n_keys:
        return keys, list(keys)
    return keys, [f"q{i + 1}" for i in range(n_queries)]


def scaling_experiment(
    dims: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
    *,
    samples: int = 2000,
    tokens: int = 8,
    seed: int = 0,
) -> pd.DataFrame:
    """Why divide by √d_k: random unit-variance q and k, for growing d_k.

    Returns one row per d_k with the spread (standard deviation) of q·k, √d_k beside it, and the
    mean largest softmax weight over ``tokens`` keys with and without the 1/√d_k scaling (1.0 means
    softmax has saturated to one-hot).
    """
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for d_k in dims:
        q = torch.randn(samples, 1, d_k, generator=generator)  # (samples, T_q=1, d_k)
        k = torch.randn(samples, tokens, d_k, generator=generator)  # (samples, T_k, d_k)
        v = torch.zeros(samples, tokens, 1)  # the output is not part of this experiment
        plain = attend(q, k, v, scale=1.0)
        scaled = attend(q, k, v)
        rows.append(
            {
                "d_k": d_k,
                "score_std": float(plain.scores.std()),
                "sqrt_d_k": math.sqrt(d_k),
                "max_weight_unscaled": float(plain.weights.amax(dim=-1).mean()),
                "max_weight_scaled": float(scaled.weights.amax(dim=-1).mean()),
            }
        )
    return pd.DataFrame(rows)


def explain_output(weights_row: list[float], v: Matrix, *, max_terms: int = 4) -> str:
    """One output row written out: "0.0031×[1, 0] + 0.9969×[0, 1] = [0.0031, 0.9969]"."""
    vector = lambda xs: "[" + ", ".join(format_number(x) for x in xs) + "]"  # noqa: E731
    terms = [f"{format_number(w)}×{vector(row)}" for w, row in zip(weights_row, v, strict=True) if w != 0]
    if len(terms) > max_terms:
        terms = [*terms[: max_terms - 1], "…"]
    total = [sum(w * row[j] for w, row in zip(weights_row, v, strict=True)) for j in range(len(v[0]))]
    return (" + ".join(terms) or "0") + f" = {vector(total)}"


def load_preset(key: str) -> dict[str, object]:
    """The widget values that show preset ``key``: matrix texts, sizes and the causal switch."""
    preset = PRESETS[key]
    return {
        "q_text": format_matrix(preset.q),
        "k_text": format_matrix(preset.k),
        "v_text": format_matrix(preset.v),
        "t_q": len(preset.q),
        "t_k": len(preset.k),
        "d_k": len(preset.q[0]),
        "causal": preset.causal,
        "token_names": preset.tokens,
    }


HANDOVER_DIGITS = 7  # enough that the toy page's scores agree with GPT-2's to the digits it shows


def handover_keys(weights_row: torch.Tensor, query: int, limit: int = MAX_TOKENS) -> list[int]:
    """Which tokens to send with ``query``: all of 0…query when they fit, else the query and the
    ``limit`` − 1 earlier tokens it attends to most, in text order."""
    if query + 1 <= limit:
        return list(range(query + 1))
    earlier = weights_row[:query].topk(limit - 1).indices.tolist()
    return [*sorted(earlier), query]


def handover(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, tokens: list[str], *, query: int, keys: list[int]
) -> dict[str, object]:
    """The toy page's widget values for one real head: its query vector, and the keys and values of ``keys``.

    q, k, v are one head's (T, head_dim) tensors. The query is sent as the last token, so the toy
    page's causal mask lets it see every key sent; numbers keep `HANDOVER_DIGITS` significant digits.
    """
    if not 0 <= query < len(tokens) or not keys or any(not 0 <= j <= query for j in keys):
        raise InputError("toy.error.handover", query=query)
    as_rows = lambda t: [[float(x) for x in row] for row in t.tolist()]  # noqa: E731
    return {
        "q_text": format_matrix(as_rows(q[query : query + 1]), HANDOVER_DIGITS),
        "k_text": format_matrix(as_rows(k[keys]), HANDOVER_DIGITS),
        "v_text": format_matrix(as_rows(v[keys]), HANDOVER_DIGITS),
        "t_q": 1,
        "t_k": len(keys),
        "d_k": q.shape[-1],
        "causal": True,
        "scale": True,
        "temperature": 1.0,
        "token_names": tuple(tokens[j] for j in keys),
    }


def resized(values: Mapping[str, object]) -> dict[str, object]:
    """The matrix texts after the size controls (t_q, t_k, d_k) changed; {} while a matrix is unreadable."""
    try:
        q, k, v = (parse_matrix(str(values[f"{m}_text"]), m.upper()) for m in "qkv")
    except InputError:
        return {}  # the page shows what is wrong with the text; resizing waits until it is fixed
    t_q, t_k, d_k = (int(values[name]) for name in ("t_q", "t_k", "d_k"))
    return {
        "q_text": format_matrix(resize(q, t_q, d_k, seed=1)),
        "k_text": format_matrix(resize(k, t_k, d_k, seed=2)),
        "v_text": format_matrix(resize(v, t_k, len(v[0]), seed=3)),
    }


def sizes(values: Mapping[str, object]) -> dict[str, object]:
    """The size controls that match the typed Q and K (and the preset's words while its Q and K are kept)."""
    try:
        q, k = parse_matrix(str(values["q_text"]), "Q"), parse_matrix(str(values["k_text"]), "K")
    except InputError:
        return {}
    found = {"t_q": len(q), "t_k": len(k), "d_k": len(q[0])}
    preset = PRESETS.get(str(values.get("preset")))
    if preset is not None and (q, k) == (preset.q, preset.k):
        found["token_names"] = preset.tokens  # a link to a preset shows its words again
    return found
