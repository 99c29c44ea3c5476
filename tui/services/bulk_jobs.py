"""Bulk import jobs: check a file first, then send each valid line once; resume, discard.

A bulk import is two passes over a streamed file (a million lines are never held in memory):
``scan_file`` checks every line and reports each bad one with its number and reason; the user then
sends the valid lines (``import_file``) or cancels. A ledger per source file and destination
remembers which lines were delivered and which are unconfirmed (sent, no answer), so importing the
same or a corrected file again skips them unless the user asks otherwise. An import cut off by a
crash is resumed (``resume_import``: cut-off partner batches re-sent only when the user accepts
that they may arrive twice) or discarded (``discard_import``). The tally always ends the run:
sent, failed, unconfirmed, skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.errors import ConfigError, InputError
from tui.services.bulk import (
    MAX_INVALID_KEPT,
    BulkProgress,
    BulkSender,
    BulkTally,
    _count,
    _resolve,
    resend_pending,
)
from tui.services.bulk_tally import merge_tallies
from tui.services.cli_input import PARTNER, iter_jsonl_checked
from tui.services.outbox import BatchRecord, Outbox, service_of
from tui.services.partner_events import journal_context, refuse_if_read_only
from tui.services.resolve import describe_destination
from tui.services.validation import FieldError


@dataclass
class ScanReport:
    """What a check of a whole file found, before anything is sent."""

    path: str
    kind: str
    lines: int = 0  # non-blank lines
    valid: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason), capped
    bad_count: int = 0
    delivered_before: int = 0  # valid lines an earlier import delivered (skipped)
    unconfirmed_before: int = 0  # valid lines an earlier import may have delivered
    ledger: str = ""

    @property
    def to_send(self) -> int:
        """Valid lines that a send would send (delivered and unconfirmed ones skipped)."""
        return self.valid - self.delivered_before - self.unconfirmed_before


@dataclass(frozen=True)
class ScanProgress:
    """How far the check of a file has read (bytes) and what it found so far."""

    done_bytes: int
    total_bytes: int
    lines: int
    bad: int


def ledger_id(factory: Any, source: str | Path, kind: str, header: dict[str, Any]) -> str:
    """The ledger of a source file sent to one destination (and, for Personalize, one tracker)."""
    identity = {"source": str(_resolve(source)), "kind": kind,
                "destination": journal_context(factory, service_of(kind)), "header": header}  # fmt: skip
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[
        :32
    ]


# --- checking a file before sending ------------------------------------------------------------
def scan_file(
    factory: Any, outbox: Outbox, path: str | Path, kind: str, *,
    tracking_id: str | None = None, session_id: str | None = None, user_id: str | None = None,
    progress: Callable[[ScanProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None, progress_every: int = 2000,
) -> ScanReport:  # fmt: skip
    """Check every line of a JSON Lines file (streamed) and report each bad one; send nothing.

    Also counts the valid lines an earlier import of this file to this destination delivered or
    left unconfirmed (they are skipped by ``import_file`` unless asked otherwise). Raises
    InputError when the file cannot be read at all.
    """
    resolved = _resolve(path)
    header = {"trackingId": tracking_id, "sessionId": session_id, "userId": user_id}
    ledger = ledger_id(factory, resolved, kind, header)
    report = ScanReport(str(resolved), kind, ledger=ledger)
    delivered, unconfirmed = outbox.ledger(ledger)
    unconfirmed |= _pending_keys(outbox, ledger)
    checker = BulkSender(factory, kind, outbox=outbox, tracking_id=tracking_id,
                         session_id=session_id, user_id=user_id)  # fmt: skip
    try:
        total_bytes = os.path.getsize(resolved)
    except OSError as exc:
        raise InputError(f"cannot read {resolved}: {exc.strerror or exc}") from None
    read = [0]  # bytes read so far, for the progress bar
    for number, value in iter_jsonl_checked(resolved, kind, bytes_read=read):
        report.lines += 1
        reason: str | None = None
        if isinstance(value, InputError):
            reason = value.message.removeprefix(f"{resolved} ").removeprefix(f"line {number} ")
        else:
            converted = checker._convert(number, value)
            if converted is None:
                errors = checker.tally.invalid_items.pop()[1] if checker.tally.invalid_items else []
                reason = "; ".join(f"{e.field}: {e.message}" for e in errors) or "invalid"
            else:
                report.valid += 1
                key = converted[3]
                if key in delivered:
                    report.delivered_before += 1
                elif key in unconfirmed and kind == PARTNER:
                    report.unconfirmed_before += 1  # Personalize re-sends them: same ids
        if reason is not None:
            report.bad_count += 1
            if len(report.bad) < MAX_INVALID_KEPT:
                report.bad.append((number, reason))
        if progress is not None and report.lines % progress_every == 0:
            if cancelled is not None and cancelled():
                break
            progress(ScanProgress(read[0], total_bytes, report.lines, report.bad_count))
    if progress is not None:
        progress(ScanProgress(total_bytes, total_bytes, report.lines, report.bad_count))
    return report


def _pending_keys(outbox: Outbox, ledger: str) -> set[str]:
    """Keys of lines in batches of ``ledger`` that were on the wire when a run was cut off."""
    keys: set[str] = set()
    for record in outbox.pending():
        if record.context.get("ledger") == ledger and isinstance(record.context.get("keys"), list):
            keys.update(str(k) for k in record.context["keys"])
    return keys


def may_double(records: Iterable[BatchRecord]) -> int:
    """How many entries of these pending batches could arrive twice if re-sent (partner only)."""
    return sum(_count(r) for r in records if r.kind == PARTNER)


def mark_unconfirmed(outbox: Outbox, records: Iterable[BatchRecord]) -> int:
    """Close pending batches without sending them again: their entries become unconfirmed.

    Why: a partner batch cut off on the wire may or may not have arrived; when the user chooses
    not to risk a duplicate, the journal says "unconfirmed" and the ledger skips those lines.
    """
    count = 0
    for record in records:
        n = _count(record)
        count += n
        message = "unconfirmed: cut off before the answer came; not re-sent"
        if record.kind == PARTNER:
            results: dict[str, Any] = {
                "failed_count": 0, "unconfirmed_count": n, "error": None,
                "entries": [{"Unconfirmed": True, "ErrorMessage": message}] * n,
            }  # fmt: skip
        else:
            ids = [str(e.get("eventId")) for e in record.request.get("eventList") or []]
            results = {"sent": False, "unconfirmed": True, "event_ids": ids,
                       "error": {"type": "Unconfirmed", "message": message, "hint": None}}  # fmt: skip
        ledger, keys = record.context.get("ledger"), record.context.get("keys")
        if isinstance(ledger, str) and isinstance(keys, list):
            outbox.note_outcomes(ledger, [], [str(k) for k in keys])
        outbox.record_results(record.id, results, record=record)
    return count


def import_file(
    factory: Any, outbox: Outbox, path: str | Path, kind: str, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None, tracking_id: str | None = None,
    session_id: str | None = None, user_id: str | None = None, total: int | None = None,
    on_sender: Callable[[BulkSender], None] | None = None, resend_unconfirmed: bool = False,
    resend_delivered: bool = False,
) -> BulkTally:  # fmt: skip
    """Bulk-import the valid lines of a JSON Lines file as a resumable job (see ``resume_import``).

    Invalid lines are skipped and counted (``scan_file`` lists them first); lines an earlier
    import delivered are skipped unless ``resend_delivered``, and unconfirmed ones unless
    ``resend_unconfirmed`` (they may then arrive twice).
    """
    refuse_if_read_only(factory, "bulk imports")
    resolved = _resolve(path)
    params = {"trackingId": tracking_id, "sessionId": session_id, "userId": user_id}
    ledger = ledger_id(factory, resolved, kind, params)
    job_id = outbox.start_job(
        kind, str(resolved), {**params, "ledger": ledger}, factory.destination(service_of(kind))
    )
    job = outbox.get_job(job_id)
    assert job is not None
    skip = _skip_rule(outbox, ledger, resend_unconfirmed, resend_delivered, kind)
    return _run_job(factory, outbox, job, workers, progress, total, on_sender, skip)


def check_job_destination(factory: Any, job: dict[str, Any]) -> None:
    """Raise ConfigError unless ``job`` was journaled for where calls go now (never elsewhere)."""
    service = service_of(str(job.get("kind")))
    recorded = job.get("destination") or {}
    if not factory.same_destination(recorded, service):
        raise ConfigError(
            f"Not resumed: this import was sending to {describe_destination(recorded)}; "
            f"eventdeck now sends to {describe_destination(factory.destination(service))}.",
            hint="Start eventdeck with that profile, region and endpoint to resume it.",
        )


def resume_import(
    factory: Any, outbox: Outbox, job_id: str, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None,
    on_sender: Callable[[BulkSender], None] | None = None, resend_unconfirmed: bool = False,
) -> BulkTally:  # fmt: skip
    """Finish an interrupted import: settle the batches cut off on the wire, then send the rest.

    Cut-off Personalize batches are re-sent (same eventIds: Personalize keeps one). Cut-off
    partner batches may have arrived: re-sent only with ``resend_unconfirmed`` (they may arrive
    twice), otherwise marked unconfirmed. Then the file is read again from the start and every
    line not delivered (nor unconfirmed) is sent.
    """
    job = outbox.get_job(job_id)
    if job is None:
        raise KeyError(f"no import job {job_id}")
    refuse_if_read_only(factory, "bulk imports")
    check_job_destination(factory, job)
    ledger = str((job.get("params") or {}).get("ledger") or "")
    pending = [b for b in outbox.job_batches(job_id) if b.pending]
    skip_now = (
        _skip_rule(outbox, ledger, resend_unconfirmed, False, job["kind"]) if ledger else None
    )
    in_flight = {str(k) for b in pending for k in b.context.get("keys") or []}
    partner_pending = [b for b in pending if b.kind == PARTNER]
    resend = [b for b in pending if b.kind != PARTNER or resend_unconfirmed]
    tally = BulkTally()
    if partner_pending and not resend_unconfirmed:
        tally.unconfirmed_before += mark_unconfirmed(outbox, partner_pending)
    if resend:
        merge_tallies(tally, resend_pending(factory, outbox, workers=workers, progress=progress,
                                     records=resend))  # fmt: skip

    def skip(key: str) -> str | None:
        if key in in_flight:
            return "settled"  # handled above; not counted again
        return skip_now(key) if skip_now is not None else None

    merge_tallies(tally, _run_job(factory, outbox, job, workers, progress, None, on_sender, skip))
    tally.job_id = job_id
    return tally


def discard_import(outbox: Outbox, job_id: str) -> int:
    """Give up an interrupted import: its cut-off batches become unconfirmed, the job ends.

    Returns how many entries were marked unconfirmed. Lines never sent stay unsent; importing the
    file again later sends them (and skips what was delivered).
    """
    pending = [b for b in outbox.job_batches(job_id) if b.pending]
    count = mark_unconfirmed(outbox, pending)
    outbox.finish_job(job_id)
    return count


def _skip_rule(
    outbox: Outbox, ledger: str, resend_unconfirmed: bool, resend_delivered: bool, kind: str
) -> Callable[[str], str | None]:
    """Which lines a run skips: delivered ones, and (partner only) unconfirmed ones.

    An unconfirmed Personalize event is simply sent again: it keeps its eventId (its own, or the
    one derived from the line), and Personalize keeps only the first event with a given id.
    """
    delivered, unconfirmed = outbox.ledger(ledger)
    unconfirmed |= _pending_keys(outbox, ledger)
    if resend_delivered:
        delivered = set()
    if resend_unconfirmed or kind != PARTNER:
        unconfirmed = set()

    def skip(key: str) -> str | None:
        if key in delivered:
            return "delivered"
        if key in unconfirmed:
            return "unconfirmed"
        return None

    return skip


def _run_job(
    factory: Any, outbox: Outbox, job: dict[str, Any], workers: int,
    progress: Callable[[BulkProgress], None] | None, total: int | None,
    on_sender: Callable[[BulkSender], None] | None, skip: Callable[[str], str | None] | None,
) -> BulkTally:  # fmt: skip
    params = job.get("params") or {}
    sender = BulkSender(
        factory, job["kind"], outbox=outbox, workers=workers, progress=progress,
        tracking_id=params.get("trackingId"), session_id=params.get("sessionId"),
        user_id=params.get("userId"), job_id=job["id"], ledger=params.get("ledger"), skip=skip,
    )  # fmt: skip
    if on_sender is not None:
        on_sender(sender)
    items = _good_lines(sender, iter_jsonl_checked(job["source"], job["kind"]))
    tally = sender.run(items, total=total)
    if not tally.cancelled:
        outbox.finish_job(job["id"])
    return tally


def _good_lines(
    sender: BulkSender, lines: Iterator[tuple[int, dict[str, Any] | InputError]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The lines that are JSON objects; the others are counted invalid (skipped), not sent."""
    for number, value in lines:
        if isinstance(value, InputError):
            _bad_line(sender, number, value)
        else:
            yield number, value


def _bad_line(sender: BulkSender, number: int, value: InputError) -> bool:
    """Count a line that is not even a JSON object as invalid (skipped), like a failed check."""
    with sender._lock:
        sender.tally.invalid += 1
        if len(sender.tally.invalid_items) < MAX_INVALID_KEPT:
            sender.tally.invalid_items.append((number, [FieldError(number, "line", value.message)]))
    return True
