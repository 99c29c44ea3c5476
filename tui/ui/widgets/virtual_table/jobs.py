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

Why: a list or tuple of a million keys is one object, but a collection that sees it walks its
million items: a full collection 7 ms idle, 20-25 ms under load, each time; and a tuple, untracked
only by the first collection that sees it, cost that first one (a young one, in the frame after
the sort: 18 ms) all the same. A finished job keeps numbers in an ``array('d')`` and text in
``TextKeys`` (one UTF-8 buffer and where each key ends): nothing the GC tracks, ~1 byte a character
instead of an object a key, and both grow in place when rows land under the sort.
"""


class TextKeys(Sequence[str]):
    """Text sort keys, kept as one UTF-8 buffer and the offset where each key ends.

    A key is decoded when asked for (``keys[i]``: the model's binary searches and merges ask a
    few dozen times a landing); the sort itself runs on the list the job made (``to_list``).
    """

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends: array[int] = array("q")

    @classmethod
    def of(cls, keys: Sequence[str], pace: Callable[[], None] | None = None) -> TextKeys:
        """``keys`` packed (``STEP * 8`` at a time, ``pace`` between: a job can be superseded)."""
        out = cls()
        for start in range(0, len(keys), STEP * 8):
            out.extend(keys[start : start + STEP * 8])
            if pace is not None:
                pace()
        return out

    def extend(self, keys: Sequence[str]) -> None:
        """Add ``keys`` at the end (the rows that landed under the sort)."""
        encoded = [key.encode("utf-8", "surrogatepass") for key in keys]
        ends, data = self._ends, self._data
        end = len(data)
        for item in encoded:
            end += len(item)
            ends.append(end)
        data += b"".join(encoded)

    def __len__(self) -> int:
        return len(self._ends)

    def _key(self, index: int) -> str:
        ends = self._ends
        if index < 0:
            index += len(ends)
        start = ends[index - 1] if index > 0 else 0
        return self._data[start : ends[index]].decode("utf-8", "surrogatepass")

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._key(i) for i in range(*index.indices(len(self._ends)))]
        return self._key(index)

    def to_list(self, pace: Callable[[], None] | None = None) -> list[str]:
        """Every key as a string (what a sort's key function reads at C speed)."""
        out: list[str] = []
        for start in range(0, len(self._ends), STEP * 8):
            out.extend(self[start : start + STEP * 8])
            if pace is not None:
                pace()
        return out


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
        # Sorted by a list of text keys (read at C speed), then kept as TextKeys (see SortKeys).
        text = keys.to_list(pace) if isinstance(keys, TextKeys) else keys
        result.view = sort_indices(view, text.__getitem__, job.descending, pace)
        result.keys = kept_keys(keys, numeric, pace) if isinstance(keys, list) else keys
        result.numeric = numeric
        result.sort_column = job.sort_column
        result.descending = job.descending
    return result


def _sort_keys(job: ViewJob, pace: Pacer) -> tuple[SortKeys, bool | None]:
    """The sort keys of rows ``[0, job.count)``: the job's own when complete (shared, never changed), else a list.

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
    return keys, numeric


def kept_keys(keys: list[SortKey], numeric: bool | None, pace: Callable[[], None]) -> SortKeys:
    """``keys`` as the model keeps them: numbers in an ``array('d')``, text in ``TextKeys``, each
    made a slice at a time. See ``SortKeys``."""
    if numeric:
        out = array("d")
        for start in range(0, len(keys), STEP * 8):
            out.extend(keys[start : start + STEP * 8])  # type: ignore[arg-type]
            pace()
        return out
    return TextKeys.of(keys, pace)  # type: ignore[arg-type]


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
