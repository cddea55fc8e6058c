"""Handing freed memory back to the system before a long solve.

numpy and scipy allocate their temporaries with the C library's ``malloc``; once freed, arrays
below glibc's mmap threshold (which grows up to 32 MiB as large arrays come and go) stay in the
process's heap, reusable by the process but counted in its resident set. Building a land model
of a million zones and its solve form leaves several hundred MiB there, which the solver, whose
own working memory then comes on top, never reuses as a whole. :func:`release_freed_memory`
asks glibc to return it (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import cache
from typing import Any

LARGE = 200_000
"""Columns from which a model counts as large: releasing is worth its few milliseconds."""


@cache
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release_freed_memory() -> bool:
    """Collect garbage and return the heap's free pages to the system (glibc only); whether
    it could. Changes no value: only what was already freed is handed back."""
    gc.collect()
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
