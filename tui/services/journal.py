"""A bulk send's journal: one append-only segment file, made durable by group commit.

Why: journaling each batch as its own file (temporary file, fsync, rename, directory fsync, then
the same again for the results) cost four fsyncs and ~0.5 ms of CPU per batch, and made a bulk
send twice as slow as plain boto3. A segment appends a line per batch record and per results, and
one ``fdatasync`` makes every line appended before it durable, whichever thread asked for it.

The order that keeps recovery exact (nothing lost, nothing silently sent twice):

1. A batch's record is appended and made durable **before the batch is sent**
   (``record_batch`` returns only then; threads that append while a sync runs share the next
   one). After any crash, every batch that may have reached AWS is in the journal.
2. After the answer, the ledger lines (which keys were delivered, which are unconfirmed) are
   appended, then the results line. Neither waits for the disk.
3. A sync makes the ledgers durable first, then the segment. Durable results therefore always
   have durable ledger lines. A crash before the sync leaves the batch *pending*, exactly like a
   batch cut off on the wire: recovery holds its partner entries as unconfirmed (re-sent only when
   the user accepts they may arrive twice) and re-sends its Personalize events with their
   eventIds (Personalize keeps one). Nothing that was answered is forgotten as "sent", and nothing
   is re-sent without the user's word.

Syncs run whenever a batch is about to be sent (covering every earlier results line), when the
last one is older than ``COMMIT_INTERVAL``, for ``sync()`` and at ``close()``. Results of batches
journaled elsewhere (re-sends of what a crash left) go through ``Outbox.record_results`` after a
sync, so they keep the same order.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.fsutil import fsync_dir, write_all
from tui.services.jsonable import jsonable
from tui.services.outbox import (
    SEGMENT_SUFFIX,
    SETTLED_SUFFIX,
    BatchRecord,
    Outbox,
    dumps,
    record_dict,
)

COMMIT_INTERVAL = 0.2  # seconds: results wait at most about this long for a sync of their own


class JournalSegment:
    """The journal of one bulk send (thread-safe); use as a context manager (``close`` syncs)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = outbox.batches_dir / f"{stamp}-{uuid.uuid4().hex[:8]}{SEGMENT_SUFFIX}"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        fsync_dir(outbox.batches_dir)  # the segment's name is durable before a batch relies on it
        self._cond = threading.Condition()
        self._written = 0  # bytes appended to the segment
        self._synced = 0  # bytes of it known durable
        self._syncing = False
        self._ledgers: dict[str, int] = {}  # ledger id -> its open file
        self._dirty: set[int] = set()  # ledger files appended since the last sync
        self._own: set[str] = set()  # batches journaled in this segment
        self._unanswered = 0  # of them, batches whose results are not appended yet
        self._last_sync = time.monotonic()
        self.syncs = 0
        self.durable: dict[Path, int] = {}  # file -> size known durable (what a crash keeps)

    def __enter__(self) -> JournalSegment:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the Journal interface of sending.send_journaled ------------------------------------
    def record_batch(
        self, kind: str, request: dict[str, Any], context: dict[str, Any] | None = None
    ) -> BatchRecord:
        """Append ``request``'s record and return once it is durable (before it is sent)."""
        record = self.outbox.new_record(kind, request, context)
        line = dumps({"batch": record_dict(record)}) + b"\n"
        with self._cond:
            end = self._append(line)
            self._own.add(record.id)
            self._unanswered += 1
        self._commit(end)
        return BatchRecord(**{**record.__dict__, "path": self.path})

    def record_results(
        self, batch_id: str, results: dict[str, Any], *, record: BatchRecord | None = None
    ) -> BatchRecord:
        """Append the results of ``batch_id`` (durable at the next sync; see the module doc)."""
        if batch_id not in self._own:  # journaled by an earlier run: its own done file
            self.sync()  # ledger lines first
            return self.outbox.record_results(batch_id, results, record=record)
        assert record is not None
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        done = {"id": batch_id, "results": jsonable(results), "completed_at": now}
        with self._cond:
            self._append(dumps({"results": done}) + b"\n")
            self._unanswered -= 1
            stale = time.monotonic() - self._last_sync > COMMIT_INTERVAL
        if stale:
            self.sync()
        return BatchRecord(**{**record.__dict__, "results": done["results"], "completed_at": now})

    # --- the delivery ledger ---------------------------------------------------------------------
    def note_outcomes(self, ledger: str, delivered: list[str], unconfirmed: list[str]) -> None:
        """Append to ``ledger`` (as ``Outbox.note_outcomes``); durable before later results are."""
        if not delivered and not unconfirmed:
            return
        text = "".join(f"D {k}\n" for k in delivered) + "".join(f"U {k}\n" for k in unconfirmed)
        with self._cond:
            fd = self._ledgers.get(ledger)
            if fd is None:
                path = self.outbox.ledger_path(ledger)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                self._ledgers[ledger] = fd
            write_all(fd, text.encode("ascii"))
            self._dirty.add(fd)

    # --- durability --------------------------------------------------------------------------
    def sync(self) -> None:
        """Make everything appended so far durable (ledgers first, then the segment)."""
        with self._cond:
            end = self._written
        self._commit(end, ledgers=True)

    def close(self) -> None:
        """Sync, close the files; an empty segment is removed, an answered one marked settled.

        Why settled: the next start looks for pending batches in unsettled segments only, so a
        million lines imported last month cost nothing to start up.
        """
        if self._fd < 0:
            return
        self.sync()
        with self._cond:
            for fd in self._ledgers.values():
                os.close(fd)
            self._ledgers.clear()
            os.close(self._fd)
            self._fd = -1
        if self._written == 0:
            self.path.unlink(missing_ok=True)
        elif self._unanswered == 0:  # synced above: every batch's results are on disk
            settled = self.path.with_name(self.path.name.removesuffix(SEGMENT_SUFFIX))
            settled = settled.with_name(settled.name + SETTLED_SUFFIX)
            os.replace(self.path, settled)
            fsync_dir(settled.parent)
            self.path = settled

    def _append(self, data: bytes) -> int:
        """Append under the lock; returns the segment's size after it."""
        write_all(self._fd, data)
        self._written += len(data)
        return self._written

    def _commit(self, end: int, *, ledgers: bool = False) -> None:
        """Return once the segment's first ``end`` bytes (and, asked, every ledger) are durable.

        One thread syncs at a time; the others wait, and one sync covers every line appended
        before it started (group commit). A failed sync raises in the thread that ran it: a
        batch whose record could not be made durable is never sent.
        """
        with self._cond:
            while self._synced < end or (ledgers and self._dirty):
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing = True
                target, dirty = self._written, list(self._dirty)
                self._dirty.clear()
                sizes = {p: os.fstat(fd).st_size for p, fd in self._ledger_paths(dirty)}
                self._cond.release()
                try:
                    for fd in dirty:
                        os.fsync(fd)
                    os.fdatasync(self._fd)
                except BaseException:
                    self._cond.acquire()
                    self._dirty.update(dirty)
                    self._syncing = False
                    self._cond.notify_all()
                    raise
                self._cond.acquire()
                self._syncing = False
                self._synced = max(self._synced, target)
                self._last_sync = time.monotonic()
                self.syncs += 1
                self.durable.update(sizes)
                self.durable[self.path] = self._synced
                self._cond.notify_all()

    def _ledger_paths(self, fds: list[int]) -> list[tuple[Path, int]]:
        by_fd = {fd: ledger for ledger, fd in self._ledgers.items()}
        return [(self.outbox.ledger_path(by_fd[fd]), fd) for fd in fds if fd in by_fd]
