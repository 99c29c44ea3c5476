"""Bulk send: many entries/events in maximum-size batches, each sent exactly once at most.

``BulkSender`` groups valid lines into batches (count, Personalize header, and the 256 KB request
total) and sends each through the one sending path (``sending.send_journaled``: journaled just
before the call, sent through a CallPool slot, results journaled), so a crash leaves only batches
that were on the wire. Each line has a key (its number and content, ``line_key``); a Personalize
event without an eventId gets one derived from it, so Personalize itself drops a repeat. Checking
a file first, the delivery ledger and resumable jobs are in ``bulk_jobs``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from tui.errors import EndpointError, ServiceError, ThrottledError
from tui.services.bulk_tally import BulkProgress, BulkTally, merge_tallies
from tui.services.cli_input import (
    PARTNER,
    PERSONALIZE,
    PERSONALIZE_LINE_HEADER,
)
from tui.services.journal import JournalSegment
from tui.services.outbox import BatchRecord, Outbox, service_of
from tui.services.partner_events import (
    PartnerSendResult,
    journal_context,
    refuse_if_read_only,
    send_partner_request,
)
from tui.services.personalize_events import PersonalizeSendResult, send_personalize_request
from tui.services.pool import CallPool
from tui.services.scan import ScanCancelled, fan_out
from tui.services.sending import FAILED, SENT, UNCONFIRMED, send_journaled
from tui.services.validation import (
    MAX_PARTNER_ENTRY_BYTES,
    FieldError,
    ValidationFailed,
    partner_entry_size,
    to_partner_request,
    to_partner_request_entry,
    to_personalize_event,
    to_personalize_request,
)

BATCH_SIZE = {PARTNER: 20, PERSONALIZE: 10}
RETRYABLE = (ThrottledError, ServiceError, EndpointError)
PROGRESS_INTERVAL = 0.1  # seconds between progress reports while a send runs
MAX_INVALID_KEPT = 10_000  # bad lines reported one by one; beyond, only counted
SendResult = PartnerSendResult | PersonalizeSendResult
__all__ = ["BulkProgress", "BulkSender", "BulkTally", "line_key", "resend_pending"]


def line_key(number: int, item: dict[str, Any]) -> str:
    """The identity of one line: its number and its content (canonical JSON), hashed.

    Why: the same line at the same place is the same event, whichever run sends it; a corrected
    line is a new one. The number is part of it so that two identical lines are two events.
    """
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{number}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def derived_event_id(key: str) -> str:
    """The eventId of a Personalize line that has none: stable across runs of the same line."""
    return f"eventdeck-{key}"


class BulkSender:
    """Send many entries/events as consecutive full batches through ``workers`` threads.

    Each batch goes through ``send_journaled`` (journal, CallPool slot, results), so the pool
    bounds bulk sends like every other call. Thread-safe controls: ``pause()``, ``resume()``,
    ``cancel()``. ``progress`` is called from worker threads (a UI must hop to its own thread
    before touching widgets).
    """

    def __init__(
        self,
        factory: Any,
        kind: str,
        *,
        outbox: Outbox,
        workers: int = 4,
        progress: Callable[[BulkProgress], None] | None = None,
        tracking_id: str | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
        job_id: str | None = None,
        batch_attempts: int = 4,
        ledger: str | None = None,
        skip: Callable[[str], str | None] | None = None,
    ) -> None:
        if kind not in BATCH_SIZE:
            raise ValueError(f"unknown bulk kind {kind!r}")
        self.factory, self.kind, self.outbox = factory, kind, outbox
        self.workers = max(1, workers)
        self.progress = progress
        self.header = {"trackingId": tracking_id, "sessionId": session_id, "userId": user_id}
        self.job_id = job_id
        self.batch_attempts = max(1, batch_attempts)
        self.ledger = ledger
        self.skip = skip  # key -> "delivered" / "unconfirmed" (skip it) or None (send it)
        self.tally = BulkTally(job_id=job_id)
        self.total: int | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()
        self._crashes: list[BaseException] = []
        self._reported = 0.0  # when progress was last reported (monotonic)
        self.journal: JournalSegment | None = None  # this run's journal, while it runs

    # --- controls ------------------------------------------------------------------------
    def pause(self) -> None:
        """Stop starting new batches (batches already on the wire finish)."""
        self._running.clear()
        self._report(final=True)

    def resume(self) -> None:
        self._running.set()
        self._report(final=True)

    def cancel(self) -> None:
        """Stop: batches not yet sent are dropped (never journaled); the rest are kept."""
        self._cancelled.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # --- running -------------------------------------------------------------------------
    def run(
        self, items: Iterable[tuple[int, dict[str, Any]]] | Iterable[dict[str, Any]],
        *, total: int | None = None,
    ) -> BulkTally:  # fmt: skip
        """Send every item (a dict, or (line number, dict) as iter_jsonl yields) and tally."""
        refuse_if_read_only(self.factory, "bulk sends")
        self.total = total
        return self._dispatch(self._batches(_numbered(items)))

    def send_records(self, records: Iterable[BatchRecord]) -> BulkTally:
        """Send batches that are already journaled (re-sending what a crash left)."""
        refuse_if_read_only(self.factory, "re-sends")
        return self._dispatch((None, None, record) for record in records)

    def _dispatch(
        self, batches: Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None, Any]]
    ) -> BulkTally:
        started = time.perf_counter()
        pool = getattr(self.factory, "pool", None) or CallPool(self.workers)
        with JournalSegment(self.outbox) as self.journal:
            self._fan_out(pool, batches)
        self.tally.cancelled = self._cancelled.is_set()
        self.tally.elapsed = time.perf_counter() - started
        if self._crashes:  # a bug or a journal write failure must not vanish in a worker
            raise self._crashes[0]
        self._report(final=True)
        return self.tally

    def _fan_out(
        self, pool: CallPool,
        batches: Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None, Any]],
    ) -> None:  # fmt: skip

        def next_batches() -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None, Any]]:
            """Batches as the threads ask for them: none while paused, none once cancelled."""
            for queued in batches:
                self._running.wait()
                if self._cancelled.is_set():
                    return
                yield queued

        def send(queued: tuple[dict[str, Any] | None, dict[str, Any] | None, Any]) -> None:
            try:
                self._send(*queued)
            except BaseException as exc:  # a bug or a journal write failure stops the import
                with self._lock:
                    self._crashes.append(exc)
                self.cancel()

        # Each batch takes its pool slots inside send_journaled (released between retries).
        with contextlib.suppress(ScanCancelled):
            fan_out(pool, send, next_batches(), cancel=self._cancelled, workers=self.workers,
                    hold_slot=False, name="bulk")  # fmt: skip

    def _batches(
        self, items: Iterator[tuple[int, dict[str, Any]]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], None]]:
        """Group valid, not yet delivered items into batches: (request, journal context, None).

        A batch is cut at the count limit, at a change of Personalize header, and (partner) when
        the next entry would take the request over the 256 KB total that AWS allows.
        """
        size = BATCH_SIZE[self.kind]
        batch: list[dict[str, Any]] = []
        lines: list[int] = []
        keys: list[str] = []
        key: tuple[Any, ...] | None = None
        bytes_ = 0
        for number, item in items:
            converted = self._convert(number, item)
            if converted is None:
                continue
            item_key, api_item, item_bytes, line = converted
            if batch and (
                item_key != key
                or len(batch) >= size
                or bytes_ + item_bytes > MAX_PARTNER_ENTRY_BYTES
            ):
                yield self._request(key, batch, lines, keys)
                batch, lines, keys, bytes_ = [], [], [], 0
            key = item_key
            batch.append(api_item)
            lines.append(number)
            keys.append(line)
            bytes_ += item_bytes
        if batch:
            yield self._request(key, batch, lines, keys)

    def _convert(
        self, number: int, item: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any], int, str] | None:
        try:
            if self.kind == PARTNER:
                entry = to_partner_request_entry(item)
                key = line_key(number, item)
                if self._skipped(key):
                    return None
                return (), entry, partner_entry_size(entry), key
            header = {k: item.get(k) or self.header[k] for k in PERSONALIZE_LINE_HEADER}
            if not header["trackingId"] or not header["sessionId"]:
                raise ValidationFailed([FieldError(None, "trackingId/sessionId",
                    "give trackingId and sessionId for the import, or on each line")])  # fmt: skip
            event = {k: v for k, v in item.items() if k not in PERSONALIZE_LINE_HEADER}
            key = line_key(number, {**event, **header})
            if not isinstance(event.get("eventId"), str) or not event["eventId"].strip():
                event["eventId"] = derived_event_id(key)
            api_event = to_personalize_event(event)
            if self._skipped(key):
                return None
            return tuple(header[k] for k in PERSONALIZE_LINE_HEADER), api_event, 0, key
        except ValidationFailed as failed:
            errors = [FieldError(number, e.field, e.message) for e in failed.errors]
            with self._lock:
                self.tally.invalid += 1
                if len(self.tally.invalid_items) < MAX_INVALID_KEPT:
                    self.tally.invalid_items.append((number, errors))
            return None

    def _skipped(self, key: str) -> bool:
        why = self.skip(key) if self.skip is not None else None
        if why is None:
            return False
        if why == "settled":  # counted where it was settled (a resumed job's cut-off batches)
            return True
        with self._lock:
            if why == "delivered":
                self.tally.delivered_before += 1
            else:
                self.tally.unconfirmed_before += 1
        return True

    def _request(
        self, key: tuple[Any, ...] | None, batch: list[dict[str, Any]], lines: list[int],
        keys: list[str],
    ) -> tuple[dict[str, Any], dict[str, Any], None]:  # fmt: skip
        """The validated API parameters of a batch and the context its journal record keeps."""
        if self.kind == PARTNER:
            request: dict[str, Any] = {"Entries": batch}
        else:
            header = dict(zip(PERSONALIZE_LINE_HEADER, key or (), strict=False))
            request = {k: v for k, v in header.items() if v} | {"eventList": batch}
        extra: dict[str, Any] = {"lines": [lines[0], lines[-1]], "keys": keys}
        if self.job_id:
            extra["job"] = self.job_id
        if self.ledger:
            extra["ledger"] = self.ledger
        return request, journal_context(self.factory, service_of(self.kind), **extra), None

    def _send(
        self,
        params: dict[str, Any] | None,
        context: dict[str, Any] | None,
        record: BatchRecord | None,
    ) -> None:
        self._running.wait()
        if self._cancelled.is_set():
            if record is None:  # never journaled: nothing to drop
                with self._lock:
                    self.tally.discarded_batches += 1
            return
        journal = self.journal
        assert journal is not None  # set for the whole run
        if record is not None:
            try:
                params = _params_of(record)
            except ValidationFailed as exc:  # a journal file edited by hand into something invalid
                n = _count(record)
                results = {"error": {"type": "ValidationFailed", "message": exc.message}}
                journal.record_results(record.id, results, record=record)
                self._count_outcome(record.id, [FAILED] * n)
                return
        assert params is not None
        send: Callable[..., SendResult] = (
            send_partner_request if self.kind == PARTNER else send_personalize_request
        )
        result, done = send_journaled(
            self.factory, self.kind, params, send, outbox=journal, context=context,
            record=record, before_results=self._note_ledger, attempts=self.batch_attempts,
            retry_if=_worth_retrying,
        )  # fmt: skip
        self._count_outcome(done.id if done else "", statuses(result))

    def _note_ledger(self, record: BatchRecord, result: SendResult) -> None:
        """Remember which lines of the batch were delivered or are unconfirmed (before results)."""
        ledger, keys = record.context.get("ledger"), record.context.get("keys")
        if not isinstance(ledger, str) or not isinstance(keys, list):
            return
        outcome = statuses(result)
        assert self.journal is not None
        self.journal.note_outcomes(
            ledger,
            [k for k, s in zip(keys, outcome, strict=False) if s == SENT],
            [k for k, s in zip(keys, outcome, strict=False) if s == UNCONFIRMED],
        )

    def _count_outcome(self, batch_id: str, outcome: list[str]) -> None:
        with self._lock:
            self.tally.batches += 1
            self.tally.sent += outcome.count(SENT)
            self.tally.failed += outcome.count(FAILED)
            self.tally.unconfirmed += outcome.count(UNCONFIRMED)
            if FAILED in outcome:
                self.tally.failed_batches.append(batch_id)
            if UNCONFIRMED in outcome:
                self.tally.unconfirmed_batches.append(batch_id)
        self._report()

    def _report(self, *, final: bool = False) -> None:
        """Call ``progress`` with a snapshot, at most every ``PROGRESS_INTERVAL`` while running.

        Why: a UI redraws on each report; one per batch (hundreds a second) kept its event loop
        busy. The last report of a run, and every report while paused, always goes out.
        """
        if self.progress is None:
            return
        now = time.monotonic()
        with self._lock:
            if not final and not self.paused and now - self._reported < PROGRESS_INTERVAL:
                return
            self._reported = now
            t = self.tally
            snapshot = BulkProgress(
                t.sent, t.failed, t.invalid, self.total, t.batches, self.paused,
                t.unconfirmed, t.skipped,
            )  # fmt: skip
        self.progress(snapshot)


def statuses(result: SendResult) -> list[str]:
    """One status per entry/event of a send result: sent, failed or unconfirmed."""
    if isinstance(result, PartnerSendResult):
        return [r.status for r in result.entries]
    return [result.status] * len(result.event_ids)


def _worth_retrying(result: SendResult) -> bool:
    """Retry a whole batch when AWS answered with a transient error (it had no effect), or when
    a PutEvents batch is unconfirmed (its events keep their eventIds: Personalize records an id once).

    Why the second: botocore retries a connection reset, but a batch whose last attempt was cut
    off ended *unconfirmed* and stayed so (a run of 10,000 events under the test's faults once
    counted 10 events neither sent nor failed). Re-sent with the same ids it is delivered once.
    PutPartnerEvents has no idempotency key: an unconfirmed partner batch is never re-sent here.
    """
    if result.error is None:
        return False
    if isinstance(result, PersonalizeSendResult) and result.unconfirmed:
        return True
    if not isinstance(result.error, RETRYABLE):
        return False
    return UNCONFIRMED not in statuses(result)


def _params_of(record: BatchRecord) -> dict[str, Any]:
    if record.kind == PARTNER:
        return to_partner_request(record.request["Entries"])
    return to_personalize_request(record.request)


def _numbered(items: Iterable[Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, item in enumerate(items, 1):
        if isinstance(item, tuple):
            yield item
        else:
            yield i, item


def _count(record: BatchRecord) -> int:
    key = "Entries" if record.kind == PARTNER else "eventList"
    items = record.request.get(key)
    return len(items) if isinstance(items, list) else 0


def _resolve(path: str | Path) -> Path:
    return Path(str(path).removeprefix("file://")).expanduser().resolve()


def resend_pending(
    factory: Any, outbox: Outbox, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None, kind: str | None = None,
    records: list[BatchRecord] | None = None,
) -> BulkTally:  # fmt: skip
    """Re-send pending batches (what a crash or kill -9 left), same requests, same eventIds.

    A pending PutPartnerEvents batch may have reached AWS before the crash: callers ask the user
    before re-sending one (see ``may_double``).
    """
    tally = BulkTally()
    pending = records if records is not None else outbox.pending()
    for each_kind in (PARTNER, PERSONALIZE):
        if kind not in (None, each_kind):
            continue
        service = service_of(each_kind)  # never elsewhere: only batches journaled for here
        chosen = [
            r for r in pending
            if r.kind == each_kind and factory.same_destination(r.context, service)
        ]  # fmt: skip
        if not chosen:
            continue
        sender = BulkSender(factory, each_kind, outbox=outbox, workers=workers, progress=progress)
        sender.total = sum(_count(r) for r in chosen)
        merge_tallies(tally, sender.send_records(chosen))
    return tally
