"""The prompt for a bulk import cut off by a crash: resume, discard, or show what it journaled.

Why: an interrupted import has batches that were on the wire (their outcome unknown) and lines
never sent. Resuming must say what it will do with each; for partner events a cut-off batch may
already be at EventBridge, so re-sending it is a separate, explicit choice.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.services.cli_input import PARTNER
from tui.services.outbox import BatchRecord
from tui.ui.safe_text import safe_lines
from tui.ui.screens.dialog import DialogScreen
from tui.ui.screens.outbox_recovery import batch_size
from tui.words import count

# What the screen dismisses with: "resume", "resume-resend" (re-send cut-off partner batches
# too), "discard", or None (decide later).
ResumeChoice = str | None


def job_lines(job: dict[str, Any], batches: list[BatchRecord]) -> list[str]:
    """The journaled batches of a job, one line each, for "show"."""
    lines = [f"File: {job.get('source')}", f"Started: {job.get('created_at')}"]
    for record in batches:
        first, last = (record.context.get("lines") or [0, 0])[:2]
        state = "cut off (no answer)" if record.pending else _outcome(record)
        lines.append(f"lines {first:,}–{last:,}: {batch_size(record)} · {state}")
    return lines


def _outcome(record: BatchRecord) -> str:
    results = record.results or {}
    if "entries" in results:
        entries = results.get("entries") or []
        unconfirmed = sum(1 for e in entries if isinstance(e, dict) and e.get("Unconfirmed"))
        failed = int(results.get("failed_count") or 0)
        if unconfirmed or failed:
            return f"{failed} failed, {unconfirmed} unconfirmed"
        return "sent"
    if results.get("unconfirmed"):
        return "unconfirmed"
    return "sent" if results.get("sent") else "failed"


class ResumeImportScreen(DialogScreen[ResumeChoice]):
    """Resume (r, and for partner events u), discard (d), show (s) or decide later (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resume", "Resume", id="resume.resume"),
        Binding("u", "resume_resend", "Resume, re-send cut-off", id="resume.resend"),
        Binding("d", "discard", "Discard", id="resume.discard"),
        Binding("s", "show", "Show", id="resume.show"),
        Binding("escape", "later", "Decide later", id="resume.later"),
    ]

    def __init__(self, job: dict[str, Any], batches: list[BatchRecord]) -> None:
        super().__init__()
        self.job = job
        self.batches = batches
        self.cut_off = [b for b in batches if b.pending]
        self.partner = job.get("kind") == PARTNER

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-dialog", classes="dialog -warning") as dialog:
            dialog.border_title = "Resume the interrupted import?"
            cut = sum(len(b.request.get("Entries") or b.request.get("eventList") or [])
                      for b in self.cut_off)  # fmt: skip
            text = [
                f"File: {self.job.get('source')}",
                f"{len(self.batches)} batch(es) journaled; {len(self.cut_off)} cut off on the "
                f"wire ({count(cut, 'line')}, outcome unknown).",
                "Resuming reads the file again and sends every line not yet delivered; "
                "delivered lines are skipped.",
            ]
            if self.partner and self.cut_off:
                text.append(
                    "The cut-off entries are unconfirmed: EventBridge may have them. r resumes "
                    "without re-sending them; u re-sends them too (they may arrive twice)."
                )
            elif self.cut_off:
                text.append("The cut-off events are re-sent with the same eventIds (safe).")
            yield Static(safe_lines(text))
            with VerticalScroll(id="resume-show"):
                yield Static(safe_lines(job_lines(self.job, self.batches)))
            keys = "r resume · "
            if self.partner and self.cut_off:
                keys += "u resume and re-send cut-off (may double) · "
            keys += "d discard · s show · escape decide later"
            yield Static(keys, id="resume-hint", markup=False)

    def action_resume(self) -> None:
        self.dismiss("resume")

    def action_resume_resend(self) -> None:
        if self.partner and self.cut_off:
            self.dismiss("resume-resend")

    def action_discard(self) -> None:
        self.dismiss("discard")

    def action_show(self) -> None:
        self.query_one("#resume-show").toggle_class("-shown")

    def action_later(self) -> None:
        self.dismiss(None)
