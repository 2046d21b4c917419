"""What the served GPT-2 page costs at 50, 200, 512 and 1024 tokens: server memory, render times, bytes sent.

The model has GPT-2 small's shape (12 layers × 12 heads, 768 wide, vocabulary 50257) with random
weights, built offline (or reused from /tmp/models/gpt2shape). The app runs under `streamlit run` on a
loopback port with ATTENTION_MODEL pointing at it, and Debian's Chromium drives it through Playwright:

- open /gpt2 (the default text), set the token limit to T, then commit a long text (a paragraph
  repeated) that is cut to T tokens: "render" is the time from that commit to the finished page;
- then switch to the next head three times: "head switch" is the median rerun (no new trace);
- "peak" is the server's VmHWM during the step, reset just before it (Linux clear_refs), next to its
  resident size before the step; the server is one process, so this is all its memory;
- bytes are the websocket payloads the browser received during the step: every Streamlit message is
  one frame, decoded here to charge each chart its own bytes (the overview separately). Messages the
  browser already holds are sent as a short reference instead (Streamlit's message cache).

"Fresh" runs start a new server for every length, so each peak is that length's own. The server keeps
traces up to a memory budget (1 GB by default), so one server visited by every length in turn keeps
growing: "one server" shows that too. Render times are from one run each on a shared 2-core machine:
read them as rough.

    python benchmarks/bench_page.py
    BENCH_LENGTHS=50,200 python benchmarks/bench_page.py    # fewer lengths, for a quick look
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from attention import strings
from attention.offline import CORPUS, build_model_dir

REPO = Path(__file__).resolve().parents[1]
SHAPE = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_positions": 1024, "vocab_size": 50257}
REUSE = Path(os.environ.get("BENCH_MODEL_DIR", "/tmp/models/gpt2shape"))
LENGTHS = tuple(int(t) for t in os.environ.get("BENCH_LENGTHS", "50,200,512,1024").split(","))
TEXT = " ".join([CORPUS.replace("\n", " ")] * 6)  # about 1400 tokens; each run keeps the first T
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]
# The slowest step, a 1024-token trace on two cores, takes well under this.
STEP_TIMEOUT_MS = int(os.environ.get("BENCH_STEP_TIMEOUT_MS", 300_000))
SERVER_TIMEOUT_S = 60


def reusable(path: Path) -> bool:
    """Whether ``path`` holds a saved GPT-2 of exactly `SHAPE` (a previous run's, or bench_trace's)."""
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return False
    has_weights = (path / "model.safetensors").exists() and (path / "tokenizer.json").exists()
    return has_weights and all(config.get(k) == v for k, v in SHAPE.items())


# ---------------------------------------------------------------------------------------------------
# The server and its memory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_mb(pid: int, name: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024  # kB → MB
    raise KeyError(name)


def reset_peak(pid: int) -> None:
    """Sets VmHWM, the peak resident size, back to the resident size now."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Server:
    url: str
    pid: int
    started: float = 0.0  # time.monotonic() when the process was launched
    up: float = 0.0  # ... and when its health endpoint first answered


@contextlib.contextmanager
def serve(model_dir: Path | str, log_path: Path, poll_s: float = 0.3) -> Iterator[Server]:
    """`streamlit run streamlit_app.py` on a free loopback port, in its own process group.

    ``model_dir`` becomes ATTENTION_MODEL (a folder or a name the app accepts); the health endpoint is
    asked every ``poll_s`` seconds until it answers.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false"]
    env = {**os.environ, "ATTENTION_MODEL": str(model_dir), "HF_HUB_OFFLINE": "1"}
    with open(log_path, "wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not come up; see {log_path}")
            time.sleep(poll_s)
        yield Server(url, process.pid, started, time.monotonic())
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


# ---------------------------------------------------------------------------------------------------
# What the browser receives


def classify(payload: bytes) -> str:
    """Which part of the page one websocket message (a Streamlit ForwardMsg) carries.

    "run finished" marks the end of a script run; a chart is named by what its spec encodes.
    """
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except DecodeError:
        return "other"
    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        return "run finished"
    if kind == "ref_hash":
        return "cached refs"
    if kind == "page_info_changed":
        return "url"  # the query string, rewritten when the page mirrors its state in the URL
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return "other"
    element = msg.delta.new_element
    if element.WhichOneof("type") != "vega_lite_chart":
        return "other"
    chart = element.vega_lite_chart
    if "pick" in chart.selection_mode:
        return "overview"
    fields = set(re.findall(r'"field":\s*"([^"]+)"', chart.spec))
    if "token" in fields:
        return "token strip"
    if "shown" in fields or "diff" in fields:
        return "parity chart"
    return "head maps"  # the chosen head, and the same head twice side by side


@dataclass
class Traffic:
    """Websocket payload bytes per part of the page since the last `reset`, and script runs finished."""

    sizes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    runs_finished: int = 0

    def received(self, payload: bytes | str) -> None:
        # Playwright calls this on the thread that drives the page, between its own calls: no lock.
        data = payload.encode() if isinstance(payload, str) else payload
        part = classify(data)
        self.sizes[part] += len(data)
        self.runs_finished += part == "run finished"

    def reset(self) -> None:
        self.sizes = defaultdict(int)

    def by_part(self) -> dict[str, int]:
        return {**self.sizes, "total": sum(self.sizes.values())}


# ---------------------------------------------------------------------------------------------------
# Driving the page

SWITCHES = 3  # head switches per length; the median's time is reported
CHARTS = 6  # token strip, head heatmap, overview, parity chart, the head twice side by side

# Done when the script has finished a run that wrote ``marker`` and every chart has drawn its marks.
FINISHED = """([marker, charts]) => {
    const app = document.querySelector("[data-testid='stApp']");
    const main = document.querySelector("[data-testid='stMain']");
    if (!app || !main || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector("[data-testid='stSkeleton'], [data-stale='true']")) return false;
    if (!main.innerText.includes(marker)) return false;
    const drawn = [...main.querySelectorAll("[data-testid='stVegaLiteChart']")]
        .filter(c => c.querySelector("svg.marks, canvas.marks"));
    return drawn.length >= charts;
}"""
STATE = """() => [document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state"),
    document.querySelectorAll("[data-stale='true']").length,
    document.querySelectorAll("[data-testid='stSkeleton']").length,
    document.querySelectorAll("[data-testid='stException']").length,
    document.querySelectorAll("[data-testid='stVegaLiteChart']").length]"""


def wait_finished(page, marker: str, traffic: Traffic, runs_before: int) -> None:
    """Until a script run started after ``runs_before`` has finished and the page shows ``marker``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while traffic.runs_finished <= runs_before:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no script run finished while waiting for {marker!r}")
        page.wait_for_timeout(20)  # lets Playwright deliver the websocket frames meanwhile
    try:
        page.wait_for_function(FINISHED, arg=[marker, CHARTS], polling=50, timeout=STEP_TIMEOUT_MS)
    except PlaywrightTimeout:
        state, stale, skeletons, exceptions, charts = page.evaluate(STATE)
        page.screenshot(path=str(REPO / "artifacts" / "bench-page-timeout.png"))
        raise RuntimeError(
            f"the page did not finish showing {marker!r}: script {state}, {stale} stale elements, "
            f"{skeletons} skeletons, {exceptions} exceptions, {charts} charts"
        ) from None


def commit(page, role: str, name: str, value: str, key: str) -> None:
    box = page.get_by_role(role, name=name, exact=True)
    box.fill(value)
    box.press(key)


def text_tokens(model_dir: Path) -> int:
    """How many tokens `TEXT` has for this model's tokenizer (the page encodes it the same way)."""
    from tokenizers import Tokenizer

    return len(Tokenizer.from_file(str(model_dir / "tokenizer.json")).encode(TEXT, add_special_tokens=False))


@dataclass
class Step:
    seconds: float
    rss_before: float
    peak: float
    traffic: dict[str, int]


def measured(server: Server, traffic: Traffic, page, action, marker: str) -> Step:
    reset_peak(server.pid)
    rss_before = status_mb(server.pid, "VmRSS")
    traffic.reset()
    runs = traffic.runs_finished
    start = time.perf_counter()
    action()
    wait_finished(page, marker, traffic, runs)
    seconds = time.perf_counter() - start
    page.wait_for_timeout(300)  # trailing messages of the same run (session status)
    return Step(seconds, rss_before, status_mb(server.pid, "VmHWM"), traffic.by_part())


def open_page(browser, server: Server) -> tuple[object, object, Traffic, Step]:
    """A new page on /gpt2 with its websocket watched; the default text's first render, measured."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    traffic = Traffic()
    page.on("websocket", lambda ws: ws.on("framereceived", traffic.received))
    first = measured(server, traffic, page, lambda: page.goto(f"{server.url}/gpt2"), " tokens · ")
    return context, page, traffic, first


def visit_length(server: Server, page, traffic: Traffic, t: int, total: int) -> tuple[Step, Step]:
    """The long text at token limit T: the T-token render; then the next head, three times: the switch.

    Whichever edit brings the page to "long text, limit T" is the measured one: the text on a fresh
    page (after the limit, unmeasured), the limit on a page that already shows the long text. The
    render is recognised by its truncation warning ("``total`` tokens; only the first T").
    """
    limit = page.get_by_role("spinbutton", name="Token limit", exact=True)
    text = page.get_by_role("textbox", name="Your text", exact=True)
    marker = strings.t("gpt2.warning.truncated", "en", total=total, kept=t)
    set_limit = lambda: commit(page, "spinbutton", "Token limit", str(t), "Enter")  # noqa: E731
    set_text = lambda: commit(page, "textbox", "Your text", TEXT, "Control+Enter")  # noqa: E731
    if text.input_value() == TEXT:
        render = measured(server, traffic, page, set_limit, marker)
    else:
        if limit.input_value() != str(t):
            runs = traffic.runs_finished
            set_limit()
            wait_finished(page, " tokens · ", traffic, runs)
        render = measured(server, traffic, page, set_text, marker)
    switches = []
    heads = page.get_by_role("spinbutton", name="Head", exact=True)
    for _ in range(SWITCHES):
        # Always a head not shown yet at this length: going back to one would be served from the
        # browser's message cache and send almost nothing.
        head = (int(heads.input_value()) + 1) % SHAPE["n_head"]
        set_head = lambda head=head: commit(page, "spinbutton", "Head", str(head), "Enter")  # noqa: E731
        switches.append(measured(server, traffic, page, set_head, f"Layer 0, head {head}, side by side"))
    median = sorted(switches, key=lambda step: step.seconds)[len(switches) // 2]
    switch = Step(median.seconds, switches[0].rss_before, max(s.peak for s in switches), median.traffic)
    return render, switch


# ---------------------------------------------------------------------------------------------------
# The report


def kb(n: int) -> str:
    return f"{n / 1024:,.0f}" if n >= 1024 else f"{n / 1024:.1f}"


def print_rows(title: str, rows: list[tuple[str, Step]]) -> None:
    print(f"\n{title}")
    print("(sent: all websocket payload KB; then the part of it each chart, and the URL updates, took)")
    head = ("step", "seconds", "RSS before MB", "peak MB", "sent KB", "overview", "head maps", "strip", "url")
    widths = (25, 8, 14, 8, 8, 9, 10, 6, 6)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for label, step in rows:
        parts = step.traffic
        cells = (
            label,
            f"{step.seconds:.1f}",
            f"{step.rss_before:,.0f}",
            f"{step.peak:,.0f}",
            kb(parts.get("total", 0)),
            kb(parts.get("overview", 0)),
            kb(parts.get("head maps", 0)),
            kb(parts.get("token strip", 0)),
            kb(parts.get("url", 0)),
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))


def run(browser, model_dir: Path, logs: Path) -> None:
    total = text_tokens(model_dir)
    assert total > max(LENGTHS), f"the benchmark text has only {total} tokens"
    rows: list[tuple[str, Step]] = []
    for t in LENGTHS:
        with serve(model_dir, logs / f"bench-page-{t}.log") as server:
            context, page, traffic, first = open_page(browser, server)
            render, switch = visit_length(server, page, traffic, t, total)
            context.close()
        if t == LENGTHS[0]:
            rows.append(("open /gpt2 (default text)", first))
        rows += [(f"{t} tokens: render", render), (f"{t} tokens: head switch", switch)]
        print(f"  {t} tokens measured", flush=True)
    print_rows("Fresh server for every length (peak = this step's own)", rows)

    rows = []
    with serve(model_dir, logs / "bench-page-all.log") as server:
        context, page, traffic, first = open_page(browser, server)
        rows.append(("open /gpt2 (default text)", first))
        for t in LENGTHS:
            render, switch = visit_length(server, page, traffic, t, total)
            rows += [(f"{t} tokens: render", render), (f"{t} tokens: head switch", switch)]
        context.close()
        settled = status_mb(server.pid, "VmRSS")
    print_rows("One server, every length in turn (traces stay cached: RSS before grows)", rows)
    print(f"resident after every length: {settled:,.0f} MB")


@contextlib.contextmanager
def bench_setup() -> Iterator[tuple[object, Path, Path]]:
    """(browser, model_dir, logs): Chromium, a GPT-2 of GPT-2 small's shape (reused or built), the logs."""
    from playwright.sync_api import sync_playwright

    logs = REPO / "artifacts"
    logs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if reusable(REUSE):
            model_dir = REUSE
        else:
            start = time.perf_counter()
            model_dir = build_model_dir(Path(tmp) / "gpt2shape", **SHAPE)
            print(f"built GPT-2 small's shape with random weights in {time.perf_counter() - start:.0f} s")
        print(f"model: {model_dir}; {os.cpu_count()} CPUs; server logs in {logs}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser, model_dir, logs
            finally:
                browser.close()


def main() -> int:
    with bench_setup() as (browser, model_dir, logs):
        run(browser, model_dir, logs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
