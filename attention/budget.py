"""A cache bounded by the memory its values hold, for results too big to keep a fixed number of.

Streamlit's own caches keep a number of entries; a trace of GPT-2 small holds 20 MB at 50 tokens and
1.3 GB at 1024, so a count is either wasteful or dangerous. `BudgetCache` keeps the most recently used
values whose sizes add up to at most a budget (always at least the newest one), computes each key
once even when many sessions ask for it at the same moment, and is safe to share across threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BudgetCache(Generic[V]):
    """Least-recently-used values, evicted while their sizes add up to more than ``budget`` bytes."""

    def __init__(self, budget: int, size_of: Callable[[V], int]) -> None:
        self.budget = budget
        self._size_of = size_of
        self._lock = threading.Lock()  # guards the two dicts and the counters, never held while computing
        self._values: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how many values were computed (for tests and benchmarks)

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value under ``key``, computed by ``compute()`` if it is not kept (an error is not kept)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]
            turn = self._computing.setdefault(key, threading.Lock())
        with turn:  # one computation per key: the others wait for it, then find the value kept
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key][0]
            try:
                value = compute()
                size = self._size_of(value)
                with self._lock:
                    self.computed += 1
                    self._values[key] = (value, size)
                    self._evict()
            finally:
                with self._lock:
                    if self._computing.get(key) is turn:  # not a newer computation's, after an error
                        del self._computing[key]
        return value

    def _evict(self) -> None:
        total = sum(size for _, size in self._values.values())
        while total > self.budget and len(self._values) > 1:
            _, (_, size) = self._values.popitem(last=False)
            total -= size

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._values.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
