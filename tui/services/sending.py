"""The one sending path: journal the batch, send it through a CallPool slot, journal its results.

Why: single sends from compose, re-sends, crash recovery and bulk import all go through
``send_journaled``, so every one of them is journaled before the call, bounded by the same pool
(the header's in-flight and call counts see bulk sends too), and leaves its results (sent, failed
or *unconfirmed*) in the journal. There used to be a second path in bulk import, with its own
thread pool, that the CallPool never saw.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, Protocol, TypeVar

from tui.services.outbox import BatchRecord

SENT = "sent"
FAILED = "failed"
UNCONFIRMED = "unconfirmed"  # no answer after the request may have reached AWS


class Journal(Protocol):
    """Where batches and their results are journaled: the Outbox, or a bulk send's segment."""

    def record_batch(
        self, kind: str, request: dict[str, Any], context: dict[str, Any] | None = None
    ) -> BatchRecord: ...

    def record_results(
        self, batch_id: str, results: dict[str, Any], *, record: BatchRecord | None = None
    ) -> BatchRecord: ...


class Journaled(Protocol):
    """A send result the outbox can keep."""

    def to_journal(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Journaled)


def send_journaled(
    factory: Any,
    kind: str,
    params: dict[str, Any],
    send: Callable[..., R],
    *,
    outbox: Journal | None = None,
    context: dict[str, Any] | None = None,
    record: BatchRecord | None = None,
    before_results: Callable[[BatchRecord, R], None] | None = None,
    attempts: int = 1,
    retry_if: Callable[[R], bool] | None = None,
) -> tuple[R, BatchRecord | None]:
    """Journal ``params`` (unless ``record`` is already journaled), send, journal the result.

    ``outbox`` is the Outbox (a file per batch, fsynced) or a bulk send's ``JournalSegment``
    (group commit: the record is durable before the call, the results at the next sync).

    ``send(factory, params, batch_id=...)`` makes the AWS call and returns its result (errors
    included, never raised). ``before_results`` runs after the answer and before the results are
    journaled (a bulk import notes what was delivered there, so a crash in between can only leave
    a batch whose outcome is known twice, never one whose delivery is forgotten). Up to
    ``attempts`` calls are made while ``retry_if(result)`` says the answer was a transient error
    that had no effect, with a backoff between them spent outside the pool slot.
    """
    if record is None and outbox is not None:
        record = outbox.record_batch(kind, params, context)
    pool = getattr(factory, "pool", None)
    for attempt in range(max(1, attempts)):
        with pool.slot() if pool is not None else nullcontext():
            result = send(factory, params, batch_id=record.id if record is not None else None)
        if attempt + 1 >= attempts or retry_if is None or not retry_if(result):
            break
        time.sleep(min(2.0, 0.1 * 2**attempt))
    if record is not None:
        if before_results is not None:
            before_results(record, result)
        if outbox is not None:
            record = outbox.record_results(record.id, result.to_journal(), record=record)
    return result, record
