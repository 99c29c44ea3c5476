"""CPU-heavy work for a worker thread, cut into pieces that let the UI thread have the GIL.

Why: a thread waiting for the GIL gets it when the holder lets go: after the switch interval
(``sys.getswitchinterval()``, 5 ms by default) of Python code, and never in the middle of one C
call (``sorted`` or ``array(...)`` over a million items holds it for tens or hundreds of
milliseconds). The event loop lets go of the GIL at every wake-up (``select``), so while a
worker sorted a million rows every wake-up waited up to 5 ms, several per key press, plus the
length of any big C call: key-to-paint reached 100 ms and more. Here no single C call covers
more than a few thousand items (about a millisecond), and while such work runs the switch
interval is lowered (``responsive``), so a waiting event loop gets the GIL back within about a
millisecond. Results are exactly those of the one big call.
"""

from __future__ import annotations

import sys
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

STEP = 2048
"""Items per C call (a slice copied, keys made): well under a millisecond."""

RUN = 4096
"""Items per sorted run (one ``sorted`` call: about a millisecond for text keys)."""

PIECE = 4096
"""Items taken from each side per step of a merge (one ``sorted`` of two sorted pieces)."""

FEW = 4096
"""Up to this many distinct keys, a sort places items into one bucket per key instead."""

SWITCH_INTERVAL = 0.0005
"""The switch interval while chunked work runs: how long a waiting event loop waits at most."""

_lock = threading.Lock()
_running = 0
_saved = 0.0


@contextmanager
def responsive() -> Iterator[None]:
    """Lower the interpreter's switch interval while the enclosed work runs (nested and threads alike).

    Why not a ``time.sleep(0)`` between pieces: under load it gives the CPU away to other
    processes (~4 ms a call measured with 8 busy processes on 2 cores), whereas a short switch
    interval costs nothing while no other thread wants the GIL. The old interval comes back when
    the last such work ends.
    """
    global _running, _saved
    with _lock:
        if _running == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, SWITCH_INTERVAL))
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                sys.setswitchinterval(_saved)


class Pacer:
    """Called between pieces of work: raises ``error`` once ``stop()`` says the work is superseded."""

    def __init__(
        self, stop: Callable[[], bool] | None = None, error: type[Exception] | None = None
    ) -> None:
        self._stop = stop
        self._error = error

    def stopped(self) -> bool:
        """Whether the work should stop now (its ``stop`` says so)."""
        return self._stop is not None and self._stop()

    def __call__(self) -> None:
        """Between two pieces: raise ``error`` if the work was stopped."""
        if self._error is not None and self._stop is not None and self._stop():
            raise self._error


def _never() -> None:
    return None


def copy_indices(source: Sequence[int], pace: Callable[[], None] = _never) -> array[int]:
    """``array("q", source)``, built a slice at a time (a range or an array of a million items)."""
    out = array("q")
    for start in range(0, len(source), STEP * 8):
        out.extend(array("q", source[start : start + STEP * 8]))
        pace()
    return out


def sort_indices(
    view: Sequence[int],
    key: Callable[[int], Any],
    descending: bool = False,
    pace: Callable[[], None] = _never,
) -> array[int]:
    """``view`` sorted by ``key`` exactly as ``sorted(view, key=key, reverse=descending)`` (stable).

    A column with few distinct values (an event name, an operation) is sorted by bucketing
    (one pass, in view order, so ties stay in order); otherwise runs of ``RUN`` items are
    sorted, then merged two by two in pieces: each piece is one ``sorted`` of two already
    sorted slices, which Timsort merges in linear time.
    """
    few = _sort_few(view, key, descending, pace)
    if few is not None:
        return few
    runs: list[array[int]] = []
    for start in range(0, len(view), RUN):
        runs.append(array("q", sorted(view[start : start + RUN], key=key, reverse=descending)))
        pace()
    while len(runs) > 1:
        merged = [
            _merge(runs[i], runs[i + 1], key, descending, pace) for i in range(0, len(runs) - 1, 2)
        ]
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return runs[0] if runs else array("q")


def _sort_few(
    view: Sequence[int], key: Callable[[int], Any], descending: bool, pace: Callable[[], None]
) -> array[int] | None:
    """``view`` sorted by bucketing when its keys take at most ``FEW`` values, else None."""
    distinct: set[Any] = set()
    for start in range(0, len(view), STEP * 4):
        distinct.update(map(key, view[start : start + STEP * 4]))
        if len(distinct) > FEW:
            return None
        pace()
    order = sorted(distinct, reverse=descending)
    rank = {k: r for r, k in enumerate(order)}.__getitem__
    buckets = [array("q") for _ in order]
    appenders = [bucket.append for bucket in buckets]
    for start in range(0, len(view), STEP):
        chunk = view[start : start + STEP]
        for index, r in zip(chunk, map(rank, map(key, chunk)), strict=True):
            appenders[r](index)
        pace()
    out = array("q")
    for bucket in buckets:
        out.extend(bucket)
        pace()
    return out


def _merge(
    a: array[int],
    b: array[int],
    key: Callable[[int], Any],
    descending: bool,
    pace: Callable[[], None],
) -> array[int]:
    """Sorted ``a`` then ``b`` merged stably (on equal keys ``a``'s items first), in pieces."""
    out = array("q")
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        i2 = min(na, i + PIECE)
        # b's items that sort strictly before a[i2 - 1] come into this piece (equal ones after it).
        j2 = _boundary(b, j, nb, key(a[i2 - 1]), key, descending, strict=True)
        if j2 - j > PIECE:
            # Too many: take a piece of b instead, and a's items that sort before or with its last.
            j2 = j + PIECE
            i2 = _boundary(a, i, na, key(b[j2 - 1]), key, descending, strict=False)
        out.extend(array("q", sorted(a[i:i2] + b[j:j2], key=key, reverse=descending)))
        i, j = i2, j2
        pace()
    out.extend(a[i:])
    out.extend(b[j:])
    return out


def _boundary(
    seq: array[int],
    lo: int,
    hi: int,
    pivot: Any,
    key: Callable[[int], Any],
    descending: bool,
    *,
    strict: bool,
) -> int:
    """The first position in ``seq[lo:hi]`` (sorted by ``key``) whose item does not sort before ``pivot``.

    "Before" is strictly before with ``strict``, else before or equal (in the sort's direction).
    """
    while lo < hi:
        mid = (lo + hi) // 2
        k = key(seq[mid])
        if descending:
            before = k > pivot if strict else k >= pivot
        else:
            before = k < pivot if strict else k <= pivot
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo


def position_in_sorted(
    view: Sequence[int], index: int, key: Callable[[int], Any], descending: bool
) -> int | None:
    """Where ``index`` sits in ``view``, sorted by ``key`` with equal keys in ascending index order.

    A binary search (O(log n)) instead of ``view.index`` (O(n): 20 ms on the UI thread for a
    million rows). The stable sorts and merges of the view keep equal keys in index order.
    """
    pivot = key(index)
    lo, hi = 0, len(view)
    while lo < hi:
        mid = (lo + hi) // 2
        here = view[mid]
        k = key(here)
        before = here < index if k == pivot else k > pivot if descending else k < pivot
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(view) and view[lo] == index else None
