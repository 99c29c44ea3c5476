"""The loaded rows, stored compactly: the part of the table's model that only grows (or is dropped).

Rows are not kept as ``Row`` objects: a row's cells are one string joined by a separator (a tuple
only when a cell holds the separator), and keys, styles and payloads sit in lists that exist only
once some row needs them. A million rows of six short cells then take ~150 bytes each instead of
~500 (a Row, a tuple and six string objects); ``Row`` objects are made on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.services.query import item_json
from tui.ui.widgets.virtual_table.cells import Cells, pack_cells, unpack_cells


@dataclass(frozen=True, slots=True)
class Row:
    """One loaded item: ``key`` is its id/ARN, ``cells`` untrusted text, ``payload`` the raw item."""

    key: str
    cells: tuple[str, ...]
    style: str = ""
    payload: object = None


class RowStore:
    """Loaded rows in arrival order; lists are extended or replaced, never changed in place.

    Why: a snapshot another thread holds (a view job, an export) then stays valid.
    """

    def __init__(self) -> None:
        self.cells: list[Cells] = []
        # Each list below exists only once a row needs it (None: every row so far has the default).
        self.keys: list[str | None] | None = None  # a None entry: the key is the first cell
        self.styles: list[str] | None = None
        self.payloads: list[object] | None = None

    def __len__(self) -> int:
        return len(self.cells)

    def row(self, index: int) -> Row:
        """Row ``index`` as a Row."""
        return _make_row(self.cells, self.keys, self.styles, self.payloads, index)

    def payload(self, index: int) -> object:
        """The payload of row ``index`` (None when it has none)."""
        return self.payloads[index] if self.payloads is not None else None

    def style(self, index: int) -> str:
        """The style name of row ``index`` ('' for none)."""
        return self.styles[index] if self.styles is not None else ""

    def rows(self) -> Sequence[Row]:
        """The rows stored now, as a read-only sequence safe to read from another thread."""
        return _RowsView(self)

    def json_source(
        self, keys: Sequence[str], fallback: Callable[[int], object] | None = None
    ) -> Callable[[int], object]:
        """Row ``i``'s JSON from a snapshot of the store (safe in a thread): its payload, else
        ``fallback(i)`` (the pane's compact item store), else its cells by ``keys``."""
        cells, payloads = self.cells, self.payloads

        def item_at(index: int) -> object:
            payload = payloads[index] if payloads is not None else None
            if payload is None and fallback is not None:
                payload = fallback(index)
            if payload is None:
                return dict(zip(keys, unpack_cells(cells[index]), strict=False))
            return item_json(payload)

        return item_at

    def add(self, rows: Sequence[Row]) -> None:
        """Store ``rows`` after the others."""
        start = len(self.cells)
        self.cells.extend([pack_cells(row.cells) for row in rows])
        if self.keys is not None or any(not row.cells or row.key != row.cells[0] for row in rows):
            if self.keys is None:
                self.keys = [None] * start
            self.keys.extend(
                None if row.cells and row.key == row.cells[0] else row.key for row in rows
            )
        if self.styles is not None or any(row.style for row in rows):
            if self.styles is None:
                self.styles = [""] * start
            self.styles.extend(row.style for row in rows)
        if self.payloads is not None or any(row.payload is not None for row in rows):
            if self.payloads is None:
                self.payloads = [None] * start
            self.payloads.extend(row.payload for row in rows)

    def add_first(self, rows: Sequence[Row]) -> None:
        """Store ``rows`` before the others (follow mode's newest items), in new lists."""
        n = len(rows)
        old = (self.cells, self.keys, self.styles, self.payloads)
        count = len(self.cells)
        self.cells, self.keys, self.styles, self.payloads = [], None, None, None
        self.add(rows)
        fresh = (self.cells, self.keys, self.styles, self.payloads)
        self.cells = fresh[0] + old[0]
        if fresh[1] is not None or old[1] is not None:
            no_keys: list[str | None] = [None] * (n + count)
            self.keys = (fresh[1] or no_keys[:n]) + (old[1] or no_keys[:count])
        if fresh[2] is not None or old[2] is not None:
            self.styles = (fresh[2] or [""] * n) + (old[2] or [""] * count)
        if fresh[3] is not None or old[3] is not None:
            self.payloads = (fresh[3] or [None] * n) + (old[3] or [None] * count)


class CellsWithComputed(Sequence[Cells]):
    """Stored cells with a query's computed cells appended, as the filter and sort read them.

    Why: a computed column (``col NAME = EXPR``) is sorted by and matched like any other, through
    the same view jobs; each row's computed cells are made once (on first read, in whichever
    thread) and kept until the rows or the query change.
    """

    def __init__(self, cells: list[Cells], computed: Callable[[int], tuple[str, ...]]) -> None:
        self.cells = cells
        self.computed = computed
        self._made: dict[int, Cells] = {}

    def __len__(self) -> int:
        return len(self.cells)

    def unmade(self, count: int) -> int:
        """How many of the first ``count`` rows have no computed cells made yet (an estimate)."""
        return max(0, count - len(self._made))

    def __getitem__(self, index: int | slice) -> Cells:  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.cells)))]  # type: ignore[return-value]
        made = self._made.get(index)
        if made is None:
            made = pack_cells(unpack_cells(self.cells[index]) + self.computed(index))
            self._made[index] = made
        return made


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
    """The rows stored when it was made, as a read-only sequence of Row objects made on access.

    It holds the store's lists themselves: appends only extend them (the count bounds what is
    seen) and the model replaces the store to drop rows, so a snapshot stays valid from another thread.
    """

    def __init__(self, store: RowStore) -> None:
        self._lists = (store.cells, store.keys, store.styles, store.payloads)
        self._count = len(store.cells)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return _make_row(*self._lists, index % self._count)
