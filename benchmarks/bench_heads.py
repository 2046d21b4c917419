"""What explaining the heads costs next to the trace it explains: role scores, rollout, an ablated prediction.

The model has GPT-2 small's shape (12 layers, 12 heads, 768 wide, vocabulary 50257) with random
weights, built offline by `attention.offline` and loaded through `load_model` like the app does; the
text is 200 tokens. Every measured call runs once per round, the rounds back to back so that noise
from other processes hits all of them alike; medians. Each extra is printed beside `trace` with its
ratio (extra time / trace time), the figure to read.

- head_roles: every role score, including the induction probe (`PROBE_LENGTH` random tokens twice).
- head_roles, probe given: the same with the probe passed in, as a page that caches it per model
  runs it for every new text (the probe never depends on the text).
- rollout: attention rollout over all layers.
- next token: the top predictions for the text, from the logits `trace` already computed.
- next token, one head off: `next_token_logits` with head (0, 0) zeroed, then `top_tokens`: one more
  forward pass, run only when a person switches heads off, so it is shown but not counted in the target.

    python benchmarks/bench_heads.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from attention.gpt2 import load_model, next_token_logits, top_tokens, trace
from attention.heads import PROBE_LENGTH, head_roles, induction_probe, line_view, rollout
from attention.offline import CORPUS, build_model_dir

SHAPE = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_positions": 1024, "vocab_size": 50257}
TOKENS = 200
ROUNDS = 15
TARGET_RATIO = 0.5  # everything the heads view adds, over the trace it explains
TEXT = CORPUS * 3  # about 700 tokens; the trace keeps the first TOKENS


def main() -> int:
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        loaded = load_model(build_model_dir(Path(tmp) / "gpt2-shape", **SHAPE))
        took = time.perf_counter() - start
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs")
    print(f"GPT-2 small's shape with random weights, built and loaded in {took:.0f} s")

    result = trace(loaded, TEXT, max_tokens=TOKENS)
    assert result.n_tokens == TOKENS
    probe = induction_probe(loaded)
    ids = result.token_ids

    def ablated_top_tokens() -> None:
        top_tokens(loaded, next_token_logits(loaded, ids, {(0, 0): "zero"}), 5)

    calls: dict[str, Callable[[], object]] = {
        "trace": lambda: trace(loaded, TEXT, max_tokens=TOKENS),
        "head_roles (with the probe)": lambda: head_roles(loaded, result),
        "  of which the probe": lambda: induction_probe(loaded),
        "head_roles, probe given": lambda: head_roles(loaded, result, induction=probe),
        "rollout": lambda: rollout(result.weights),
        "next token": lambda: top_tokens(loaded, result.next_token_logits, 5),
        "next token, one head off": ablated_top_tokens,
        "line_view of one head": lambda: line_view(result.weights[5, 1], result.tokens),
    }
    for call in calls.values():  # warm up every path once
        call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            begin = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - begin) * 1e3)
    ms = {name: statistics.median(values) for name, values in times.items()}
    best = {name: min(values) for name, values in times.items()}
    base = ms["trace"]

    print(f"\n{TOKENS} tokens, induction probe of {PROBE_LENGTH} tokens twice, medians of {ROUNDS} rounds")
    print("('best' is min/min, the figure least disturbed by other processes)")
    print(f"{'':<30} {'ms':>8} {'× trace':>8} {'best':>6}")
    for name, value in ms.items():
        print(f"{name:<30} {value:>8.1f} {value / base:>7.2f}× {best[name] / best['trace']:>5.2f}×")

    first = ["head_roles (with the probe)", "rollout", "next token"]
    cached = ["head_roles, probe given", "rollout", "next token"]
    for title, names in (("first text of a model", first), ("every later text (probe cached)", cached)):
        extra = sum(ms[name] for name in names)
        verdict = "meets" if extra / base <= TARGET_RATIO else "misses"
        print(
            f"roles + rollout + next token, {title}: {extra:.1f} ms = {extra / base:.2f}× trace: "
            f"{verdict} the target of ≤ {TARGET_RATIO}×"
        )
    ablated = ms["next token, one head off"]
    print(
        f"switching a head off (on demand, not counted above): {ablated:.1f} ms = {ablated / base:.2f}× trace"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
