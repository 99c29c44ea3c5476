"""The table's view jobs: filter then sort a snapshot of the rows, away from the UI thread.

Pure and thread-safe: a ``ViewJob`` is a snapshot the model plans (``TableModel._plan``),
``compute_view`` runs it (on the UI thread for small tables, in a thread worker for big ones)
and the model installs the ``ViewResult`` unless a newer job superseded it.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.services.chunked import STEP, Pacer, copy_indices, responsive, sort_indices
from tui.ui.widgets.virtual_table.cells import Cells, cell_at, haystack, pack_cells
from tui.ui.widgets.virtual_table.store import Row

SortKey = float | str
SortKeys = Sequence[SortKey]
"""A column's sort keys, one per row: a list while made, then kept where the GC need not walk them.

Why: a list of a million keys is one object, but every full collection of the cyclic GC walks
its million items: 7 ms idle, 20-25 ms under load, each time (several a second while the screen
repaints). A finished job keeps numbers in an ``array('d')`` (its items are not objects the GC
visits) and text in a tuple (untracked by the first collection that sees it, as every tuple
holding only strings is). The model makes a tuple a list again only when rows land under that
sort (one copy of the references, a few ms for a million).
"""


@dataclass(frozen=True)
class ViewJob:
    """A snapshot of what the view should be, computed away from the UI thread.

    The row data is left out of its repr: Textual describes a worker by ``repr(work)`` when
    given no description, and the repr of a million rows took 2.8 s on the UI thread.
    """

    generation: int
    rows: Sequence[Cells] = field(repr=False)
    count: int
    needle: str
    sort_column: int | None
    descending: bool
    keys: SortKeys | None = field(repr=False)
    numeric: bool | None
    candidates: array[int] | None = field(repr=False)
    stale: Callable[[], bool] | None = field(default=None, repr=False)
    """True once a newer job superseded this one: the worker stops early (``ViewCancelled``)."""


class ViewCancelled(Exception):
    """A view job gave up because a newer one superseded it (the user typed on)."""


@dataclass
class ViewResult:
    """The computed view for ``generation``: indices into the rows, plus the sort keys it built."""

    generation: int
    count: int
    needle: str
    view: array[int]
    keys: SortKeys | None = None
    numeric: bool | None = None
    sort_column: int | None = None
    descending: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def row_matches(row: Row | Cells, needle: str) -> bool:
    """Whether any cell of ``row`` (a Row or its stored cells) contains ``needle`` (casefolded)."""
    stored = pack_cells(row.cells) if isinstance(row, Row) else row
    return needle in haystack(stored).casefold()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return math.inf if math.isnan(value) else value


def column_keys(
    rows: Sequence[Cells], column: int, start: int, stop: int, numeric: bool | None
) -> tuple[list[SortKey], bool]:
    """Sort keys for stored rows ``rows[start:stop]`` in ``column``: floats if every cell is a number, else casefolded text.

    ``numeric=None`` decides from the cells; a later non-number in a numeric column sorts last.
    """
    cells = [cell_at(stored, column) for stored in rows[start:stop]]
    if numeric is None or numeric:
        floats: list[SortKey] = []
        for text in cells:
            if not text.strip():
                floats.append(-math.inf)
                continue
            value = _number(text)
            if value is None:
                if numeric:
                    floats.append(math.inf)
                    continue
                break
            floats.append(value)
        else:
            return floats, True
    return [text.casefold() for text in cells], False


def compute_view(job: ViewJob) -> ViewResult:
    """Filter then sort ``job.rows[:job.count]``; pure and thread-safe (reads only the snapshot).

    Every step runs in pieces of a few thousand rows (``tui/services/chunked.py``) with a short
    switch interval, so the UI thread waiting for the GIL gets it within about a millisecond;
    a newer job makes it stop between pieces (``ViewCancelled``).
    """
    with responsive():
        return _compute_view(job, Pacer(job.stale, ViewCancelled))


def _compute_view(job: ViewJob, pace: Pacer) -> ViewResult:
    rows = job.rows
    source: Sequence[int] = job.candidates if job.candidates is not None else range(job.count)
    if job.needle:
        needle = job.needle
        view = array("q")
        for start in range(0, len(source), STEP):
            chunk = source[start : start + STEP]
            view.extend([i for i in chunk if needle in haystack(rows[i]).casefold()])
            pace()
    else:
        view = copy_indices(source, pace)
    result = ViewResult(job.generation, job.count, job.needle, view)
    if job.sort_column is not None:
        keys, numeric = _sort_keys(job, pace)
        result.view = sort_indices(view, keys.__getitem__, job.descending, pace)
        result.keys = keys
        result.numeric = numeric
        result.sort_column = job.sort_column
        result.descending = job.descending
    return result


def _sort_keys(job: ViewJob, pace: Pacer) -> tuple[SortKeys, bool | None]:
    """The sort keys of rows ``[0, job.count)``: the job's own when complete (shared, never changed), else extended.

    Keys are made ``STEP`` rows at a time; one non-number in a column decided by its cells
    (``numeric=None``) makes the whole column text, and the earlier keys are made again as text.
    """
    given = job.keys
    numeric = job.numeric
    if given is not None and len(given) >= job.count:
        return given, numeric
    keys: list[SortKey] = []
    if given is not None:  # copied a slice at a time: the model's list stays as it is
        for start in range(0, len(given), STEP * 8):
            keys.extend(given[start : start + STEP * 8])
            pace()
    auto = numeric is None  # decided by the cells: one non-number makes the column text
    column = job.sort_column
    assert column is not None
    while len(keys) < job.count:
        done = len(keys)
        stop = min(job.count, done + STEP)
        more, kind = column_keys(job.rows, column, done, stop, None if auto else numeric)
        if auto and not kind:
            auto = False
            if done:  # earlier pieces were numbers: the whole column sorts as text
                keys = []
                for start in range(0, done, STEP):
                    keys.extend(
                        column_keys(job.rows, column, start, min(done, start + STEP), False)[0]
                    )
                    pace()
        numeric = kind
        keys.extend(more)
        pace()
    return kept_keys(keys, numeric, pace), numeric


def kept_keys(keys: list[SortKey], numeric: bool | None, pace: Callable[[], None]) -> SortKeys:
    """``keys`` as the model keeps them: numbers in an ``array('d')`` (made a slice at a time),
    text in a tuple (one copy of the references: a few ms for a million). See ``SortKeys``."""
    if numeric:
        out = array("d")
        for start in range(0, len(keys), STEP * 8):
            out.extend(keys[start : start + STEP * 8])  # type: ignore[arg-type]
            pace()
        return out
    return tuple(keys)


def _merge_sorted(
    view: array[int], fresh: list[int], key: Callable[[int], Any], descending: bool
) -> array[int]:
    """Insert ``fresh`` indices into sorted ``view``, after equal keys (stable), in O(n + m log n)."""
    fresh.sort(key=key, reverse=descending)
    pieces = array("q")
    previous = 0
    for index in fresh:
        k = key(index)
        lo, hi = previous, len(view)
        while lo < hi:
            mid = (lo + hi) // 2
            here = key(view[mid])
            after = here > k if descending is False else here < k
            if after:
                hi = mid
            else:
                lo = mid + 1
        pieces.extend(view[previous:lo])
        pieces.append(index)
        previous = lo
    pieces.extend(view[previous:])
    return pieces
