"""What `trace` costs next to ONE plain forward pass of the same model, in time and in peak memory.

The model has GPT-2 small's shape (12 layers, 12 heads, 768 wide, vocabulary 50257) with random
weights, built offline by `attention.offline` and loaded through `load_model` like the app does.
The plain pass is ``model(input_ids, output_attentions=True)`` with full logits; `trace` runs the
library's pass (last-position logits only) plus the hand-written pass with `attend` in every layer.

Time: both in one process, interleaved back to back, medians; the ratio is the figure to read.
Memory: one fresh subprocess per measurement; resident memory before the call (model loaded and
paged in) and the peak during it (Linux VmHWM, reset just before the call).

    python benchmarks/bench_trace.py
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from attention.gpt2 import LoadedModel, load_model, trace
from attention.offline import CORPUS, build_model_dir

SHAPE = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_positions": 1024, "vocab_size": 50257}
TIME_LENGTHS = (128, 512)
MEMORY_LENGTHS = (128, 512, 1024)
TARGET_RATIO = 1.5
TEXT = CORPUS * 5  # about 1200 tokens; each run keeps the first T


def input_ids_for(loaded: LoadedModel, t: int) -> torch.Tensor:
    ids = loaded.tokenizer.backend_tokenizer.encode(TEXT, add_special_tokens=False).ids[:t]
    assert len(ids) == t, f"the benchmark text is shorter than {t} tokens"
    return torch.tensor([ids])  # (1, T)


def plain_forward(loaded: LoadedModel, input_ids: torch.Tensor) -> None:
    with torch.inference_mode():
        loaded.model(input_ids, output_attentions=True)


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_both(loaded: LoadedModel, t: int, repeats: int) -> dict[str, float]:
    """Medians and minima (ms) of the plain forward and of trace, timed back to back."""
    input_ids = input_ids_for(loaded, t)

    def forward() -> None:
        plain_forward(loaded, input_ids)

    def traced() -> None:
        trace(loaded, TEXT, max_tokens=t)

    forward(), traced()  # warm up both
    pairs = [(seconds(forward), seconds(traced)) for _ in range(repeats)]  # interleaved: noise hits both
    forwards, traces = [p[0] * 1e3 for p in pairs], [p[1] * 1e3 for p in pairs]
    return {
        "forward": statistics.median(forwards),
        "trace": statistics.median(traces),
        "forward_min": min(forwards),
        "trace_min": min(traces),
    }


def measure_memory(model_dir: str, mode: str, t: int) -> None:
    """Subprocess body: print the resident MB before the call and the peak MB during it."""
    loaded = load_model(model_dir)
    input_ids = input_ids_for(loaded, t)
    plain_forward(loaded, input_ids[:, :8])  # page the weights in, so the peak is the call's own
    gc.collect()
    status = Path("/proc/self/status")

    def field(name: str) -> float:
        line = next(line for line in status.read_text().splitlines() if line.startswith(name))
        return int(line.split()[1]) / 1024  # kB → MB

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak, to what is resident now
    before = field("VmRSS:")
    if mode == "forward":
        plain_forward(loaded, input_ids)
    else:
        assert trace(loaded, TEXT, max_tokens=t).n_tokens == t
    print(f"{before:.0f} {field('VmHWM:'):.0f}")


def memory_row(model_dir: str, mode: str, t: int) -> tuple[float, float]:
    command = [sys.executable, __file__, "--memory", model_dir, mode, str(t)]
    before, peak = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-2:]
    return float(before), float(peak)


def main() -> int:
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        model_dir = str(build_model_dir(Path(tmp) / "gpt2-shape", **SHAPE))
        loaded = load_model(model_dir)
        took = time.perf_counter() - start
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs")
        print(f"GPT-2 small's shape with random weights, built and loaded in {took:.0f} s")

        print("\ntime: trace vs one plain forward pass with output_attentions=True")
        print("(medians; 'best' is min/min, the figure least disturbed by other processes)")
        columns = ("tokens", "forward ms", "trace ms", "ratio", "best", "weights Δ", "logits Δ")
        print(" ".join(f"{c:>{w}}" for c, w in zip(columns, (7, 11, 9, 6, 6, 10, 9), strict=True)))
        ratios = {}
        for t in TIME_LENGTHS:
            ms = time_both(loaded, t, repeats=20 if t <= 128 else 10)
            ratios[t] = ms["trace"] / ms["forward"]
            best = ms["trace_min"] / ms["forward_min"]
            result = trace(loaded, TEXT, max_tokens=t)
            print(
                f"{t:>7} {ms['forward']:>11.1f} {ms['trace']:>9.1f} {ratios[t]:>5.2f}× {best:>5.2f}× "
                f"{result.max_abs_diff.max().item():>10.1e} {result.logits_max_abs_diff:>9.1e}"
            )
        worst = max(ratios.values())
        verdict = "meets" if worst <= TARGET_RATIO else "misses"
        print(f"worst ratio {worst:.2f}×: {verdict} the target of ≤ {TARGET_RATIO}×")
        del loaded, result
        gc.collect()

        print("\npeak resident memory, one fresh process each, MB: resident before the call → peak during it")
        print(f"{'tokens':>7} {'forward':>15} {'trace':>15} {'trace extra':>12} {'Trace tensors':>14}")
        layers, heads, width = SHAPE["n_layer"], SHAPE["n_head"], SHAPE["n_embd"]
        for t in MEMORY_LENGTHS:
            (fb, fp), (tb, tp) = memory_row(model_dir, "forward", t), memory_row(model_dir, "trace", t)
            # What the Trace keeps: weights + library_weights (layers, heads, T, T), q, k, v, float32.
            kept = (2 * layers * heads * t * t + 3 * layers * t * width) * 4 / 2**20
            print(f"{t:>7} {fb:>6.0f} → {fp:>6.0f} {tb:>6.0f} → {tp:>6.0f} {tp - tb:>12.0f} {kept:>14.0f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--memory":
        measure_memory(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        raise SystemExit(0)
    raise SystemExit(main())
