"""The trace cache: kept by memory, not by count; one computation per key; shared by threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from attention.budget import BudgetCache
from attention.gpt2 import trace


def sized(budget: int) -> BudgetCache[bytes]:
    return BudgetCache(budget, len)


def test_keeps_the_most_recently_used_values_that_fit():
    cache = sized(10)
    for key in "abc":
        cache.get(key, lambda: b"xxxx")  # 4 bytes each: two fit
    assert len(cache) == 2 and cache.nbytes == 8
    calls = []
    cache.get("a", lambda: calls.append("a") or b"xxxx")
    assert calls == ["a"], "the oldest went first"
    cache.get("c", lambda: calls.append("c") or b"xxxx")
    assert calls == ["a"], "c was kept"


def test_using_a_value_keeps_it_longer():
    cache = sized(8)
    cache.get("a", lambda: b"1234")
    cache.get("b", lambda: b"1234")
    cache.get("a", lambda: pytest.fail("a is kept"))  # a is now the most recent
    cache.get("c", lambda: b"1234")  # so b goes
    assert cache.get("a", lambda: b"new!") == b"1234"
    assert cache.get("b", lambda: b"new!") == b"new!"


def test_the_newest_value_is_kept_even_when_it_alone_is_over_budget():
    cache = sized(4)
    cache.get("small", lambda: b"12")
    assert cache.get("big", lambda: b"1234567890") == b"1234567890"
    assert len(cache) == 1 and cache.nbytes == 10
    assert cache.get("big", lambda: pytest.fail("kept")) == b"1234567890"


def test_an_error_is_not_kept():
    cache = sized(100)

    def broken():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("k", broken)
    assert cache.get("k", lambda: b"ok") == b"ok"
    assert cache.computed == 1


def test_many_threads_asking_for_one_key_share_one_computation():
    cache = sized(100)
    release, started = threading.Event(), threading.Barrier(8)
    calls = []

    def compute():
        calls.append(1)
        assert release.wait(10)
        return b"value"

    def ask(_):
        started.wait(10)
        return cache.get("link", compute)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(ask, i) for i in range(8)]
        release.set()
        results = [f.result(timeout=20) for f in futures]
    assert results == [b"value"] * 8
    assert len(calls) == 1 and cache.computed == 1


def test_different_keys_are_computed_side_by_side():
    """Each computation waits for the other to start: taking turns would never finish."""
    cache = sized(100)
    began = {key: threading.Event() for key in "ab"}

    def compute(key, other):
        began[key].set()
        assert began[other].wait(10), f"{other} never started while {key} was running"
        return key.encode()

    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(cache.get, "a", lambda: compute("a", "b"))
        b = pool.submit(cache.get, "b", lambda: compute("b", "a"))
        assert (a.result(timeout=20), b.result(timeout=20)) == (b"a", b"b")


def test_a_traces_size_counts_its_tensors(small_gpt2):
    result = trace(small_gpt2, "The cat sat on the mat.")
    layers, heads, t = result.layers, result.heads, result.n_tokens
    maps = 2 * layers * heads * t * t * 4  # weights and library_weights, float32
    qkv = 3 * result.q.numel() * 4
    assert result.nbytes >= maps + qkv
    assert result.nbytes < maps + qkv + 4 * result.next_token_logits.numel() * 4 + 10_000
