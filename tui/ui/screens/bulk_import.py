"""Bulk-import a JSON Lines file: consecutive full batches through a worker pool, with progress.

Why: replaying thousands of events must not freeze the screen or lose anything. The service's
BulkSender journals every batch before sending it; this screen only starts it in a thread worker,
shows its progress (posted as messages: the sender's threads never touch widgets), offers pause,
resume and cancel, and shows the final tally. A kill mid-import leaves pending batches that the
next start offers to re-send.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from tui.errors import EventdeckError
from tui.services.bulk import BulkProgress, BulkSender, BulkTally, import_file, resume_import
from tui.services.cli_input import PERSONALIZE
from tui.services.outbox import Outbox
from tui.ui.panes.base import as_eventdeck_error
from tui.ui.safe_text import safe_text
from tui.ui.screens.dialog import DialogScreen
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.words import count

if TYPE_CHECKING:
    from tui.context import AppContext


def count_items(path: str) -> int:
    """Non-blank lines of a JSON Lines file, streamed (the file can be any size)."""
    resolved = Path(path.removeprefix("file://")).expanduser()
    count = 0
    with resolved.open("rb") as handle:
        for line in handle:
            if line.strip():
                count += 1
    return count


def tally_lines(tally: BulkTally) -> list[str]:
    """The final tally as lines a person reads."""
    lines = [
        f"{'Cancelled' if tally.cancelled else 'Finished'} in {tally.elapsed:.1f} s: "
        f"{tally.sent} sent, {tally.failed} failed, {tally.invalid} invalid (not sent), "
        f"{count(tally.batches, 'batch')}"
    ]
    if tally.failed_batches:
        lines.append(
            f"Failed batches stay in the outbox history: {', '.join(tally.failed_batches[:3])}…"
        )
    for number, errors in tally.invalid_items[:5]:
        lines.append(f"line {number}: {'; '.join(e.message for e in errors)}")
    if tally.discarded_batches:
        lines.append(
            f"{count(tally.discarded_batches, 'queued batch')} dropped by the cancel (never sent)"
        )
    return lines


class BulkImportScreen(DialogScreen[BulkTally | None]):
    """Pick a .jsonl file (and, for Personalize, the ids), send it, watch it go."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "pause", "Pause/resume", id="bulk.pause"),  # ctrl+p: the palette
        Binding("ctrl+x", "cancel", "Cancel import", id="bulk.cancel", priority=True),
        Binding("escape", "close", "Close", id="bulk.close"),
    ]

    class Progressed(Message):
        """The sender reported progress (posted from its threads)."""

        def __init__(self, progress: BulkProgress) -> None:
            super().__init__()
            self.progress = progress

    class SenderReady(Message):
        def __init__(self, sender: BulkSender) -> None:
            super().__init__()
            self.sender = sender

    class TotalCounted(Message):
        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total

    def __init__(
        self,
        ctx: AppContext,
        outbox: Outbox,
        kind: str,
        header: dict[str, str],
        *,
        resume_job: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.resume_job = resume_job
        self.ctx = ctx
        self.outbox = outbox
        self.kind = kind
        self.header = header
        self.sender: BulkSender | None = None
        self.worker: Worker[BulkTally] | None = None
        self.tally: BulkTally | None = None
        self.last: BulkProgress | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="bulk-dialog", classes="dialog") as dialog:
            dialog.border_title = "Bulk import (JSON Lines: one entry/event per line)"
            yield Label("File")
            yield Input(placeholder="events.jsonl", id="bulk-path")
            yield FieldErrorLabel("path", id="bulk-path-error")
            if self.kind == PERSONALIZE:
                for name in ("trackingId", "sessionId", "userId"):
                    yield Label(f"{name} (unless each line has it)")
                    yield Input(self.header.get(name, ""), id=f"bulk-{name}")
            yield ProgressBar(total=None, id="bulk-progress", show_eta=True)
            yield Static("", id="bulk-status")
            yield Static("", id="bulk-tally")
            yield Static(
                "enter start · ctrl+f pause/resume · ctrl+x cancel · escape close", id="bulk-hint",
                markup=False,
            )  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#bulk-path", Input).focus()
        if self.resume_job is not None:
            self.query_one("#bulk-path", Input).value = str(self.resume_job.get("source", ""))
            self.start()

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    @on(Input.Submitted)
    def start(self, event: Input.Submitted | None = None) -> None:
        """Start the import of the file named in the path field."""
        if event is not None:
            event.stop()
        if self.running:
            return
        path = self.query_one("#bulk-path", Input).value.strip()
        error = self.query_one("#bulk-path-error", FieldErrorLabel)
        if not path:
            error.show_message("give the path of a .jsonl file")
            return
        error.show_message("")
        ids: dict[str, Any] = {}
        if self.kind == PERSONALIZE:
            ids = {
                "tracking_id": self.query_one("#bulk-trackingId", Input).value.strip() or None,
                "session_id": self.query_one("#bulk-sessionId", Input).value.strip() or None,
                "user_id": self.query_one("#bulk-userId", Input).value.strip() or None,
            }
        factory, outbox, kind = self.ctx.factory, self.outbox, self.kind
        workers = getattr(getattr(self.ctx.settings, "workers", None), "pool_size", 4)

        def progress(snapshot: BulkProgress) -> None:
            self.post_message(self.Progressed(snapshot))  # thread-safe; widgets untouched

        def sender_ready(sender: BulkSender) -> None:
            self.post_message(self.SenderReady(sender))

        resume = self.resume_job

        def job() -> BulkTally:
            try:
                total = count_items(path)
            except OSError as exc:
                raise EventdeckError(f"cannot read {path}: {exc.strerror or exc}") from None
            if resume is not None:
                # What is left: the lines after the last journaled one, plus pending re-sends.
                batches = outbox.job_batches(str(resume["id"]))
                done = max((int(b.context.get("lines", [0, 0])[1]) for b in batches), default=0)
                pending = sum(len(b.request.get("eventList") or b.request.get("Entries") or [])
                              for b in batches if b.pending)  # fmt: skip
                total = max(0, total - done) + pending
            self.post_message(self.TotalCounted(total))
            if resume is not None:
                return resume_import(
                    factory, outbox, str(resume["id"]), workers=workers,
                    progress=progress, on_sender=sender_ready,
                )  # fmt: skip
            return import_file(
                factory, outbox, path, kind, workers=workers, total=total,
                progress=progress, on_sender=sender_ready, **ids,
            )  # fmt: skip

        self.tally = None
        self.query_one("#bulk-tally", Static).update("")
        self.query_one("#bulk-status", Static).update("Counting…")
        for widget in self.query(Input):
            widget.disabled = True
        self.worker = self.run_worker(job, thread=True, exit_on_error=False, group="bulk-import")

    def on_bulk_import_screen_total_counted(self, event: TotalCounted) -> None:
        self.query_one("#bulk-progress", ProgressBar).update(total=event.total, progress=0)

    def on_bulk_import_screen_sender_ready(self, event: SenderReady) -> None:
        self.sender = event.sender

    def on_bulk_import_screen_progressed(self, event: Progressed) -> None:
        self.last = p = event.progress
        done = p.sent + p.failed + p.invalid
        self.query_one("#bulk-progress", ProgressBar).update(progress=done)
        state = "PAUSED · " if p.paused else ""
        of = f" of {p.total:,}" if p.total is not None else ""
        self.query_one("#bulk-status", Static).update(
            safe_text(
                f"{state}{done:,}{of}: {p.sent:,} sent, {p.failed:,} failed, {p.invalid:,} invalid"
            )
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.SUCCESS:
            self.tally = event.worker.result
            assert self.tally is not None
            self.query_one("#bulk-tally", Static).update(
                safe_text("\n".join(tally_lines(self.tally)))
            )
            self.query_one("#bulk-status", Static).update("Done: escape closes")
        elif event.state == WorkerState.ERROR:
            err = as_eventdeck_error(event.worker.error or RuntimeError("unknown error"))
            self.query_one("#bulk-path-error", FieldErrorLabel).show_message(
                err.message + (f" — {err.hint}" if err.hint else "")
            )
            self.query_one("#bulk-status", Static).update("Stopped.")
        else:
            return
        for widget in self.query(Input):
            widget.disabled = False

    def action_pause(self) -> None:
        """Pause (batches on the wire finish) or resume."""
        if self.sender is None or not self.running:
            return
        if self.sender.paused:
            self.sender.resume()
        else:
            self.sender.pause()

    def action_cancel(self) -> None:
        """Stop: queued batches are dropped from the journal; sent ones keep their results."""
        if self.sender is not None and self.running:
            self.sender.cancel()
            self.query_one("#bulk-status", Static).update("Cancelling…")

    def action_close(self) -> None:
        if self.running:
            self.query_one("#bulk-status", Static).update(
                "Still sending: ctrl+x cancels first (or it finishes in the background)"
            )
            return
        self.dismiss(self.tally)
