"""A compose pane's start: the draft comes back, then any batch a crash left unanswered is offered.

Why: nothing composed or sent is lost to a crash. Batches journaled but never answered are
offered for re-sending (for this destination only: batches for other accounts or endpoints wait
for those), an import cut off by a crash is offered for resuming, and a re-send goes through the
service's sending path like any other send.
"""

from __future__ import annotations

from typing import Any

from tui.errors import EventdeckError
from tui.services.bulk import BulkSender, BulkTally
from tui.services.bulk_jobs import discard_import, mark_unconfirmed
from tui.services.outbox import BatchRecord, service_of
from tui.ui.panes.compose.drafts import DraftKeeper
from tui.ui.panes.compose.files import bulk_header
from tui.ui.panes.compose.host import ComposeHost
from tui.ui.screens.bulk_import import BulkImportScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen
from tui.ui.screens.resume_import import ResumeImportScreen
from tui.words import count

StartState = tuple[dict[str, Any] | None, list[BatchRecord], list[dict[str, Any]], list[str]]


class Recovery:
    """Reads the draft and the outbox at start (and after a switch), and offers what is pending."""

    def __init__(self, host: ComposeHost, drafts: DraftKeeper) -> None:
        self.host = host
        self.drafts = drafts

    def start(self) -> None:
        """Bring back the autosaved draft, then offer any batch a crash left unanswered."""
        host = self.host
        outbox, kind = host.outbox, host.KIND

        def read() -> StartState:
            pending = [r for r in outbox.pending() if r.kind == kind]
            jobs = [job for job in outbox.unfinished_jobs() if job.get("kind") == kind]
            draft = outbox.load_draft(kind)
            return draft, pending, jobs, list(outbox.warnings)

        host.run_file_job(read, self._read, self._not_read)

    def _read(self, state: StartState) -> None:
        host = self.host
        draft, pending, jobs, warnings = state
        if draft and not self.drafts.superseded:
            host.batch_model.restore(draft)
            host.show_all()
            host.changed()
        self.drafts.loaded = True
        for warning in warnings:
            host.app.notify(warning, title="Outbox", severity="warning", markup=False)
        if jobs:
            # An import cut off by a crash: resuming re-sends its pending batches too.
            self._offer_resume(jobs[0])
        elif pending:
            self._offer_recovery(pending)

    def _not_read(self, err: EventdeckError) -> None:
        self.drafts.loaded = True
        self.host.set_status(f"Could not read the outbox: {err.message}", error=True)

    def check(self) -> None:
        """Look for pending batches again (after a profile or region switch)."""
        host = self.host
        outbox, kind = host.outbox, host.KIND
        host.run_file_job(
            lambda: [r for r in outbox.pending() if r.kind == kind],
            lambda pending: (
                self._offer_recovery(pending)
                if any(self._sendable(r) for r in pending) and not host.batch_model.sending
                else None
            ),
        )

    def _sendable(self, record: BatchRecord) -> bool:
        """True when ``record`` was journaled for where this pane's calls go now."""
        return bool(self.host.ctx.same_destination(record.context, service_of(self.host.KIND)))

    # -- an import cut off -------------------------------------------------------------------
    def _offer_resume(self, job: dict[str, Any]) -> None:
        host = self.host
        recorded = job.get("destination") or {}
        if not host.ctx.same_destination(recorded, service_of(host.KIND)):
            now = host.ctx.describe_destination(host.ctx.destination(service_of(host.KIND)))
            host.app.push_screen(
                ConfirmScreen(
                    "Interrupted import for another destination",
                    [
                        f"File: {job.get('source')}",
                        f"It was sending to {host.ctx.describe_destination(recorded)}.",
                        f"eventdeck now sends to {now}: it is not resumed here.",
                        "It is kept; start eventdeck with its profile, region and endpoint "
                        "to resume it.",
                    ],
                    confirm_label="OK",
                ),
                lambda _ok: host.set_status("Interrupted import kept for its own destination"),
            )
            return
        outbox = host.outbox
        job_id = str(job.get("id"))
        batches = outbox.job_batches(job_id)

        def chosen(choice: str | None) -> None:
            if choice in ("resume", "resume-resend"):
                if host.refuse_read_only():
                    return
                host.app.push_screen(
                    BulkImportScreen(
                        host.ctx, outbox, host.KIND, bulk_header(host.batch_model.header),
                        resume_job=job, resend_unconfirmed=choice == "resume-resend",
                    )
                )  # fmt: skip
            elif choice == "discard":
                host.run_file_job(
                    lambda: discard_import(outbox, job_id),
                    lambda n: host.set_status(
                        f"Import discarded; {count(n, 'cut-off ' + host.NOUN)} kept as unconfirmed. "
                        "Importing the file again skips what was delivered."
                    ),
                )
            else:
                host.set_status("Interrupted import kept; it is offered again at next start")

        host.app.push_screen(ResumeImportScreen(job, batches), chosen)

    # -- batches left unanswered -------------------------------------------------------------
    def _offer_recovery(self, pending: list[BatchRecord]) -> None:
        """List every pending batch; those journaled for another destination are held, not sent."""
        host = self.host
        held = {
            r.id: host.ctx.describe_destination(r.context) for r in pending if not self._sendable(r)
        }
        now = host.ctx.describe_destination(host.ctx.destination(service_of(host.KIND)))
        host.app.push_screen(
            OutboxRecoveryScreen(pending, host.NOUN, held=held, current=now), self._chosen
        )

    def _chosen(self, choice: tuple[str, list[BatchRecord]] | None) -> None:
        host = self.host
        if not choice:
            host.set_status(
                "Pending batches kept in the outbox; they are offered again at next start"
            )
            return
        action, records = choice
        outbox = host.outbox
        if action == "discard":
            # Not re-sent, not forgotten: the journal keeps them as unconfirmed.
            host.run_file_job(
                lambda: mark_unconfirmed(outbox, records),
                lambda n: host.set_status(
                    f"Not re-sent: {count(n, host.NOUN)} kept in the history as unconfirmed"
                ),
            )
            return
        if host.refuse_read_only():
            return
        # Never elsewhere: only batches journaled for the current destination are re-sent.
        records = [r for r in records if self._sendable(r)]
        if not records:
            host.set_status("No pending batch is for the current profile, region and endpoint")
            return
        sender = BulkSender(host.ctx.factory, host.KIND, outbox=outbox, workers=2)
        host.sends_in_flight += 1
        host.set_status(f"Re-sending {count(len(records), 'pending batch')}…")
        # The sending path takes its own CallPool slot per batch: this job must not hold one.
        host.run_unpooled(
            lambda: sender.send_records(records),
            self._recovered,
            self._not_recovered,
            group=f"send-{host.PANE_ID}",
            description=f"re-send {len(records)} pending",
        )

    def _recovered(self, tally: BulkTally) -> None:
        host = self.host
        host.sends_in_flight -= 1
        text = (
            f"Re-sent {count(tally.batches, 'pending batch')}: {tally.sent} sent, "
            f"{tally.failed} failed, {tally.unconfirmed} unconfirmed"
        )
        bad = bool(tally.failed or tally.unconfirmed)
        host.set_status(text, error=bad)
        host.app.notify(text, title="Outbox", severity="error" if bad else "information")

    def _not_recovered(self, err: EventdeckError) -> None:
        self.host.sends_in_flight -= 1
        self.host.set_status(f"Re-send failed: {err.message}; the batches stay pending", error=True)
