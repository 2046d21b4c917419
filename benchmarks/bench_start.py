"""Every figure of the served app in one run: cold starts, head switch, bytes for the overview, memory.

1. Cold start: a fresh `streamlit run streamlit_app.py` process, then a fresh Chromium context opens
   one page, timed from the launch of the process:

   - "server up": until the health endpoint (/_stcore/health) answers, asked every 50 ms;
   - "page drawn": from then until the page is drawn and interactive: the root element
     (``[data-testid='stApp']``) is CONNECTED with script state notRunning after a finished run,
     nothing is stale or a skeleton, and every chart has drawn its marks;

   for the toy page ("/", the default page), and for /gpt2 opened directly (a shared link) with
   GPT-2 small's shape (random weights, read from local disk: no download) and with the bundled tiny
   model (ATTENTION_MODEL=tiny-gpt2). Peak memory is the server's VmHWM from process start to the
   drawn page, next to its resident size (VmRSS) then. "Server CPU" is the CPU time the server
   process (all its threads) had used by then: on a shared machine the wall-clock times grow with
   the other load, the CPU time much less. Each kind is started `COLD_RUNS` times, interleaved, and
   printed as median (min–max).

   Whether the server imported transformers is read from /proc/<pid>/maps: transformers itself is
   pure Python and maps no file, but importing it (as `attention.gpt2` does) maps the compiled
   extensions of `tokenizers` and `safetensors`, which nothing else in the app loads. The /gpt2 runs
   show the same check answering yes.

2. The GPT-2 page at 50, 200 and 1024 tokens (GPT-2 small's shape, a fresh server per length):
   render, head switch, bytes sent to the browser (the overview's own), peak memory, measured by
   `bench_page` (see its docstring) with its own functions.

    python benchmarks/bench_start.py
    BENCH_COLD_RUNS=1 BENCH_LENGTHS=50 python benchmarks/bench_start.py    # a quick look
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_page import (
    CHARTS,
    FINISHED,
    STATE,
    STEP_TIMEOUT_MS,
    Step,
    Traffic,
    bench_setup,
    kb,
    open_page,
    print_rows,
    serve,
    status_mb,
    text_tokens,
    visit_length,
)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from attention import strings  # noqa: E402
from attention.bundled import BUNDLED_ALIASES  # noqa: E402

COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", 3))
LENGTHS = tuple(int(t) for t in os.environ.get("BENCH_LENGTHS", "50,200,1024").split(","))
HEALTH_POLL_S = 0.05
VIEWPORT = {"width": 1400, "height": 1000}
# Compiled extensions that importing transformers maps into the process (and nothing else here loads).
TRANSFORMERS_SIGNS = ("tokenizers", "safetensors")

# The toy page is drawn when a run has finished on a connected app, nothing waits to be drawn, the
# page's title is there, every chart has its marks and every visible grid its table (the counts are
# not fixed: they follow the page).
TOY_DRAWN = """marker => {
    const app = document.querySelector("[data-testid='stApp']");
    const main = document.querySelector("[data-testid='stMain']");
    if (!app || !main || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
    if (app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector("[data-testid='stSkeleton'], [data-stale='true']")) return false;
    if (!main.innerText.includes(marker)) return false;
    const charts = [...main.querySelectorAll("[data-testid='stVegaLiteChart']")];
    if (!charts.length || charts.some(c => !c.querySelector("svg.marks, canvas.marks"))) return false;
    // A grid mounts its table after the run; one in a folded expander never does, so it is not waited for.
    const grids = [...main.querySelectorAll("[data-testid='stDataFrame']")].filter(g => g.checkVisibility());
    return grids.every(g => g.querySelector("table"));
}"""
CONNECTED = """() => document.querySelector("[data-testid='stApp']")
    ?.getAttribute("data-test-connection-state")"""


# ---------------------------------------------------------------------------------------------------
# Cold starts


@dataclass
class ColdStart:
    server_up: float  # seconds from launch to the health endpoint answering
    drawn: float  # seconds from then to the page drawn and interactive
    cpu: float  # seconds of CPU the server had used by then (user + system, all threads)
    peak: float  # VmHWM, MB, from process start to the drawn page
    rss: float  # VmRSS, MB, once the page is drawn
    compiled: frozenset[str]  # packages whose compiled extensions the server has mapped

    @property
    def total(self) -> float:
        return self.server_up + self.drawn

    @property
    def transformers(self) -> bool:
        return any(name in self.compiled for name in TRANSFORMERS_SIGNS)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def mapped_packages(pid: int) -> frozenset[str]:
    """Top-level packages (under site-packages) with a shared object mapped into process ``pid``."""
    names = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)  # address, perms, offset, device, inode, [path]
        path = fields[5] if len(fields) == 6 else ""
        if "/site-packages/" in path and ".so" in path:
            names.add(path.split("/site-packages/", 1)[1].split("/", 1)[0])
    return frozenset(names)


def wait_drawn(page, traffic: Traffic, drawn: Callable[[], None], what: str) -> None:
    """Until a script run has finished (its message received), then until ``drawn`` returns."""
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while traffic.runs_finished < 1:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no script run finished on {what}: {page.evaluate(STATE)}")
        page.wait_for_timeout(20)  # lets Playwright deliver the websocket frames meanwhile
    drawn()


def cold_start(browser, model: Path | str, path: str, log: Path) -> ColdStart:
    """A fresh server for ``model``; a fresh browser context opens ``path`` on it."""
    with serve(model, log, poll_s=HEALTH_POLL_S) as server:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        traffic = Traffic()
        page.on("websocket", lambda ws: ws.on("framereceived", traffic.received))
        page.goto(f"{server.url}{path}")
        if path == "/":
            title = strings.t("toy.title", "en")
            draw = lambda: page.wait_for_function(TOY_DRAWN, arg=title, polling=50)  # noqa: E731
        else:
            draw = lambda: page.wait_for_function(FINISHED, arg=[" tokens · ", CHARTS], polling=50)  # noqa: E731
        wait_drawn(page, traffic, draw, path)
        drawn_at = time.monotonic()
        assert page.evaluate(CONNECTED) == "CONNECTED", "the page was drawn by a connected app"
        result = ColdStart(
            server_up=server.up - server.started,
            drawn=drawn_at - server.up,
            cpu=cpu_seconds(server.pid),
            peak=status_mb(server.pid, "VmHWM"),
            rss=status_mb(server.pid, "VmRSS"),
            compiled=mapped_packages(server.pid),
        )
        context.close()
    return result


def spread(values: list[float], fmt: str) -> str:
    """Median (min–max), or the one value."""
    median = format(statistics.median(values), fmt)
    if len(values) == 1:
        return median
    return f"{median} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def print_cold(kinds: list[tuple[str, list[ColdStart]]]) -> None:
    print(f"\nCold start: a fresh server and browser context each time, {COLD_RUNS}× interleaved;")
    print("median (min–max); times from the launch of `streamlit run`")
    head = ("page", "server up s", "page drawn s", "total s", "server CPU s", "peak MB", "RSS after MB")
    widths = (27, 15, 17, 17, 17, 15, 15)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for label, runs in kinds:
        cells = (
            label,
            spread([r.server_up for r in runs], ".1f"),
            spread([r.drawn for r in runs], ".1f"),
            spread([r.total for r in runs], ".1f"),
            spread([r.cpu for r in runs], ".1f"),
            spread([r.peak for r in runs], ",.0f"),
            spread([r.rss for r in runs], ",.0f"),
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    print("\nDid the server import transformers? Read from /proc/<pid>/maps once the page was drawn:")
    print("importing transformers maps the compiled parts of tokenizers and safetensors, which nothing")
    print("else in the app loads.")
    for label, runs in kinds:
        imported = sum(run.transformers for run in runs)
        print(f"  {label}: {'yes' if imported else 'no'} in {imported} of {len(runs)} runs")
        print(f"    compiled packages mapped: {', '.join(sorted(runs[-1].compiled))}")


# ---------------------------------------------------------------------------------------------------
# The GPT-2 page per length


@dataclass
class Length:
    tokens: int
    render: Step
    switch: Step
    peak: float  # the server's peak over its whole life, MB


def measure_length(browser, model_dir: Path, t: int, total: int, log: Path) -> tuple[Length, Step]:
    with serve(model_dir, log) as server:
        started_peak = status_mb(server.pid, "VmHWM")  # before `measured` resets it
        context, page, traffic, first = open_page(browser, server)
        render, switch = visit_length(server, page, traffic, t, total)
        context.close()
    peak = max(started_peak, first.peak, render.peak, switch.peak)
    return Length(t, render, switch, peak), first


def print_issue(lengths: list[Length]) -> None:
    print("\nThe issue's figures for the GPT-2 page (GPT-2 small's shape, a fresh server per length)")
    head = ("tokens", "render s", "switch head s", "overview KB", "sent KB", "switch sent KB", "peak MB")
    widths = (7, 9, 14, 12, 8, 15, 8)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for length in lengths:
        cells = (
            str(length.tokens),
            f"{length.render.seconds:.1f}",
            f"{length.switch.seconds:.1f}",
            kb(length.render.traffic.get("overview", 0)),
            kb(length.render.traffic.get("total", 0)),
            kb(length.switch.traffic.get("total", 0)),
            f"{length.peak:,.0f}",
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    print("(overview KB and sent KB: the render of a text at that length; peak: the server's, whole life)")


# ---------------------------------------------------------------------------------------------------


def run(browser, model_dir: Path, logs: Path) -> None:
    kinds = {
        "/ (toy)": (model_dir, "/"),
        "/gpt2, GPT-2 small's shape": (model_dir, "/gpt2"),
        "/gpt2, tiny-gpt2 (bundled)": (BUNDLED_ALIASES[0], "/gpt2"),
    }
    cold: dict[str, list[ColdStart]] = {label: [] for label in kinds}
    for i in range(COLD_RUNS):
        for n, (label, (model, path)) in enumerate(kinds.items()):
            cold[label].append(cold_start(browser, model, path, logs / f"bench-start-cold-{n}.log"))
        print(f"  cold starts, round {i + 1} of {COLD_RUNS} measured", flush=True)

    total = text_tokens(model_dir)
    assert total > max(LENGTHS), f"the benchmark text has only {total} tokens"
    lengths: list[Length] = []
    rows: list[tuple[str, Step]] = []
    for t in LENGTHS:
        length, first = measure_length(browser, model_dir, t, total, logs / f"bench-start-{t}.log")
        lengths.append(length)
        if not rows:
            rows.append(("open /gpt2 (default text)", first))
        rows += [(f"{t} tokens: render", length.render), (f"{t} tokens: head switch", length.switch)]
        print(f"  {t} tokens measured", flush=True)

    print_cold(list(cold.items()))
    print_issue(lengths)
    print_rows("In detail (bench_page's table; peak = this step's own, reset before it)", rows)


def main() -> int:
    with bench_setup() as (browser, model_dir, logs):
        print("load average (1, 5, 15 min) at the start: {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg()))
        run(browser, model_dir, logs)
        print("load average (1, 5, 15 min) at the end: {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
