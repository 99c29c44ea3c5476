"""Bulk send: stream entries/events into maximum-size batches, journal each, send through a pool.

Every batch is journaled in the outbox *before* it is handed to a worker, with its Personalize
eventIds already assigned, so a crash leaves pending batches that re-send with the same ids
(``resend_pending``), and a bulk import of a file records a job whose unread remainder can be
continued (``resume_import``): every event ends up sent, none twice under a new id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.errors import ConfigError, EndpointError, ServiceError, ThrottledError
from tui.services.cli_input import PARTNER, PERSONALIZE, PERSONALIZE_LINE_HEADER, iter_jsonl
from tui.services.outbox import BatchRecord, Outbox, service_of
from tui.services.partner_events import journal_context, refuse_if_read_only, send_partner_request
from tui.services.personalize_events import prepare_events, send_personalize_request
from tui.services.resolve import describe_destination
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
MAX_INVALID_KEPT = 100


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot for a progress bar: events sent/failed/invalid so far, and the total if known."""

    sent: int
    failed: int
    invalid: int
    total: int | None
    batches_done: int
    paused: bool


@dataclass
class BulkTally:
    """The final count of a bulk send; ``invalid`` lines were never sent (see ``invalid_items``)."""

    sent: int = 0
    failed: int = 0
    invalid: int = 0
    batches: int = 0
    failed_batches: list[str] = field(default_factory=list)
    invalid_items: list[tuple[int, list[FieldError]]] = field(default_factory=list)
    cancelled: bool = False
    discarded_batches: int = 0
    elapsed: float = 0.0
    job_id: str | None = None


class BulkSender:
    """Send many entries/events as consecutive full batches through ``workers`` threads.

    Thread-safe controls: ``pause()``, ``resume()``, ``cancel()``. ``progress`` is called from
    worker threads (a UI must hop to its own thread before touching widgets).
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
    ) -> None:
        if kind not in BATCH_SIZE:
            raise ValueError(f"unknown bulk kind {kind!r}")
        self.factory, self.kind, self.outbox = factory, kind, outbox
        self.workers = max(1, workers)
        self.progress = progress
        self.header = {"trackingId": tracking_id, "sessionId": session_id, "userId": user_id}
        self.job_id = job_id
        self.batch_attempts = max(1, batch_attempts)
        self.tally = BulkTally(job_id=job_id)
        self.total: int | None = None
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()
        self._crashes: list[BaseException] = []

    # --- controls ------------------------------------------------------------------------
    def pause(self) -> None:
        """Stop starting new batches (batches already on the wire finish)."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        """Stop: batches not yet sent are dropped from the journal; the rest are kept."""
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
        return self._dispatch(self._journaled(_numbered(items)))

    def send_records(self, records: Iterable[BatchRecord]) -> BulkTally:
        """Send batches that are already journaled (re-sending what a crash left)."""
        refuse_if_read_only(self.factory, "re-sends")
        return self._dispatch((record, None) for record in records)

    def _dispatch(self, records: Iterator[tuple[BatchRecord, dict[str, Any] | None]]) -> BulkTally:
        started = time.perf_counter()
        slots = threading.BoundedSemaphore(self.workers * 2)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="eventdeck-bulk") as pool:
            while True:
                self._running.wait()
                slots.acquire()
                if self._cancelled.is_set():
                    slots.release()
                    break
                queued = next(records, None)
                if queued is None:
                    slots.release()
                    break
                future = pool.submit(self._send, *queued)
                future.add_done_callback(lambda f: self._finished(f, slots))
        self.tally.cancelled = self._cancelled.is_set()
        self.tally.elapsed = time.perf_counter() - started
        if self._crashes:  # a bug or a journal write failure must not vanish in a worker
            raise self._crashes[0]
        self._report()
        return self.tally

    def _finished(self, future: Future[None], slots: threading.BoundedSemaphore) -> None:
        slots.release()
        exc = future.exception()
        if exc is not None:
            self._crashes.append(exc)
            self.cancel()

    def _journaled(
        self, items: Iterator[tuple[int, dict[str, Any]]]
    ) -> Iterator[tuple[BatchRecord, dict[str, Any]]]:
        """Group valid items into batches and journal each just before it is queued."""
        size = BATCH_SIZE[self.kind]
        batch: list[dict[str, Any]] = []
        lines: list[int] = []
        key: tuple[Any, ...] | None = None
        bytes_ = 0
        for number, item in items:
            converted = self._convert(number, item)
            if converted is None:
                continue
            item_key, api_item, item_bytes = converted
            if batch and (
                item_key != key
                or len(batch) >= size
                or bytes_ + item_bytes > MAX_PARTNER_ENTRY_BYTES
            ):
                yield self._journal(key, batch, lines)
                batch, lines, bytes_ = [], [], 0
            key = item_key
            batch.append(api_item)
            lines.append(number)
            bytes_ += item_bytes
        if batch:
            yield self._journal(key, batch, lines)

    def _convert(
        self, number: int, item: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any], int] | None:
        try:
            if self.kind == PARTNER:
                entry = to_partner_request_entry(item)
                return (), entry, partner_entry_size(entry)
            header = {k: item.get(k) or self.header[k] for k in PERSONALIZE_LINE_HEADER}
            if not header["trackingId"] or not header["sessionId"]:
                raise ValidationFailed([FieldError(None, "trackingId/sessionId",
                    "give trackingId and sessionId for the import, or on each line")])  # fmt: skip
            event = {k: v for k, v in item.items() if k not in PERSONALIZE_LINE_HEADER}
            api_event = to_personalize_event(prepare_events([event])[0])
            return tuple(header[k] for k in PERSONALIZE_LINE_HEADER), api_event, 0
        except ValidationFailed as failed:
            errors = [FieldError(number, e.field, e.message) for e in failed.errors]
            with self._lock:
                self.tally.invalid += 1
                if len(self.tally.invalid_items) < MAX_INVALID_KEPT:
                    self.tally.invalid_items.append((number, errors))
            return None

    def _journal(
        self, key: tuple[Any, ...] | None, batch: list[dict[str, Any]], lines: list[int]
    ) -> tuple[BatchRecord, dict[str, Any]]:
        """Journal a batch; returns its record and the validated API parameters to send."""
        if self.kind == PARTNER:
            request: dict[str, Any] = {"Entries": batch}
        else:
            header = dict(zip(PERSONALIZE_LINE_HEADER, key or (), strict=False))
            request = {k: v for k, v in header.items() if v} | {"eventList": batch}
        extra: dict[str, Any] = {"lines": [lines[0], lines[-1]]}
        if self.job_id:
            extra["job"] = self.job_id
        context = journal_context(self.factory, service_of(self.kind), **extra)
        return self.outbox.record_batch(self.kind, request, context), request

    def _send(self, record: BatchRecord, params: dict[str, Any] | None) -> None:
        self._running.wait()
        if self._cancelled.is_set():
            self.outbox.discard(record.id)
            with self._lock:
                self.tally.discarded_batches += 1
            return
        try:
            ok, failed, journal = self._send_with_retries(record, params)
        except ValidationFailed as exc:  # a journal file edited by hand into something invalid
            ok, failed = 0, _count(record)
            journal = {"error": {"type": "ValidationFailed", "message": exc.message}}
        self.outbox.record_results(record.id, journal, record=record)
        with self._lock:
            self.tally.batches += 1
            self.tally.sent += ok
            self.tally.failed += failed
            if failed:
                self.tally.failed_batches.append(record.id)
        self._report()

    def _send_with_retries(
        self, record: BatchRecord, params: dict[str, Any] | None
    ) -> tuple[int, int, dict[str, Any]]:
        """Send one journaled batch, retrying whole-call transient failures with backoff.

        ``params`` are the validated parameters when the batch was just built; a batch read back
        from the journal (None) is validated and converted again.
        """
        if params is None:
            if record.kind == PARTNER:
                params = to_partner_request(record.request["Entries"])
            else:
                params = to_personalize_request(record.request)
        for attempt in range(self.batch_attempts):
            if record.kind == PARTNER:
                result = send_partner_request(self.factory, params, batch_id=record.id)
                n_ok, n_failed = len(result.entries) - result.failed_count, result.failed_count
                journal, error = result.to_journal(), result.error
            else:
                presult = send_personalize_request(self.factory, params, batch_id=record.id)
                n = len(params["eventList"])
                n_ok, n_failed = (n, 0) if presult.sent else (0, n)
                journal, error = presult.to_journal(), presult.error
            if (
                error is None
                or not isinstance(error, RETRYABLE)
                or attempt + 1 == self.batch_attempts
            ):
                return n_ok, n_failed, journal
            time.sleep(min(2.0, 0.1 * 2**attempt))
        raise AssertionError("unreachable")

    def _report(self) -> None:
        if self.progress is None:
            return
        with self._lock:
            t = self.tally
            snapshot = BulkProgress(t.sent, t.failed, t.invalid, self.total, t.batches, self.paused)
        self.progress(snapshot)


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


def resend_pending(
    factory: Any, outbox: Outbox, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None, kind: str | None = None,
) -> BulkTally:  # fmt: skip
    """Re-send every pending batch (what a crash or kill -9 left), same requests, same eventIds."""
    tally = BulkTally()
    for each_kind in (PARTNER, PERSONALIZE):
        if kind not in (None, each_kind):
            continue
        service = service_of(each_kind)  # never elsewhere: only batches journaled for here
        records = [
            r for r in outbox.pending()
            if r.kind == each_kind and factory.same_destination(r.context, service)
        ]  # fmt: skip
        if not records:
            continue
        sender = BulkSender(factory, each_kind, outbox=outbox, workers=workers, progress=progress)
        sender.total = sum(_count(r) for r in records)
        _merge(tally, sender.send_records(records))
    return tally


def import_file(
    factory: Any, outbox: Outbox, path: str | Path, kind: str, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None, tracking_id: str | None = None,
    session_id: str | None = None, user_id: str | None = None, total: int | None = None,
    on_sender: Callable[[BulkSender], None] | None = None,
) -> BulkTally:  # fmt: skip
    """Bulk-import a JSON Lines file as a resumable job (see ``resume_import``)."""
    refuse_if_read_only(factory, "bulk imports")
    params = {"trackingId": tracking_id, "sessionId": session_id, "userId": user_id}
    source = str(Path(str(path).removeprefix("file://")).resolve())
    job_id = outbox.start_job(kind, source, params, factory.destination(service_of(kind)))
    job = outbox.get_job(job_id)
    assert job is not None
    return _run_job(factory, outbox, job, 0, workers, progress, total, on_sender)


def resume_import(
    factory: Any, outbox: Outbox, job_id: str, *, workers: int = 4,
    progress: Callable[[BulkProgress], None] | None = None,
    on_sender: Callable[[BulkSender], None] | None = None,
) -> BulkTally:  # fmt: skip
    """Finish an interrupted import: re-send its pending batches, then read on after them."""
    job = outbox.get_job(job_id)
    if job is None:
        raise KeyError(f"no import job {job_id}")
    check_job_destination(factory, job)
    batches = outbox.job_batches(job_id)
    last_line = max((int(b.context.get("lines", [0, 0])[1]) for b in batches), default=0)
    tally = resend_pending(factory, outbox, workers=workers, progress=progress, kind=job["kind"])
    _merge(tally, _run_job(factory, outbox, job, last_line, workers, progress, None, on_sender))
    tally.job_id = job_id
    return tally


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


def _run_job(
    factory: Any, outbox: Outbox, job: dict[str, Any], after_line: int, workers: int,
    progress: Callable[[BulkProgress], None] | None, total: int | None,
    on_sender: Callable[[BulkSender], None] | None,
) -> BulkTally:  # fmt: skip
    params = job.get("params") or {}
    sender = BulkSender(
        factory, job["kind"], outbox=outbox, workers=workers, progress=progress,
        tracking_id=params.get("trackingId"), session_id=params.get("sessionId"),
        user_id=params.get("userId"), job_id=job["id"],
    )  # fmt: skip
    if on_sender is not None:
        on_sender(sender)
    items = ((n, item) for n, item in iter_jsonl(job["source"], job["kind"]) if n > after_line)
    tally = sender.run(items, total=total)
    if not tally.cancelled:
        outbox.finish_job(job["id"])
    return tally


def _merge(into: BulkTally, other: BulkTally) -> None:
    into.sent += other.sent
    into.failed += other.failed
    into.invalid += other.invalid
    into.batches += other.batches
    into.failed_batches += other.failed_batches
    into.invalid_items += other.invalid_items
    into.cancelled = into.cancelled or other.cancelled
    into.discarded_batches += other.discarded_batches
    into.elapsed += other.elapsed
    into.job_id = into.job_id or other.job_id
