"""Hand the C allocator's free memory back to the OS now and then, off the UI thread.

Why: paging packs each page in the worker that fetched it (its JSON joined, then compressed)
and the store copies the result into shared memory (``tui/services/arena.py``); the worker's
buffers are then freed, but glibc keeps freed memory of its per-thread heaps resident. At
200,000 event logs that was ~11 MB (~55 bytes a row) that ``malloc_trim(0)`` returned at once.
``malloc_trim`` is a C call made through ctypes, which releases the GIL: in a thread of its own
it costs the UI thread nothing. Only where the C library has it (glibc); elsewhere a no-op.
This module never imports textual or rich.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from collections.abc import Callable

MIN_GAP = 2.0
"""Seconds at least between two trims (a trim walks every free chunk of every heap)."""

_lock = threading.Lock()
_running = False
_last = float("-inf")


def _find_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_trim = _find_trim()


def trim_soon() -> bool:
    """Trim the C heaps in a short-lived thread, unless one runs or ran in the last ``MIN_GAP`` s.

    True if a trim was started. Never blocks the caller.
    """
    global _running, _last
    if _trim is None:
        return False
    with _lock:
        now = time.monotonic()
        if _running or now - _last < MIN_GAP:
            return False
        _running, _last = True, now
    threading.Thread(target=_run, name="eventdeck-memtrim", daemon=True).start()
    return True


def _run() -> None:
    global _running
    try:
        if _trim is not None:
            _trim(0)
    finally:
        with _lock:
            _running = False
