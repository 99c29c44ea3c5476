"""The UI-free row store behind VirtualTable: loaded rows, the filtered/sorted view, and its jobs.

Kept apart from the widget so filtering and sorting can run in a thread worker on a snapshot
(a ``ViewJob``) and be tested without a terminal; the widget only renders ``visible_row(i)``.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Align = Literal["left", "right", "center"]
SortKey = float | str


@dataclass(frozen=True)
class Column:
    """One table column: fixed ``width`` or a ``ratio`` share of the free space, never below ``min_width``."""

    key: str
    label: str
    width: int | None = None
    min_width: int = 4
    ratio: int = 1
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Row:
    """One loaded item: ``key`` is its id/ARN, ``cells`` untrusted text, ``payload`` the raw item."""

    key: str
    cells: tuple[str, ...]
    style: str = ""
    payload: object = None


@dataclass(frozen=True)
class ViewJob:
    """A snapshot of what the view should be, computed away from the UI thread."""

    generation: int
    rows: list[Row]
    count: int
    needle: str
    sort_column: int | None
    descending: bool
    keys: list[SortKey] | None
    numeric: bool | None
    candidates: array[int] | None


@dataclass
class ViewResult:
    """The computed view for ``generation``: indices into the rows, plus the sort keys it built."""

    generation: int
    count: int
    needle: str
    view: array[int]
    keys: list[SortKey] | None = None
    numeric: bool | None = None
    sort_column: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


def row_matches(row: Row, needle: str) -> bool:
    """Whether any cell of ``row`` contains ``needle`` (already casefolded)."""
    return needle in "\x00".join(row.cells).casefold()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return math.inf if math.isnan(value) else value


def column_keys(
    rows: Sequence[Row], column: int, start: int, stop: int, numeric: bool | None
) -> tuple[list[SortKey], bool]:
    """Sort keys for ``rows[start:stop]`` in ``column``: floats if every cell is a number, else casefolded text.

    ``numeric=None`` decides from the cells; a later non-number in a numeric column sorts last.
    """
    cells = [row.cells[column] if column < len(row.cells) else "" for row in rows[start:stop]]
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
    """Filter then sort ``job.rows[:job.count]``; pure and thread-safe (reads only the snapshot)."""
    rows = job.rows
    if job.candidates is not None:
        source: Sequence[int] = job.candidates
    else:
        source = range(job.count)
    if job.needle:
        needle = job.needle
        view = array("q", (i for i in source if needle in "\x00".join(rows[i].cells).casefold()))
    else:
        view = array("q", source)
    result = ViewResult(job.generation, job.count, job.needle, view)
    if job.sort_column is not None:
        keys = job.keys if job.keys is not None else []
        numeric = job.numeric
        if len(keys) < job.count:
            more, numeric = column_keys(rows, job.sort_column, len(keys), job.count, numeric)
            keys = keys + more
        ordered = sorted(view, key=keys.__getitem__, reverse=job.descending)
        result.view = array("q", ordered)
        result.keys = keys
        result.numeric = numeric
        result.sort_column = job.sort_column
    return result


class TableModel:
    """Loaded rows plus the current filter/sort view, with appends landing correctly in both."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.needle = ""
        self.sort_column: int | None = None
        self.descending = False
        self.generation = 0
        self.pending = False
        self._view: array[int] | None = None
        self._indexed = 0
        self._keys: list[SortKey] | None = None
        self._numeric: bool | None = None
        self._view_needle = ""

    # -- reading -------------------------------------------------------------------------
    @property
    def loaded_count(self) -> int:
        """Every row loaded, whatever the filter."""
        return len(self.rows)

    @property
    def visible_count(self) -> int:
        """Rows in the current (filtered/sorted) view."""
        return len(self.rows) if self._view is None else len(self._view)

    @property
    def has_view(self) -> bool:
        """Whether a filter or sort is in effect (the view is not simply every row in order)."""
        return self._view is not None

    def row_index(self, position: int) -> int:
        """Index into ``rows`` of the row shown at ``position`` of the view."""
        return position if self._view is None else self._view[position]

    def visible_row(self, position: int) -> Row:
        """The row shown at ``position`` of the view."""
        return self.rows[self.row_index(position)]

    def position_of(self, index: int) -> int | None:
        """Where row ``index`` sits in the view, or None if the filter hides it."""
        if self._view is None:
            return index if 0 <= index < len(self.rows) else None
        try:
            return self._view.index(index)
        except ValueError:
            return None

    def snapshot(self) -> tuple[list[Row], array[int] | range]:
        """The rows and a frozen copy of the view order, safe to iterate from another thread."""
        if self._view is None:
            return self.rows, range(len(self.rows))
        return self.rows, array("q", self._view)

    def iter_visible(self) -> Iterator[Row]:
        """The visible rows in view order, from a snapshot taken when iteration starts."""
        rows, order = self.snapshot()
        for index in order:
            yield rows[index]

    def find(self, needle: str, start: int, step: int) -> int | None:
        """The next view position from ``start`` (exclusive, wrapping) whose row contains ``needle``."""
        count = self.visible_count
        if not needle or count == 0:
            return None
        folded = needle.casefold()
        rows = self.rows
        for offset in range(1, count + 1):
            position = (start + step * offset) % count
            if folded in "\x00".join(rows[self.row_index(position)].cells).casefold():
                return position
        return None

    # -- changing --------------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every row (the filter and sort settings stay)."""
        self.rows = []
        self._keys = None
        self._numeric = None
        self._indexed = 0
        self.generation += 1
        self.pending = False
        self._view = None if not (self.needle or self.sort_column is not None) else array("q")

    def append(self, rows: Sequence[Row]) -> None:
        """Add rows; while no job is pending they land at once in the filtered/sorted view."""
        self.rows.extend(rows)
        if self._view is not None and not self.pending:
            self._incorporate()

    def set_filter(self, needle: str) -> ViewJob | None:
        """Change the filter text; returns the job to run, or None when the view is simply every row."""
        self.needle = needle.casefold()
        return self._plan()

    def set_sort(self, column: int | None, descending: bool = False) -> ViewJob | None:
        """Sort by ``column`` (None: arrival order); returns the job to run, if any."""
        if column != self.sort_column:
            self._keys = None
            self._numeric = None
        self.sort_column = column
        self.descending = descending
        return self._plan()

    def apply(self, result: ViewResult) -> bool:
        """Install a computed view unless a newer job superseded it; rows loaded since are merged in."""
        if result.generation != self.generation:
            return False
        self.pending = False
        self._view = result.view
        self._view_needle = result.needle
        self._indexed = result.count
        if result.sort_column is not None and result.sort_column == self.sort_column:
            self._keys = result.keys
            self._numeric = result.numeric
        self._incorporate()
        return True

    def _plan(self) -> ViewJob | None:
        self.generation += 1
        if not self.needle and self.sort_column is None:
            self._view = None
            self._view_needle = ""
            self.pending = False
            return None
        self.pending = True
        candidates = None
        # Narrowing an unsorted filter only needs to look at the rows the last filter kept.
        if (
            self._view is not None
            and self.sort_column is None
            and self._view_needle
            and self._view_needle in self.needle
        ):
            candidates = array("q", self._view)
        count = self._indexed if candidates is not None else len(self.rows)
        keys = list(self._keys) if self._keys is not None else None
        return ViewJob(
            self.generation,
            self.rows,
            count,
            self.needle,
            self.sort_column,
            self.descending,
            keys,
            self._numeric,
            candidates,
        )

    def _incorporate(self) -> None:
        """Merge rows ``[_indexed, len(rows))`` into the view, keeping filter and sort order."""
        view = self._view
        start, stop = self._indexed, len(self.rows)
        self._indexed = stop
        if view is None or start >= stop:
            return
        needle = self._view_needle
        fresh = [i for i in range(start, stop) if not needle or row_matches(self.rows[i], needle)]
        if self.sort_column is None or self._keys is None:
            view.extend(fresh)
            return
        more, _ = column_keys(self.rows, self.sort_column, len(self._keys), stop, self._numeric)
        self._keys.extend(more)
        keys = self._keys
        self._view = _merge_sorted(view, fresh, keys.__getitem__, self.descending)


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


def layout_widths(columns: Sequence[Column], width: int, gap: int = 1) -> list[int]:
    """Column widths that fill ``width``: fixed widths first, the rest shared by ratio, none below min_width.

    When even the minimum widths do not fit, the total exceeds ``width`` and the table scrolls sideways.
    """
    if not columns:
        return []
    free = width - gap * (len(columns) - 1)
    widths = [column.width or 0 for column in columns]
    flexible = [i for i, column in enumerate(columns) if column.width is None]
    free -= sum(widths)
    # Give every flexible column its share; pin those whose share is below the minimum and repeat.
    remaining = list(flexible)
    while remaining:
        total_ratio = sum(max(columns[i].ratio, 1) for i in remaining)
        pinned = [
            i
            for i in remaining
            if free * max(columns[i].ratio, 1) / total_ratio < columns[i].min_width
        ]
        if not pinned:
            break
        for i in pinned:
            widths[i] = columns[i].min_width
            free -= columns[i].min_width
            remaining.remove(i)
    if remaining:
        total_ratio = sum(max(columns[i].ratio, 1) for i in remaining)
        given = 0
        for i in remaining:
            share = free * max(columns[i].ratio, 1) // total_ratio
            widths[i] = share
            given += share
        for i in reversed(remaining[-(free - given) :] if free > given else []):
            widths[i] += 1
    return widths
