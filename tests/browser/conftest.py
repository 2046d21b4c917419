"""Fixtures that serve the app with `streamlit run` and drive it in headless Chromium, as a visitor would.

The tests here skip when Chromium is missing on a developer's machine, but fail when CI is set: in CI
the browser is installed by .ci/run and a skipped browser test would hide a broken app.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

SERVER_START_TIMEOUT_S = 60
# The first run of a page imports torch and builds its charts; two slow cores can take a while.
APP_RUN_TIMEOUT_MS = 90_000

# `playwright install` cannot download its own browsers here, so Debian's Chromium is driven instead.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}


def in_ci() -> bool:
    """Whether this run is CI's, where a missing browser is a failure rather than a reason to skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so the browser tests may not skip)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """Ends the server and anything it spawned: it runs in its own process group."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def serve_app(env: Mapping[str, str] | None = None, name: str = "app") -> Iterator[str]:
    """Runs `streamlit run streamlit_app.py` on a free local port and yields its base URL.

    `env` is added to this process's environment (e.g. ``{"ATTENTION_MODEL": ...}``). The server's
    output goes to ``artifacts/<name>-server.log``, whose tail is shown if it fails to come up.
    """
    with serve_app_process(env, name) as (base_url, _process):
        yield base_url


@contextlib.contextmanager
def serve_app_process(
    env: Mapping[str, str] | None = None, name: str = "app"
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`serve_app`, also yielding the server's process: its pid is the Streamlit server itself,
    whose memory a test can read from ``/proc/<pid>/status``."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"{name}-server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _healthy(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    why = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
                    raise RuntimeError(f"streamlit server {why} before answering health:\n{tail}")
                time.sleep(0.5)
            yield base_url, process
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of the app, served once for the whole session (default model, or ATTENTION_MODEL)."""
    if not (REPO_ROOT / "streamlit_app.py").exists():
        pytest.fail("streamlit_app.py is missing at the repository root", pytrace=False)
    with serve_app(name="app") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium under Playwright's sync API, shared by the session's tests."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh page in its own context; a full-page screenshot of it is kept after every test."""
    page = new_page(browser)
    context = page.context
    yield page
    with contextlib.suppress(Exception):  # a screenshot must not hide the test's own outcome
        screenshot(page, request.node.name)
    context.close()


def screenshot(page, name: str) -> Path:
    """Saves the whole app, top to bottom, as ``artifacts/screenshots/<name>.png``.

    Streamlit scrolls inside its main element rather than the document, so a "full page" screenshot
    would stop at the viewport: the viewport is stretched to the content's height for the picture.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    viewport = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight,"
        " ...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size(
        {"width": viewport["width"], "height": min(max(height, viewport["height"]), 12_000)}
    )
    page.wait_for_timeout(500)  # let charts and grids lay themselves out at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


# Streamlit shows whether its script runs on the root element (`data-test-script-state`: initial →
# running → notRunning, on every run). Reading that attribute right after a click can still see the
# previous run's "notRunning" on a slow machine, before the click's rerun has begun. This script, put
# into every page before the app loads, notes when the person last clicked, typed or stepped through
# the history and when a run
# last began, so a wait can tell "finished after my click" from "not started yet".
RUN_WATCH_SCRIPT = """
(() => {
    const watch = {lastInput: 0, lastRunStart: 0};
    window.__runWatch = watch;
    for (const type of ['click', 'keydown', 'change'])
        document.addEventListener(type, () => { watch.lastInput = performance.now(); }, true);
    // The browser's back and forward buttons: Streamlit reruns the page with the URL they bring back.
    window.addEventListener('popstate', () => { watch.lastInput = performance.now(); });
    new MutationObserver(records => {
        for (const record of records) {
            const state = record.target.getAttribute('data-test-script-state');
            if (state === 'running' || state === 'rerunRequested') watch.lastRunStart = performance.now();
        }
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""
# After a click or key that starts no run (opening an expander), a wait gives up on a rerun after this.
RERUN_GRACE_MS = 2_000

SETTLED = """grace => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const watch = window.__runWatch;
    if (!watch || watch.lastRunStart > watch.lastInput) return true;
    return performance.now() - watch.lastInput > grace;
}"""


def new_page(browser, viewport: Mapping[str, int] | None = None):
    """A page in a fresh browser context, watching the app's runs for `wait_for_app`."""
    context = browser.new_context(viewport=dict(viewport or VIEWPORT))
    context.add_init_script(RUN_WATCH_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(APP_RUN_TIMEOUT_MS)
    return page


def wait_for_app(page, timeout_ms: int = APP_RUN_TIMEOUT_MS, *, rerun: bool = False) -> None:
    """Waits until Streamlit is connected, has finished running the script and has drawn everything.

    Call it after every interaction too: it waits for the run the last click or key started to end
    (or, when none starts within `RERUN_GRACE_MS`, for that long), so the previous run's end is not
    taken for this one's. With ``rerun=True`` the last input must start a run: however slow the
    machine, the wait ends only after a run that began after it. Loading skeletons stand in for
    elements not drawn yet.
    """
    from playwright.sync_api import expect

    app = page.locator("[data-testid='stApp']")
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms
    )
    grace = timeout_ms + 1 if rerun else RERUN_GRACE_MS
    page.wait_for_function(SETTLED, arg=grace, timeout=timeout_ms, polling=100)
    expect(app.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout_ms)
    # st.dataframe mounts its grid (and the accessible table `app_text` reads) after the run ends;
    # one inside a collapsed expander is never mounted, so only visible ones are waited for.
    unmounted = app.locator("[data-testid='stDataFrame']:not(:has(table))").filter(visible=True)
    expect(unmounted).to_have_count(0, timeout=timeout_ms)
    page.locator("[data-testid='stMainBlockContainer']").wait_for(state="visible", timeout=timeout_ms)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` and wait for the rerun."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page, rerun=True)


def open_app(page, base_url: str, query: str = "") -> None:
    """Opens the app at ``base_url`` (with an optional ``?query``) and waits for its first run."""
    page.goto(f"{base_url}/{'?' + query if query else ''}")
    wait_for_app(page)
    assert_no_exception(page)


def assert_no_exception(page) -> None:
    """No uncaught exception reached the page (the app turns its own errors into calm messages)."""
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, f"uncaught exception shown: {exceptions.first.inner_text()}"


def app_text(page) -> str:
    """All text a visitor can read: the page's rendered text plus every `st.dataframe`'s cells.

    `st.dataframe` draws its cells on a canvas; the accessible table it keeps beside it holds the
    cells' raw values (unformatted: ``0.0030992…`` where the grid shows ``0.0031``), one per line here.
    """
    cells = page.locator("[data-testid='stDataFrame'] table :is(th, td)").all_text_contents()
    return "\n".join([page.inner_text("body"), *cells])
