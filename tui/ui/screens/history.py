"""Browse sent batches, newest first, with their results; enter opens one as a new draft.

Why: "what did I send yesterday, and what did it become?" must be answerable without leaving the
terminal, and a sent batch is the best starting point for the next one. The batches are rows of
the one table (VirtualTable), so the history has what every time-ordered table has: the density
line above it (batches per time bucket, a bucket with a failed, unconfirmed or pending batch
marked ``!``; ``[``/``]`` and ``z`` jump to a time), the filter and the query bar. The journal
holds user and AWS text, so rows and preview are rendered as safe text.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.services.outbox import BatchRecord
from tui.ui.clipboard import copy_and_notify
from tui.ui.safe_text import safe_lines
from tui.ui.screens.dialog import DialogScreen
from tui.ui.screens.outbox_recovery import batch_size
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable
from tui.words import count

COLUMNS = (
    Column("time", "Sent (UTC)", width=19),
    Column("size", "Size", width=11, align="right"),
    Column("outcome", "Outcome", ratio=1, min_width=9),
    Column("what", "What", ratio=2, min_width=8),
)


def outcome(record: BatchRecord) -> str:
    """A short verdict: pending, sent, or how many failed or are unconfirmed."""
    results = record.results
    if results is None:
        return "pending"
    if "entries" in results:
        failed = int(results.get("failed_count") or 0)
        unconfirmed = int(results.get("unconfirmed_count") or 0)
        parts = [f"{failed} failed"] if failed else []
        parts += [f"{unconfirmed} unconfirmed"] if unconfirmed else []
        return ", ".join(parts) or "sent"
    if results.get("unconfirmed"):
        return "unconfirmed"
    return "sent" if results.get("sent") else "failed"


def readable(value: Any) -> Any:
    """``value`` with JSON held in strings (Detail, properties) shown as JSON, not escaped text.

    Why: the request keeps Detail as a JSON string; dumped as it is, the preview is one long
    line of ``\\"`` and ``\\n``.
    """
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def summary(record: BatchRecord) -> str:
    """What a batch held, in a few words: its entries' detail types or its events' types."""
    items = record.request.get("Entries", record.request.get("eventList"))
    if not isinstance(items, list):
        return ""
    names: list[str] = []
    for item in items:
        name = item.get("DetailType", item.get("eventType")) if isinstance(item, dict) else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return ", ".join(names)


def history_row(record: BatchRecord, noun: str) -> Row:
    """One batch as a table row; its payload (the JSON the query bar and density line read) has
    the journal time as ``time``, and a batch not wholly sent is an error row.

    Why an error row: failed, unconfirmed and pending batches are the ones to look at again; the
    density line marks the buckets holding them.
    """
    verdict = outcome(record)
    payload = {
        "time": record.created_at,
        "id": record.id,
        "outcome": verdict,
        "request": record.request,
        "results": record.results,
        "context": record.context,
    }
    cells = (
        record.created_at[:19].replace("T", " "),
        count(batch_size(record), noun),
        verdict,
        summary(record),
    )
    return Row(record.id, cells, "" if verdict == "sent" else "error", payload)


class HistoryScreen(DialogScreen[BatchRecord | None]):
    """Journaled batches of one kind; dismisses with the one to open as a draft, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="history.close"),
    ]

    def __init__(self, records: list[BatchRecord], noun: str = "entry") -> None:
        super().__init__()
        self.records = list(records)
        self.noun = noun
        self.by_id = {record.id: record for record in self.records}

    def compose(self) -> ComposeResult:
        with Vertical(id="history-body", classes="dialog") as body:
            body.border_title = f"History — {count(len(self.records), 'batch')}, newest first"
            yield VirtualTable(COLUMNS, id="history-table")
            with VerticalScroll(id="history-preview"):
                yield Static("No batch sent yet." if not self.records else "", id="history-detail")
            yield Static(
                "enter new draft · [ ] z jump to a time · / filter · : query · esc close",
                id="history-hint",
                markup=False,
            )

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#history-table", VirtualTable)

    def on_mount(self) -> None:
        table = self.table
        table.append_rows([history_row(r, self.noun) for r in self.records], more=False)
        table.focus()
        if self.records:
            self._preview(self.records[0])

    def _preview(self, record: BatchRecord) -> None:
        body = {"request": record.request, "results": record.results, "context": record.context}
        text = json.dumps(readable(body), indent=2, ensure_ascii=False, default=str)
        self.query_one("#history-detail", Static).update(safe_lines(text))

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        record = self.by_id.get(event.row.key) if event.row is not None else None
        if record is not None:
            self._preview(record)

    def on_virtual_table_row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        record = self.by_id.get(event.row.key)
        if record is not None:
            self.dismiss(record)

    def on_virtual_table_back_requested(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        self.action_close()

    def on_virtual_table_copy_requested(self, event: VirtualTable.CopyRequested) -> None:
        event.stop()
        copy_and_notify(self.app, event.text, event.what, multiline=event.multiline)

    def on_virtual_table_export_requested(self, event: VirtualTable.ExportRequested) -> None:
        """``e``: the journal already is the export; say so rather than do nothing."""
        event.stop()
        self.notify(
            "No export from the history: each batch is a JSON file in the outbox "
            "(Y copies the batch's JSON).",
            markup=False,
        )

    def action_close(self) -> None:
        self.dismiss(None)
