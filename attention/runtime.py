"""Process-wide tuning for serving many attention maps: keep freed memory for reuse.

Every `attend` call allocates several fresh (heads, T, T) tensors. By default glibc hands large freed
blocks straight back to the operating system, so the next call page-faults the same memory in again,
which at 512 tokens costs more than the arithmetic. `keep_freed_memory` asks glibc to keep such blocks
in the heap instead. It changes nothing but speed (and the resident size stays at its high-water
mark), and does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


@functools.cache
def keep_freed_memory() -> bool:
    """Serve large allocations from the heap and never trim it; True when glibc accepted both settings."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    # 1 GiB: above any attention tensor the playground makes; 2 GiB of free heap before trimming.
    return bool(mallopt(_M_MMAP_THRESHOLD, 1 << 30)) and bool(mallopt(_M_TRIM_THRESHOLD, 1 << 31))
