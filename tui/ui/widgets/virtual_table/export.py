"""A table's rows as JSON for copy and export: the payload, revived from the pane's store, or the cells.

Pure (no Textual): what ``y``/``Y`` and ``e`` hand to the pane, built from a snapshot of the model
so an export can be consumed in a worker thread.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Sequence

from tui.textsafe import json_text
from tui.ui.widgets.virtual_table.model import TableModel
from tui.ui.widgets.virtual_table.store import Row

PayloadFor = Callable[[Row, int], object]
"""Where a row without a payload gets its JSON (items stored compactly): the row, its loaded index."""


def _json_default(value: object) -> object:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def row_json_text(payload: object) -> str:
    """``payload`` as the indented JSON ``Y`` copies (times as ISO text, bytes decoded)."""
    return json_text(payload, indent=2, default=_json_default)


def export_rows(
    model: TableModel, keys: Sequence[str], payload_for: PayloadFor | None
) -> Iterator[dict[str, object]]:
    """The visible rows in view order as dicts (the payload, or column key → cell), from a snapshot.

    The snapshot is taken now, so the iterator can be consumed in a worker thread (a million
    compactly stored items are revived there, not on the UI thread).
    """
    keys = list(keys)
    rows, order = model.snapshot()

    def generate() -> Iterator[dict[str, object]]:
        for index in order:
            row = rows[index]
            payload = row.payload
            if payload is None and payload_for is not None:
                payload = payload_for(row, index)
            if isinstance(payload, dict):
                yield payload
            else:
                yield dict(zip(keys, row.cells, strict=False))

    return generate()


def json_source(
    model: TableModel, keys: Sequence[str], payload_for: PayloadFor | None
) -> Callable[[int], object]:
    """Loaded row ``i``'s JSON, safe in a worker: what the query bar tests and computes from.

    Rows of a compact level carry no payload; ``payload_for`` revives the item (the same JSON
    copy and export use), so a query sees exactly what AWS returned.
    """
    fallback = None
    if payload_for is not None:

        def fallback(index: int) -> object:
            return payload_for(model.row(index), index)

    return model.json_source(keys, fallback)


def payload_of(row: Row, index: int, keys: Sequence[str], payload_for: PayloadFor | None) -> object:
    """``row``'s JSON: its payload, else what ``payload_for`` finds (``index``: its loaded index, or
    -1 when unknown), else its cells by column key."""
    payload = row.payload
    if payload is None and payload_for is not None:
        payload = payload_for(row, index)
    if payload is None:
        payload = dict(zip(keys, row.cells, strict=False))
    return payload
