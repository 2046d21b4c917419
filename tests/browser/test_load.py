"""Eight visitors on the GPT-2 page at once: each sees its own text, none sees an error, the model is
loaded once and the server's memory stays within a budget.

Playwright's sync API drives one page at a time, but a page only has to be told what to do: the test
types into all eight pages first, then presses Enter in each and only then waits, so the server runs
eight scripts at once. Every page notes when its runs start and end (by the browser's clock), which
shows the runs really overlapped. The server's memory comes from /proc, its cache counts from
Streamlit's own metrics endpoint.
"""

from __future__ import annotations

import contextlib
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from attention import gpt2
from attention.offline import build_model_dir
from attention.strings import t

from .conftest import (
    ARTIFACTS,
    assert_no_exception,
    new_page,
    screenshot,
    serve_app_process,
    wait_for_app,
)
from .gpt2_page import main_text, number_input, strip_tokens

SESSIONS = 8
# GPT-2's real vocabulary and a wider model make the weights ≈ 94 MB, far more than the sessions add
# (`SESSION_MB`): a second copy of the model in the server cannot hide in the noise. Still fast to run.
SHAPE = dict(n_layer=3, n_head=4, n_embd=384, n_positions=128, initializer_range=0.3, vocab_size=50257)
# Eight texts of eight different lengths (7 to 24 tokens of `attention.offline`'s byte-level BPE): a
# session shown another's trace would show the wrong strip and the wrong count.
TEXTS = (
    "Values are what is retrieved.",
    "Softmax turns the scores into weights.",
    "The query is the token that is asking.",
    "Hôm nay trời đẹp, chúng tôi đi học.",
    "The cat sat on the mat because it was warm.",
    "GPT only looks at earlier tokens, never at the future.",
    "Mặt nạ nhân quả giúp mỗi token chỉ nhìn các token phía trước.",
    "1 + 2 = 3, and 7 × 6 = 42!",
)
# Every session opens on a link with a short text: the default text's 84 tokens would only make eight
# browsers on two cores draw big charts before the test begins.
OPENING = urlencode({"text": "Hello."})
# A (layer, head) of its own per session: i ↦ (i mod 3, i mod 4) repeats only after 12.
PICKS = tuple((i % 3, i % 4) for i in range(SESSIONS))
# What one more session may cost the server beyond its trace: its state, its script thread and the
# allocator's arena for it, the messages of its runs. Measured at 2-3 MB a session on the development
# machine (+17 to +22 MB for seven sessions and eight texts); twice that is allowed.
SESSION_MB = 6
# For one round: eight pages opened (eight downloads of the frontend, ~150 files each, from a server on
# two busy cores: 25-35 s measured), or eight runs of the page (3-8 s).
ROUND_TIMEOUT_S = 120

# Beside conftest's run watcher: every run of the script as [start, end] in ms since the epoch, so runs
# in different pages can be laid on one time line.
RUN_LOG_SCRIPT = """
(() => {
    const runs = [];
    window.__runLog = runs;
    const now = () => performance.timeOrigin + performance.now();
    new MutationObserver(records => {
        for (const record of records) {
            const state = record.target.getAttribute('data-test-script-state');
            const open = runs.length > 0 && runs[runs.length - 1][1] === null;
            if ((state === 'running' || state === 'rerunRequested') && !open) runs.push([now(), null]);
            else if (state === 'notRunning' && open) runs[runs.length - 1][1] = now();
        }
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""
COMPUTED = "cache_compute_duration_seconds_count"  # Streamlit's count of a cached function's runs
BROWSER_NOW = "() => performance.timeOrigin + performance.now()"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("gpt2") / "wide", **SHAPE)


def memory_mb(pid: int) -> dict[str, float]:
    """The server's resident memory now (VmRSS) and at its peak so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M)[1]) / 1024 for key in ("VmRSS", "VmHWM")}


def metric(base_url: str, name: str, **labels: str) -> float:
    """One value from Streamlit's ``/_stcore/metrics`` (OpenMetrics text), by name and labels."""
    with urllib.request.urlopen(f"{base_url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    for line in text.splitlines():
        found = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not found or found[1] != name:
            continue
        if labels.items() <= dict(re.findall(r'(\w+)="([^"]*)"', found[2] or "")).items():
            return float(found[3])
    raise AssertionError(f"no metric {name} {labels} in:\n{text[:2000]}")


def trace_mb(loaded: gpt2.LoadedModel, text: str) -> float:
    """What one trace of ``text`` holds in tensors, in MB."""
    result = gpt2.trace(loaded, text)
    tensors = [value for value in vars(result).values() if hasattr(value, "nbytes")]
    return sum(tensor.nbytes for tensor in tensors) / 2**20


def most_at_once(runs: list[tuple[float, float]]) -> int:
    """The largest number of runs in progress at the same moment."""
    events = sorted([(start, 1) for start, _ in runs] + [(end, -1) for _, end in runs])
    peak = running = 0
    for _, step in events:  # an end sorts before a start at the same instant: touching is not overlapping
        running += step
        peak = max(peak, running)
    return peak


def wait_all(pages) -> None:
    """Waits for every page's run to end, all of them within `ROUND_TIMEOUT_S`."""
    deadline = time.monotonic() + ROUND_TIMEOUT_S
    for page in pages:
        wait_for_app(page, timeout_ms=max(1, int((deadline - time.monotonic()) * 1000)))


def all_at_once(pages, prepare, key: str) -> tuple[float, float, list[tuple[float, float]]]:
    """Prepares an input in every page, presses ``key`` in each, then waits for all their runs.

    ``prepare(i, page)`` starts no run (a typed value is only sent on Enter or when the box loses
    focus), so the presses, one keyboard event each, follow one another closely. Returns when the
    first and the last key were pressed and the runs started since (ms since the epoch).
    """
    for i, page in enumerate(pages):
        prepare(i, page)
    first = pages[0].evaluate(BROWSER_NOW)
    for page in pages:
        page.keyboard.press(key)
    last = pages[-1].evaluate(BROWSER_NOW)
    wait_all(pages)
    runs = [tuple(run) for page in pages for run in page.evaluate("() => window.__runLog")]
    return first, last, [(start, end) for start, end in runs if start >= first and end is not None]


def text_box(page):
    return page.get_by_role("textbox", name=t("gpt2.text", "en"), exact=True)


def verdict_pattern(model: str, heads: int) -> re.Pattern[str]:
    """The parity panel's "matches" sentence for ``model``, whatever the differences measured."""
    parts = re.split(r"(\{\w+\})", t("gpt2.parity.match", "en"))
    known = {"{model}": re.escape(model), "{n}": str(heads)}
    return re.compile("".join(known.get(p, r"\S+") if p.startswith("{") else re.escape(p) for p in parts))


def test_eight_sessions_at_once_each_see_their_own_text_and_share_one_model(model_dir, browser):
    loaded = gpt2.load_model(model_dir)
    expected = [
        gpt2.display_tokens(loaded.tokenizer, loaded.tokenizer.encode(text, add_special_tokens=False))
        for text in TEXTS
    ]
    assert len({len(tokens) for tokens in expected}) == SESSIONS, "eight texts, eight token counts"
    model_mb = (model_dir / "model.safetensors").stat().st_size / 2**20
    # Past the first session: seven more sessions, and eight traces if every one were still held
    # (the trace cache keeps up to its budget). A second copy of the model (`model_mb`) does not fit in it.
    budget_mb = (SESSIONS - 1) * SESSION_MB + sum(trace_mb(loaded, text) for text in TEXTS)
    assert budget_mb < model_mb, "the budget can tell one model from two"
    verdict = verdict_pattern(str(model_dir), heads=SHAPE["n_layer"] * SHAPE["n_head"])

    pages = []
    with serve_app_process(env={"ATTENTION_MODEL": str(model_dir)}, name="load") as (url, server):
        try:
            for _ in range(SESSIONS):
                page = new_page(browser)
                page.context.add_init_script(RUN_LOG_SCRIPT)
                pages.append(page)

            # The first visitor loads the model; the server's memory then is the baseline.
            pages[0].goto(f"{url}/gpt2?{OPENING}")
            wait_for_app(pages[0])
            assert_no_exception(pages[0])
            after_first = memory_mb(server.pid)
            for page in pages[1:]:
                page.goto(f"{url}/gpt2?{OPENING}", wait_until="commit")
            wait_all(pages[1:])
            assert metric(url, "active_sessions") == SESSIONS

            rounds = {}
            fill_text = lambda i, page: text_box(page).fill(TEXTS[i])  # noqa: E731
            first, last, rounds["text"] = all_at_once(pages, fill_text, "Control+Enter")
            for i, page in enumerate(pages):
                assert_no_exception(page)
                assert strip_tokens(page) == expected[i], f"session {i} shows the tokens of {TEXTS[i]!r}"
                assert t("gpt2.tokens.count", "en", n=len(expected[i])) + " · " in main_text(page)
                link = parse_qs(urlparse(page.url).query)
                assert link["text"] == [TEXTS[i]], f"session {i}'s link names its own text"
            # By the browsers' clocks: the runs were under way together, not one after another.
            assert len(rounds["text"]) >= SESSIONS, "every Enter started a run"
            assert most_at_once(rounds["text"]) >= SESSIONS // 2, "half the runs or more at the same moment"

            fill_layer = lambda i, page: number_input(page, "Layer").fill(str(PICKS[i][0]))  # noqa: E731
            fill_head = lambda i, page: number_input(page, "Head").fill(str(PICKS[i][1]))  # noqa: E731
            *_, rounds["layer"] = all_at_once(pages, fill_layer, "Enter")
            *_, rounds["head"] = all_at_once(pages, fill_head, "Enter")
            for i, (page, (layer, head)) in enumerate(zip(pages, PICKS, strict=True)):
                assert_no_exception(page)
                assert number_input(page, "Layer").input_value() == str(layer)
                assert number_input(page, "Head").input_value() == str(head)
                text = main_text(page)
                assert t("gpt2.parity.side_by_side", "en", layer=layer, head=head) in text
                assert verdict.search(text), f"session {i} shows the parity verdict"
                assert strip_tokens(page) == expected[i], f"session {i} still shows its own tokens"

            final = memory_mb(server.pid)
            # How many times each cached function's body ran: `cached_model`'s is `gpt2.load_model`.
            runs_of = lambda cached: metric(url, COMPUTED, cache=f"model_cache.{cached}")  # noqa: E731
            loads = runs_of("cached_model")
        except BaseException:
            for i, page in enumerate(pages):
                with contextlib.suppress(Exception):  # a screenshot must not hide the failure
                    screenshot(page, f"load-session-{i}")
            raise
        finally:
            for page in pages:
                page.context.close()

    first_end = min(end for _, end in rounds["text"])
    growth_mb, peak_mb = final["VmRSS"] - after_first["VmRSS"], final["VmHWM"] - after_first["VmRSS"]
    print(
        f"\nmodel {model_mb:.0f} MB; server after the first session {after_first['VmRSS']:.0f} MB,"
        f" after {SESSIONS} {final['VmRSS']:.0f} MB: +{growth_mb:.1f} MB (budget {budget_mb:.0f}),"
        f" peak +{peak_mb:.1f} MB; eight texts sent in {last - first:.0f} ms,"
        f" the first run of them ended after {first_end - first:.0f} ms; runs at once: "
        + ", ".join(f"{name} {most_at_once(runs)}" for name, runs in rounds.items())
    )
    assert loads == 1, "the model was loaded once, for all eight sessions"
    assert growth_mb < budget_mb
    assert peak_mb < model_mb, "not even for a moment was there room for a second model"
    log = (ARTIFACTS / "load-server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
