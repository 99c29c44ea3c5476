"""The UI-free row store behind VirtualTable: loaded rows, the filtered/sorted view, and its jobs.

Kept apart from the widget so filtering and sorting can run in a thread worker on a snapshot
(a ``ViewJob``) and be tested without a terminal; the widget only renders ``visible_row(i)``.

Rows are stored compactly, not as ``Row`` objects: a row's cells as one string joined by a
separator (a tuple only when a cell holds the separator), and keys, styles and payloads in lists
that exist only once some row needs them. A million rows of six short cells then take ~150 bytes
each instead of ~500 (a Row, a tuple and six string objects); ``Row`` objects are made on demand.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.services.chunked import (
    STEP,
    Pacer,
    copy_indices,
    position_in_sorted,
    responsive,
    sort_indices,
)
from tui.services.query import item_json
from tui.ui.widgets.virtual_table_cells import Cells, cell_at, haystack, pack_cells, unpack_cells

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
    keys: list[SortKey] | None = field(repr=False)
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
    keys: list[SortKey] | None = None
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


def _sort_keys(job: ViewJob, pace: Pacer) -> tuple[list[SortKey], bool | None]:
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
    return keys, numeric


class TableModel:
    """Loaded rows plus the current filter/sort view, with appends landing correctly in both."""

    def __init__(self) -> None:
        self._cells: list[Cells] = []
        # Each list below exists only once a row needs it (None: every row so far has the default).
        self._row_keys: list[str | None] | None = None  # a None entry: the key is the first cell
        self._styles: list[str] | None = None
        self._payloads: list[object] | None = None
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
        self._view_sorted_by: tuple[int, bool] | None = None
        """The (column, descending) the view is sorted by; None: it holds ascending row indices."""
        # The query bar's restriction: the matching row indices among rows [0, _restrict_upto),
        # and the test that decides rows loaded after (None: no query in effect).
        self._restrict: array[int] | None = None
        self._restrict_test: Callable[[int], bool] | None = None
        self._restrict_upto = 0
        self.epoch = 0
        """Bumped whenever loaded rows are dropped (clear): indices kept elsewhere are stale."""
        self.computed: Callable[[int], tuple[str, ...]] | None = None
        """The query's computed cells for a loaded row (appended after the stored ones)."""

    # -- reading -------------------------------------------------------------------------
    @property
    def loaded_count(self) -> int:
        """Every row loaded, whatever the filter."""
        return len(self._cells)

    @property
    def visible_count(self) -> int:
        """Rows in the current (filtered/sorted) view."""
        return len(self._cells) if self._view is None else len(self._view)

    @property
    def has_view(self) -> bool:
        """Whether a filter or sort is in effect (the view is not simply every row in order)."""
        return self._view is not None

    @property
    def restricted(self) -> bool:
        """Whether a query restricts the view to its matches."""
        return self._restrict_test is not None

    def payload(self, index: int) -> object:
        """The payload of loaded row ``index`` (None when it has none)."""
        return self._payloads[index] if self._payloads is not None else None

    @property
    def rows(self) -> Sequence[Row]:
        """Every loaded row in arrival order (Row objects made on access)."""
        return _RowsView(self)

    def row(self, index: int) -> Row:
        """Loaded row ``index`` (arrival order) as a Row."""
        return _make_row(self._cells, self._row_keys, self._styles, self._payloads, index)

    def cells(self, index: int) -> tuple[str, ...]:
        """The cells of loaded row ``index``, then the query's computed cells if it has any."""
        if self.computed is not None:
            return unpack_cells(self._cells[index]) + self.computed(index)
        return unpack_cells(self._cells[index])

    def json_source(
        self, keys: Sequence[str], fallback: Callable[[int], object] | None = None
    ) -> Callable[[int], object]:
        """Row ``i``'s JSON from a snapshot of the store (safe in a thread): its payload, else
        ``fallback(i)`` (the pane's compact item store), else its cells by ``keys``."""
        cells, payloads = self._cells, self._payloads

        def item_at(index: int) -> object:
            payload = payloads[index] if payloads is not None else None
            if payload is None and fallback is not None:
                payload = fallback(index)
            if payload is None:
                return dict(zip(keys, unpack_cells(cells[index]), strict=False))
            return item_json(payload)

        return item_at

    def style(self, index: int) -> str:
        """The style name of loaded row ``index`` ('' for none)."""
        return self._styles[index] if self._styles is not None else ""

    def row_index(self, position: int) -> int:
        """Index into ``rows`` of the row shown at ``position`` of the view."""
        return position if self._view is None else self._view[position]

    def visible_row(self, position: int) -> Row:
        """The row shown at ``position`` of the view."""
        return self.row(self.row_index(position))

    def position_of(self, index: int) -> int | None:
        """Where row ``index`` sits in the view, or None if the filter hides it.

        A binary search, not ``view.index``: that walks the view (20 ms of the UI thread for a
        million rows, after every filter and sort). An unsorted view holds ascending indices; a
        sorted one is ordered by its keys, equal keys in ascending index order (stable sorts).
        """
        view = self._view
        if view is None:
            return index if 0 <= index < len(self._cells) else None
        if self._view_sorted_by is None:
            position = bisect.bisect_left(view, index)
            return position if position < len(view) and view[position] == index else None
        column, descending = self._view_sorted_by
        keys = self._keys
        if column == self.sort_column and keys is not None and 0 <= index < len(keys):
            return position_in_sorted(view, index, keys.__getitem__, descending)
        try:
            return view.index(index)
        except ValueError:
            return None

    def snapshot(self) -> tuple[Sequence[Row], array[int] | range]:
        """The rows and a frozen copy of the view order, safe to iterate from another thread."""
        rows = _RowsView(self)
        if self._view is None:
            return rows, range(len(self._cells))
        return rows, array("q", self._view)

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
        stored = self._cells
        for offset in range(1, count + 1):
            position = (start + step * offset) % count
            if folded in haystack(stored[self.row_index(position)]).casefold():
                return position
        return None

    # -- changing --------------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every row (the filter and sort settings stay)."""
        self._cells = []
        self._row_keys = self._styles = self._payloads = None
        self.epoch += 1
        self._keys = None
        self._numeric = None
        self._indexed = 0
        self.generation += 1
        self.pending = False
        if self._restrict is not None:
            self._restrict = array("q")
            self._restrict_upto = 0
        self._view = (
            None
            if not (self.needle or self.sort_column is not None or self.restricted)
            else array("q")
        )
        self._view_sorted_by = None

    def append(self, rows: Sequence[Row]) -> None:
        """Add rows; while no job is pending they land at once in the filtered/sorted view."""
        if rows:
            self._store(rows)
        if self._view is not None and not self.pending:
            self._incorporate()

    def prepend(self, rows: Sequence[Row]) -> ViewJob | None:
        """Put ``rows`` before every loaded row (follow mode's newest items); returns the view job to run.

        The store's lists are replaced, not changed in place, so a snapshot another thread holds
        stays valid; a filtered/sorted view is shifted at once and recomputed by the job.
        """
        if not rows:
            return None
        n = len(rows)
        old = (self._cells, self._row_keys, self._styles, self._payloads)
        count = len(self._cells)
        self._cells, self._row_keys, self._styles, self._payloads = [], None, None, None
        self._store(rows)
        fresh = (self._cells, self._row_keys, self._styles, self._payloads)
        self._cells = fresh[0] + old[0]
        if fresh[1] is not None or old[1] is not None:
            no_keys: list[str | None] = [None] * (n + count)
            self._row_keys = (fresh[1] or no_keys[:n]) + (old[1] or no_keys[:count])
        if fresh[2] is not None or old[2] is not None:
            self._styles = (fresh[2] or [""] * n) + (old[2] or [""] * count)
        if fresh[3] is not None or old[3] is not None:
            self._payloads = (fresh[3] or [None] * n) + (old[3] or [None] * count)
        self._keys = None
        self._numeric = None
        self.epoch += 1  # row indices moved: the density line recounts
        if self._restrict is not None:
            # The query's matches shift with the rows; the new rows are tested as they land.
            test = self._restrict_test
            head = [i for i in range(n) if test is not None and test(i)]
            self._restrict = array("q", head + [i + n for i in self._restrict])
            self._restrict_upto += n
        if self._view is None:
            self._indexed = len(self._cells)
            return None
        self._view = array("q", (i + n for i in self._view))
        self._view_needle = ""  # the job looks at every row, not the old view's candidates
        return self._plan()

    def _store(self, rows: Sequence[Row]) -> None:
        start = len(self._cells)
        self._cells.extend([pack_cells(row.cells) for row in rows])
        if self._row_keys is not None or any(
            not row.cells or row.key != row.cells[0] for row in rows
        ):
            if self._row_keys is None:
                self._row_keys = [None] * start
            self._row_keys.extend(
                None if row.cells and row.key == row.cells[0] else row.key for row in rows
            )
        if self._styles is not None or any(row.style for row in rows):
            if self._styles is None:
                self._styles = [""] * start
            self._styles.extend(row.style for row in rows)
        if self._payloads is not None or any(row.payload is not None for row in rows):
            if self._payloads is None:
                self._payloads = [None] * start
            self._payloads.extend(row.payload for row in rows)

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
        self._view_sorted_by = (
            (result.sort_column, result.descending) if result.sort_column is not None else None
        )
        self._indexed = result.count
        if result.sort_column is not None and result.sort_column == self.sort_column:
            self._keys = result.keys
            self._numeric = result.numeric
        self._incorporate()
        return True

    # -- the query restriction (the query bar's matches go through the one view mechanism) -----
    def begin_restrict(self, test: Callable[[int], bool]) -> tuple[int, int]:
        """Start restricting the view to a query's matches; returns (generation, rows to scan).

        The view empties and fills as ``extend_restrict`` reports matches among the rows loaded
        now; rows loaded meanwhile wait (the model is pending) and ``test`` decides them later.
        """
        self.generation += 1
        self.pending = True
        self._restrict = array("q")
        self._restrict_test = test
        self._restrict_upto = len(self._cells)
        self._view = array("q")
        self._view_needle = self.needle
        self._view_sorted_by = None
        return self.generation, self._restrict_upto

    def extend_restrict(self, generation: int, found: Sequence[int]) -> bool:
        """Add a chunk of matches (ascending) from the scan of ``generation``; False if superseded.

        Unsorted, they show at once (the filter text applied); a sorted view waits for the end.
        """
        if generation != self.generation or self._restrict is None or self._view is None:
            return False
        self._restrict.extend(found)
        if self.sort_column is None:
            needle = self.needle
            stored = self._cells
            self._view.extend(
                i for i in found if not needle or needle in haystack(stored[i]).casefold()
            )
        return True

    def finish_restrict(self, generation: int, upto: int) -> ViewJob | None:
        """The scan of ``generation`` covered rows up to ``upto``; returns the job that sorts/filters."""
        if generation != self.generation or self._restrict is None:
            return None
        self._restrict_upto = upto
        return self._plan()

    def lift_restrict(self) -> ViewJob | None:
        """Remove the query's restriction; returns the job to run, if any."""
        self._restrict = None
        self._restrict_test = None
        self._restrict_upto = 0
        return self._plan()

    def _plan(self) -> ViewJob | None:
        self.generation += 1
        if self._restrict is not None:
            self.pending = True
            return ViewJob(
                self.generation,
                self._cells,
                self._restrict_upto,
                self.needle,
                self.sort_column,
                self.descending,
                self._keys,  # shared: the job never changes it (it copies to extend)
                self._numeric,
                array("q", self._restrict),
            )
        if not self.needle and self.sort_column is None:
            self._view = None
            self._view_needle = ""
            self._view_sorted_by = None
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
        count = self._indexed if candidates is not None else len(self._cells)
        keys = self._keys  # shared: the job never changes it (it copies to extend)
        generation = self.generation
        return ViewJob(
            self.generation,
            self._cells,
            count,
            self.needle,
            self.sort_column,
            self.descending,
            keys,
            self._numeric,
            candidates,
            lambda: self.generation != generation,
        )

    def _incorporate(self) -> None:
        """Merge rows ``[_indexed, len(rows))`` into the view, keeping filter and sort order."""
        view = self._view
        start, stop = self._indexed, len(self._cells)
        self._indexed = stop
        if view is None or start >= stop:
            return
        needle = self._view_needle
        stored = self._cells
        candidates: Sequence[int] = range(start, stop)
        test, restrict = self._restrict_test, self._restrict
        if test is not None and restrict is not None:
            # New rows pass the query first; those that fail only the filter text still match it.
            candidates = [i for i in candidates if test(i)]
            restrict.extend(candidates)
            self._restrict_upto = stop
        fresh = [i for i in candidates if not needle or needle in haystack(stored[i]).casefold()]
        if self.sort_column is None or self._keys is None:
            view.extend(fresh)
            return
        more, _ = column_keys(stored, self.sort_column, len(self._keys), stop, self._numeric)
        self._keys.extend(more)
        keys = self._keys
        self._view = _merge_sorted(view, fresh, keys.__getitem__, self.descending)


def _make_row(
    cells: list[Cells],
    keys: list[str | None] | None,
    styles: list[str] | None,
    payloads: list[object] | None,
    index: int,
) -> Row:
    row_cells = unpack_cells(cells[index])
    key = keys[index] if keys is not None else None
    if key is None:
        key = row_cells[0]
    return Row(
        key,
        row_cells,
        styles[index] if styles is not None else "",
        payloads[index] if payloads is not None else None,
    )


class _RowsView(Sequence[Row]):
    """The rows loaded when it was made, as a read-only sequence of Row objects made on access.

    It holds the store's lists themselves: appends only extend them (the count bounds what is
    seen) and ``clear`` replaces them, so a snapshot stays valid from another thread.
    """

    def __init__(self, model: TableModel) -> None:
        self._lists = (model._cells, model._row_keys, model._styles, model._payloads)
        self._count = len(model._cells)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return _make_row(*self._lists, index % self._count)


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


def layout_widths(
    columns: Sequence[Column],
    width: int,
    gap: int = 1,
    hidden: Collection[str] = (),
    widths: Mapping[str, int] | None = None,
) -> list[int]:
    """Column widths for ``width`` cells, columns taken in priority order (the order declared).

    Each shown column first gets its floor (its fixed width, a width the user set, or its
    min_width) while that fits; the first that does not fit, and every one after it, keeps its
    floor past the right edge (the table scrolls sideways to it). The space left is shared by
    ratio among the flexible columns on screen. A hidden column gets 0.
    """
    chosen = widths or {}

    def fixed(column: Column) -> int | None:
        return chosen.get(column.key) or column.width

    out = [0] * len(columns)
    shown = [i for i, column in enumerate(columns) if column.key not in hidden]
    used = 0
    fit: list[int] = []
    for n, i in enumerate(shown):
        column = columns[i]
        floor = fixed(column) or column.min_width
        need = floor + (gap if n else 0)
        out[i] = floor
        if n and used + need > width:
            for j in shown[n + 1 :]:
                out[j] = fixed(columns[j]) or columns[j].min_width
            break
        used += need
        fit.append(i)
    flexible = [i for i in fit if fixed(columns[i]) is None]
    free = width - used + sum(out[i] for i in flexible)
    # Share the flexible space by ratio; pin a column whose share is below its minimum, repeat.
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
            out[i] = columns[i].min_width
            free -= columns[i].min_width
            remaining.remove(i)
    if remaining:
        total_ratio = sum(max(columns[i].ratio, 1) for i in remaining)
        given = 0
        for i in remaining:
            share = free * max(columns[i].ratio, 1) // total_ratio
            out[i] = share
            given += share
        for i in remaining[: free - given]:
            out[i] += 1
    return out
