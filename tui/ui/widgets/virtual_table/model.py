"""The table's pure model: the loaded rows (store.py), the filtered/sorted/restricted view, its jobs.

Kept apart from the widget so filtering and sorting can run in a thread worker on a snapshot
(a ``ViewJob``) and be tested without a terminal; the body only renders ``visible_row(i)``.
No Textual or Rich here (an import-linter contract holds it).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, Sequence

from tui.services.chunked import position_in_sorted
from tui.ui.widgets.virtual_table.cells import Cells, haystack, unpack_cells
from tui.ui.widgets.virtual_table.jobs import (
    SortKeys,
    TextKeys,
    ViewJob,
    ViewResult,
    _merge_sorted,
    column_keys,
)
from tui.ui.widgets.virtual_table.store import CellsWithComputed, Row, RowStore


class TableModel:
    """Loaded rows plus the current filter/sort view, with appends landing correctly in both."""

    def __init__(self) -> None:
        self._store = RowStore()
        self.needle = ""
        self.sort_column: int | None = None
        self.descending = False
        self.generation = 0
        self.pending = False
        self._view: array[int] | None = None
        self._indexed = 0
        self._keys: SortKeys | None = None
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
        self._computed: Callable[[int], tuple[str, ...]] | None = None
        self._with_computed: CellsWithComputed | None = None

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
        return self._store.payload(index)

    @property
    def rows(self) -> Sequence[Row]:
        """Every loaded row in arrival order (Row objects made on access)."""
        return self._store.rows()

    def row(self, index: int) -> Row:
        """Loaded row ``index`` (arrival order) as a Row."""
        return self._store.row(index)

    def cells(self, index: int) -> tuple[str, ...]:
        """The cells of loaded row ``index``, then the query's computed cells if it has any."""
        if self._computed is not None:
            return unpack_cells(self._cells[index]) + self._computed(index)
        return unpack_cells(self._cells[index])

    @property
    def computed(self) -> Callable[[int], tuple[str, ...]] | None:
        """The query's computed cells for a loaded row (appended after the stored ones)."""
        return self._computed

    @computed.setter
    def computed(self, computed: Callable[[int], tuple[str, ...]] | None) -> None:
        # Sort keys made from the old computed cells are stale; the next plan remakes them.
        self._computed = computed
        self._with_computed = None
        self._keys = None
        self._numeric = None

    @property
    def _cells(self) -> list[Cells]:
        return self._store.cells

    def _searched(self) -> Sequence[Cells]:
        """Each row's cells as the filter and sort read them: stored, then any computed ones."""
        if self._computed is None:
            return self._store.cells
        made = self._with_computed
        if made is None or made.cells is not self._store.cells:
            made = self._with_computed = CellsWithComputed(self._store.cells, self._computed)
        return made

    def json_source(
        self, keys: Sequence[str], fallback: Callable[[int], object] | None = None
    ) -> Callable[[int], object]:
        """Row ``i``'s JSON from a snapshot of the store (safe in a thread): its payload, else
        ``fallback(i)`` (the pane's compact item store), else its cells by ``keys``."""
        return self._store.json_source(keys, fallback)

    def style(self, index: int) -> str:
        """The style name of loaded row ``index`` ('' for none)."""
        return self._store.style(index)

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
        rows = self._store.rows()
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
        stored = self._searched()
        for offset in range(1, count + 1):
            position = (start + step * offset) % count
            if folded in haystack(stored[self.row_index(position)]).casefold():
                return position
        return None

    # -- changing --------------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every row (the filter and sort settings stay)."""
        self._store = RowStore()
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
            self._store.add(rows)
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
        self._store.add_first(rows)
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
            stored = self._searched()
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
                self._searched(),
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
            self._searched(),
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
        stored = self._searched()
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
        # Kept keys grow in place (jobs.SortKeys); a job sharing them reads only its own rows'.
        keys = self._keys
        assert isinstance(keys, (array, TextKeys)), "a finished job's keys (jobs.kept_keys)"
        keys.extend(more)  # type: ignore[arg-type]
        self._view = _merge_sorted(view, fresh, keys.__getitem__, self.descending)
