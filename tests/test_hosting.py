"""What hosting relies on: pages without a model stay light, and the files a host reads are in place."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Runs the app's first page in a fresh interpreter and reports which heavy modules it imported.
PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=120)
for name, value in json.loads(sys.argv[1]).items():
    at.query_params[name] = value
at.run()
assert not at.exception, [e.value for e in at.exception]
heavy = ("transformers", "tokenizers", "safetensors", "attention.gpt2", "model_cache")
print(json.dumps({name: name in sys.modules for name in heavy}))
"""


def imported_by_first_page(**query: str) -> dict[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(query)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_toy_page_imports_neither_transformers_nor_a_model():
    assert imported_by_first_page() == dict.fromkeys(
        ("transformers", "tokenizers", "safetensors", "attention.gpt2", "model_cache"), False
    )


def test_the_toy_page_on_stage_stays_light_too():
    assert not any(imported_by_first_page(present="1", lang="vi").values())


def test_the_files_a_host_reads_are_in_place():
    """Streamlit Community Cloud reads the entrypoint, requirements.txt and .streamlit/config.toml."""
    assert (REPO / "streamlit_app.py").is_file()
    requirements = (REPO / "requirements.txt").read_text().splitlines()
    pinned = [line for line in requirements if line and not line.startswith(("#", "-"))]
    assert all("==" in line for line in pinned), (
        "every requirement is pinned, so a host builds what CI tested"
    )
    assert any(line.startswith("torch==") for line in pinned)
    packages = [line for line in (REPO / "packages.txt").read_text().splitlines() if not line.startswith("#")]
    assert packages == ["fonts-dejavu-core"], "apt packages a host installs: keep the list short and real"
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none", "no traceback reaches a visitor"


def test_the_app_hides_tracebacks_even_where_a_host_overrides_the_config():
    """Community Cloud sets showErrorDetails to false ("stacktrace"); the entrypoint sets it back."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    before = config.get_option("client.showErrorDetails")
    try:
        config.set_option("client.showErrorDetails", "stacktrace")
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
        at.run()
        assert not at.exception
        assert config.get_option("client.showErrorDetails") == "none"
    finally:
        config.set_option("client.showErrorDetails", before)


@pytest.mark.parametrize(("setting", "slots"), [("3", 3), ("", 2), ("many", 2), ("0", 1)])
def test_forward_passes_at_once_are_bounded(monkeypatch, setting, slots):
    import model_cache

    monkeypatch.setenv("ATTENTION_FORWARD_SLOTS", setting)
    model_cache.forward_slots.clear()
    try:
        semaphore = model_cache.forward_slots()
        taken = 0
        while taken <= slots and semaphore.acquire(blocking=False):
            taken += 1
        assert taken == slots
    finally:
        model_cache.forward_slots.clear()


@pytest.mark.parametrize(("setting", "budget_mb"), [("768", 768), ("", 1024), ("lots", 1024)])
def test_the_trace_cache_budget_comes_from_the_environment(monkeypatch, setting, budget_mb):
    import model_cache

    monkeypatch.setenv("ATTENTION_TRACE_CACHE_MB", setting)
    model_cache.trace_cache.clear()
    try:
        assert model_cache.trace_cache().budget == budget_mb * 2**20
    finally:
        model_cache.trace_cache.clear()
