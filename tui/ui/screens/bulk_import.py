"""Bulk-import a JSON Lines file: check every line first, then send the valid ones, with progress.

Why: replaying thousands of events must not freeze the screen, lose anything or send anything
twice. Enter first *checks* the whole file (streamed, with progress) and lists every bad line with
its number and reason; nothing is sent until the user presses enter again (escape cancels). The
send runs the service's import in a thread worker (each batch journaled, sent through the CallPool,
its results journaled); progress arrives as messages (the sender's threads never touch widgets).
The final tally always says: sent, failed, unconfirmed, skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, ProgressBar, Static

from tui.errors import EventdeckError
from tui.services.bulk import BulkProgress, BulkSender, BulkTally
from tui.services.bulk_jobs import ScanProgress, ScanReport, import_file, resume_import, scan_file
from tui.services.cli_input import PERSONALIZE
from tui.services.outbox import Outbox
from tui.ui.safe_text import safe_lines, safe_text
from tui.ui.screens.dialog import DialogScreen
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.work import Work
from tui.words import count

if TYPE_CHECKING:
    from tui.context import AppContext

MAX_BAD_SHOWN = 1000  # lines listed on screen; the count is always complete


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
    """The final tally as lines a person reads: sent, failed, unconfirmed, skipped, always."""
    lines = [
        f"{'Cancelled' if tally.cancelled else 'Finished'} in {tally.elapsed:.1f} s: "
        f"{tally.sent} sent, {tally.failed} failed, {tally.unconfirmed} unconfirmed, "
        f"{tally.skipped} skipped ({count(tally.batches, 'batch')})"
    ]
    if tally.skipped:
        lines.append(
            f"Skipped: {tally.invalid} invalid, {tally.delivered_before} delivered before, "
            f"{tally.unconfirmed_before} unconfirmed before (not re-sent)"
        )
    if tally.unconfirmed:
        lines.append(
            f"{tally.unconfirmed} unconfirmed: sent, but no answer came back; AWS may have them. "
            "Importing again skips them unless you choose to re-send (they may arrive twice)."
        )
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


def report_lines(report: ScanReport) -> list[str]:
    """What the check of a file found, every bad line with its number and reason."""
    lines = [
        f"Checked {count(report.lines, 'line')}: {report.valid:,} valid, {report.bad_count:,} bad."
    ]
    if report.delivered_before or report.unconfirmed_before:
        lines.append(
            f"An earlier import of this file delivered {report.delivered_before:,} of them "
            f"(skipped) and left {report.unconfirmed_before:,} unconfirmed (skipped unless you "
            "press u: they may arrive twice)."
        )
    for number, reason in report.bad[:MAX_BAD_SHOWN]:
        lines.append(f"line {number}: {reason}")
    if report.bad_count > MAX_BAD_SHOWN:
        lines.append(f"… and {count(report.bad_count - MAX_BAD_SHOWN, 'more bad line')}")
    return lines


class BulkImportScreen(DialogScreen[BulkTally | None]):
    """Pick a .jsonl file (and, for Personalize, the ids), check it, send it, watch it go."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "send", "Send valid lines", id="bulk.send", show=False),
        Binding("u", "send_unconfirmed", "Send, re-send unconfirmed", id="bulk.send_unconfirmed"),
        Binding("ctrl+f", "pause", "Pause/resume", id="bulk.pause"),  # ctrl+p: the palette
        Binding("ctrl+x", "cancel", "Cancel import", id="bulk.cancel", priority=True),
        Binding("escape", "close", "Close", id="bulk.close"),
    ]

    class Progressed(Message):
        """The sender reported progress (posted from its threads)."""

        def __init__(self, progress: BulkProgress) -> None:
            super().__init__()
            self.progress = progress

    class Scanned(Message):
        """The check of the file read further (posted from its thread)."""

        def __init__(self, progress: ScanProgress) -> None:
            super().__init__()
            self.progress = progress

    class SenderReady(Message):
        def __init__(self, sender: BulkSender) -> None:
            super().__init__()
            self.sender = sender

    def __init__(
        self,
        ctx: AppContext,
        outbox: Outbox,
        kind: str,
        header: dict[str, str],
        *,
        resume_job: dict[str, Any] | None = None,
        resend_unconfirmed: bool = False,
    ) -> None:
        super().__init__()
        self.resume_job = resume_job
        self.resend_unconfirmed = resend_unconfirmed
        self.ctx = ctx
        self.outbox = outbox
        self.kind = kind
        self.header = header
        self.sender: BulkSender | None = None
        self.work = Work(self, group="bulk-import")
        self.report: ScanReport | None = None
        self.tally: BulkTally | None = None
        self.last: BulkProgress | None = None
        self._scan_cancelled = False
        self._status_length = -1  # of the last progress line (a change of length may re-wrap it)

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
            # Hidden until there is something to measure: an indeterminate bar animates (and
            # repaints) about 15 times a second for nothing.
            yield ProgressBar(total=1, id="bulk-progress", show_eta=True)
            yield Static("", id="bulk-status")
            yield Static("", id="bulk-notice")
            with VerticalScroll(id="bulk-report"):
                yield Static("", id="bulk-tally")
            yield Static(
                "enter checks the file (nothing is sent yet) · escape close", id="bulk-hint",
                markup=False,
            )  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#bulk-path", Input).focus()
        if self.resume_job is not None:
            self.query_one("#bulk-path", Input).value = str(self.resume_job.get("source", ""))
            params = self.resume_job.get("params") or {}
            for name in ("trackingId", "sessionId", "userId"):
                if self.kind == PERSONALIZE and params.get(name):
                    self.query_one(f"#bulk-{name}", Input).value = str(params[name])
            self.check()

    @property
    def running(self) -> bool:
        """True while the file is being checked or sent."""
        return self.work.busy

    @property
    def sending(self) -> bool:
        """True while the checked lines are being sent."""
        return self.work.running("send")

    def _ids(self) -> dict[str, Any]:
        if self.kind != PERSONALIZE:
            return {}
        return {
            "tracking_id": self.query_one("#bulk-trackingId", Input).value.strip() or None,
            "session_id": self.query_one("#bulk-sessionId", Input).value.strip() or None,
            "user_id": self.query_one("#bulk-userId", Input).value.strip() or None,
        }

    def _hint(self, text: str) -> None:
        self.query_one("#bulk-hint", Static).update(text)

    def _set_inputs(self, enabled: bool) -> None:
        for widget in self.query(Input):
            widget.disabled = not enabled
        if enabled:
            self.query_one("#bulk-path", Input).focus()

    # --- step 1: check the whole file -------------------------------------------------------
    @on(Input.Submitted)
    def check(self, event: Input.Submitted | None = None) -> None:
        """Check every line of the file named in the path field; nothing is sent."""
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
        factory, outbox, kind, ids = self.ctx.factory, self.outbox, self.kind, self._ids()
        self._scan_cancelled = False

        def scanned(progress: ScanProgress) -> None:
            self.post_message(self.Scanned(progress))  # thread-safe; widgets untouched

        def job() -> ScanReport:
            try:
                return scan_file(factory, outbox, path, kind, progress=scanned,
                                 cancelled=lambda: self._scan_cancelled, **ids)  # fmt: skip
            except OSError as exc:
                raise EventdeckError(f"cannot read {path}: {exc.strerror or exc}") from None

        self.report = None
        self.tally = None
        self.query_one("#bulk-tally", Static).update("")
        self.query_one("#bulk-notice", Static).update("")
        self.query_one("#bulk-status", Static).update("Checking every line (nothing is sent)…")
        self.query_one("#bulk-progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#bulk-progress", ProgressBar).add_class("-active")
        self._set_inputs(False)
        self.work.run(job, key="check", pooled=False, group="bulk-check")

    def on_bulk_import_screen_scanned(self, event: Scanned) -> None:
        p = event.progress
        self.query_one("#bulk-progress", ProgressBar).update(
            total=max(1, p.total_bytes), progress=p.done_bytes
        )
        self.query_one("#bulk-status", Static).update(
            safe_text(f"Checking… {count(p.lines, 'line')} read, {p.bad:,} bad")
        )

    def _checked(self, report: ScanReport) -> None:
        self.report = report
        self.query_one("#bulk-tally", Static).update(safe_lines(report_lines(report)))
        if report.to_send <= 0:
            if report.unconfirmed_before:
                self.query_one("#bulk-status", Static).update(
                    "Nothing new to send: every valid line was delivered or is unconfirmed."
                )
                self._hint(
                    f"u re-sends the {report.unconfirmed_before:,} unconfirmed (they may arrive "
                    "twice) · escape goes back"
                )
            else:
                self.query_one("#bulk-status", Static).update("Nothing to send.")
                self._hint("escape goes back")
            return
        self.query_one("#bulk-status", Static).update(
            safe_text(f"Ready: {count(report.to_send, 'valid line')} to send.")
        )
        hint = f"enter sends the {count(report.to_send, 'valid line')} · "
        if report.unconfirmed_before:
            hint += f"u also re-sends {report.unconfirmed_before:,} unconfirmed (may double) · "
        self._hint(hint + "escape cancels (nothing sent)")

    # --- step 2: send the valid lines --------------------------------------------------------
    def action_send(self) -> None:
        """Send the valid lines of the checked file (skipping what was delivered before)."""
        if self.report is not None and (self.report.to_send > 0 or self.resume_job is not None):
            self._send(self.resend_unconfirmed)

    def action_send_unconfirmed(self) -> None:
        """Send, and re-send the lines an earlier import left unconfirmed (they may double)."""
        if self.report is not None and self.report.unconfirmed_before:
            self._send(True)

    def _send(self, resend_unconfirmed: bool) -> None:
        if self.running or self.report is None or self.tally is not None:
            return
        report = self.report
        factory, outbox, kind, ids = self.ctx.factory, self.outbox, self.kind, self._ids()
        workers = getattr(getattr(self.ctx.settings, "workers", None), "pool_size", 4)
        resume = self.resume_job
        total = report.to_send + (report.unconfirmed_before if resend_unconfirmed else 0)

        def progress(snapshot: BulkProgress) -> None:
            self.post_message(self.Progressed(snapshot))  # thread-safe; widgets untouched

        def sender_ready(sender: BulkSender) -> None:
            self.post_message(self.SenderReady(sender))

        def job() -> BulkTally:
            if resume is not None:
                return resume_import(
                    factory, outbox, str(resume["id"]), workers=workers, progress=progress,
                    on_sender=sender_ready, resend_unconfirmed=resend_unconfirmed,
                )  # fmt: skip
            return import_file(
                factory, outbox, report.path, kind, workers=workers, total=total,
                progress=progress, on_sender=sender_ready,
                resend_unconfirmed=resend_unconfirmed, **ids,
            )  # fmt: skip

        self.query_one("#bulk-progress", ProgressBar).update(total=max(1, total), progress=0)
        self.query_one("#bulk-status", Static).update(safe_text(f"Sending {total:,} line(s)…"))
        self._hint("ctrl+f pause/resume · ctrl+x cancel · escape close when done")
        # The import takes a pool slot per batch itself: this job must not hold one.
        self.work.run(job, key="send", pooled=False)

    def on_bulk_import_screen_sender_ready(self, event: SenderReady) -> None:
        self.sender = event.sender

    def on_bulk_import_screen_progressed(self, event: Progressed) -> None:
        self.last = p = event.progress
        done = p.sent + p.failed + p.unconfirmed
        self.query_one("#bulk-progress", ProgressBar).update(progress=done)
        state = "PAUSED · " if p.paused else ""
        of = f" of {p.total:,}" if p.total is not None else ""
        text = (
            f"{state}{done:,}{of}: {p.sent:,} sent, {p.failed:,} failed, "
            f"{p.unconfirmed:,} unconfirmed, {p.skipped:,} skipped"
        )
        # Same length, same words: the line wraps the same, so no layout of the whole screen
        # (a layout per report was most of the event loop's work during a send).
        layout = len(text) != self._status_length
        self._status_length = len(text)
        self.query_one("#bulk-status", Static).update(safe_text(text), layout=layout)

    def on_work_done(self, message: Work.Done) -> None:
        if not self.work.deliver(message):
            return
        result = message.result
        if isinstance(result, ScanReport):
            self._checked(result)
            return
        self.tally = result
        assert self.tally is not None
        self.query_one("#bulk-tally", Static).update(safe_lines(tally_lines(self.tally)))
        self.query_one("#bulk-status", Static).update("Done: escape closes")
        self.query_one("#bulk-notice", Static).update("")
        self._hint("escape closes")

    def on_work_failed(self, message: Work.Failed) -> None:
        if not self.work.deliver(message):
            return
        err = message.error
        self.query_one("#bulk-path-error", FieldErrorLabel).show_message(
            err.message + (f" — {err.hint}" if err.hint else "")
        )
        self.query_one("#bulk-status", Static).update("Stopped.")
        self._set_inputs(True)

    def action_pause(self) -> None:
        """Pause (batches on the wire finish) or resume."""
        if self.sender is None or not self.sending:
            return
        if self.sender.paused:
            self.sender.resume()
        else:
            self.sender.pause()

    def action_cancel(self) -> None:
        """Stop: queued batches are dropped; sent ones keep their results."""
        if self.sender is not None and self.sending:
            self.sender.cancel()
            self.query_one("#bulk-notice", Static).update("Cancelling…")

    def action_close(self) -> None:
        if self.sending:
            # Its own line: progress updates rewrite the status line, never this one.
            self.query_one("#bulk-notice", Static).update(
                "Still sending: ctrl+x cancels first (or it finishes in the background)"
            )
            return
        if self.running:  # checking: stop the check, back to the form
            self._scan_cancelled = True
            return
        if self.report is not None and self.tally is None:
            self.report = None
            self.query_one("#bulk-status", Static).update("Not sent.")
            self._hint("enter checks the file (nothing is sent yet) · escape close")
            self._set_inputs(True)
            return
        self.dismiss(self.tally)
