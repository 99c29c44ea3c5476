"""What a bulk send reports: progress snapshots while it runs and the tally at the end.

Why its own module: the sender (``bulk``), the import jobs (``bulk_jobs``) and the screens all
speak in these terms; the sender's file keeps to batching and sending.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.services.validation import FieldError


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot for a progress bar: what happened to the lines so far, and the total if known."""

    sent: int
    failed: int
    invalid: int
    total: int | None
    batches_done: int
    paused: bool
    unconfirmed: int = 0
    skipped: int = 0  # invalid, or delivered (or unconfirmed) by an earlier run


@dataclass
class BulkTally:
    """The final count of a bulk send: every line is sent, failed, unconfirmed or skipped.

    ``skipped`` = ``invalid`` (never sent) + ``delivered_before`` (an earlier run delivered it) +
    ``unconfirmed_before`` (an earlier run sent it and got no answer; not re-sent unless asked).
    """

    sent: int = 0
    failed: int = 0
    unconfirmed: int = 0
    invalid: int = 0
    delivered_before: int = 0
    unconfirmed_before: int = 0
    batches: int = 0
    failed_batches: list[str] = field(default_factory=list)
    unconfirmed_batches: list[str] = field(default_factory=list)
    invalid_items: list[tuple[int, list[FieldError]]] = field(default_factory=list)
    cancelled: bool = False
    discarded_batches: int = 0
    elapsed: float = 0.0
    job_id: str | None = None

    @property
    def skipped(self) -> int:
        return self.invalid + self.delivered_before + self.unconfirmed_before


def merge_tallies(into: BulkTally, other: BulkTally) -> None:
    """Add ``other``'s counts and lists to ``into`` (a resume: cut-off batches, then the rest)."""
    into.sent += other.sent
    into.failed += other.failed
    into.unconfirmed += other.unconfirmed
    into.invalid += other.invalid
    into.delivered_before += other.delivered_before
    into.unconfirmed_before += other.unconfirmed_before
    into.batches += other.batches
    into.failed_batches += other.failed_batches
    into.unconfirmed_batches += other.unconfirmed_batches
    into.invalid_items += other.invalid_items
    into.cancelled = into.cancelled or other.cancelled
    into.discarded_batches += other.discarded_batches
    into.elapsed += other.elapsed
    into.job_id = into.job_id or other.job_id
