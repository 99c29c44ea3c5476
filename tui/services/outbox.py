"""The outbox: a journal on disk that makes "nothing composed is ever lost" true.

Every batch is written (atomically, fsynced) before it is sent, and its results are written when
they come back; a crash or ``kill -9`` in between leaves a *pending* batch that the next start
offers to re-send. Drafts autosave here too. Layout under the root (default
``platformdirs.user_data_dir("eventdeck")/outbox``)::

    batches/<id>.pending.json   journaled, results not back yet
    batches/<id>.done.json      the same record with its results (replaces the pending file)
    drafts/<kind>.json          the unsent draft of a pane
    batches/<id>.segment.jsonl  a bulk send's journal, appended: a line per batch and per results
                                (``journal.JournalSegment``); ``.settled.jsonl`` once all answered
    jobs/<id>.json              a bulk import (source file, parameters) until it finishes
    delivered/<ledger>.txt      per source file and destination: the lines delivered ("D key")
                                or unconfirmed ("U key"), appended and fsynced as answers come

A file is only ever replaced whole (temporary file in the same directory, fsync, ``os.replace``,
fsync of the directory), so a reader sees the old content or the new, never a torn one; a file
that is nevertheless unreadable is reported in ``warnings`` and skipped, never a crash.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import platformdirs

from tui.errors import EventdeckError
from tui.fsutil import atomic_write_bytes, fsync_dir, os_error_reason
from tui.services.jsonable import jsonable

Kind = Literal["partner-events", "personalize-events"]
KINDS: tuple[str, ...] = ("partner-events", "personalize-events")
# The boto3 service each kind is sent to: a journaled destination is that service's endpoint.
KIND_SERVICES: dict[str, str] = {
    "partner-events": "events",
    "personalize-events": "personalize-events",
}
_FORBIDDEN = re.compile(r"secret|token|password|credential|access.?key", re.IGNORECASE)
_STALE_TMP_SECONDS = 600
_STATES = ("pending", "done", "discarded")
SEGMENT_SUFFIX = ".segment.jsonl"
SETTLED_SUFFIX = ".settled.jsonl"  # a segment whose every batch has its results: pending() skips it


class DraftNotSavedError(EventdeckError):
    """The draft could not be written (disk full, read-only, …); what is on screen is kept."""


@dataclass(frozen=True)
class BatchRecord:
    """One journaled batch: what was (to be) sent, where, and what came back (None: pending)."""

    id: str
    kind: str
    created_at: str
    request: dict[str, Any]
    context: dict[str, Any]
    results: dict[str, Any] | None = None
    completed_at: str | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def pending(self) -> bool:
        """True when the results never came back (a crash, a kill, or still in flight)."""
        return self.results is None


def default_root() -> Path:
    """Where the outbox lives unless a root is given: the platformdirs data dir."""
    return Path(platformdirs.user_data_dir("eventdeck")) / "outbox"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as every journal file is written."""
    return json.dumps(jsonable(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Outbox:
    """The journal of sent and pending batches, drafts and bulk-import jobs (thread-safe)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.batches_dir = self.root / "batches"
        self.drafts_dir = self.root / "drafts"
        self.jobs_dir = self.root / "jobs"
        self.delivered_dir = self.root / "delivered"
        for directory in (
            self.root, self.batches_dir, self.drafts_dir, self.jobs_dir, self.delivered_dir
        ):  # fmt: skip
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._draft_cache: dict[str, bytes] = {}
        self._sweep_tmp()

    # --- batches -------------------------------------------------------------------------
    def record_batch(
        self, kind: str, request: dict[str, Any], context: dict[str, Any] | None = None
    ) -> BatchRecord:
        """Journal ``request`` (before it is sent) and return its record; fsynced on return."""
        record = self.new_record(kind, request, context)
        path = self._path(record.id, "pending")
        atomic_write_bytes(path, dumps(record_dict(record)))
        return BatchRecord(**{**record.__dict__, "path": path})

    def new_record(
        self, kind: str, request: dict[str, Any], context: dict[str, Any] | None = None
    ) -> BatchRecord:
        """A new batch record for ``request`` (not written anywhere yet): id, time, checked context.

        ``context`` is where it goes (profile, region, endpoint, job…); keys that look like
        secrets are refused, because the journal is a plain file that outlives the session.
        """
        _check_kind(kind)
        context = dict(context or {})
        secret = [k for k in context if _FORBIDDEN.search(k)]
        if secret:
            raise ValueError(f"refusing to journal credentials: {', '.join(secret)}")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        batch_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        return BatchRecord(batch_id, kind, _now(), jsonable(request), jsonable(context))

    def record_results(
        self, batch_id: str, results: dict[str, Any], *, record: BatchRecord | None = None
    ) -> BatchRecord:
        """Journal the results of ``batch_id``: the pending file becomes the done file.

        Pass the ``record`` that ``record_batch`` returned to spare reading it back.
        """
        pending = self._path(batch_id, "pending")
        done = self._path(batch_id, "done")
        source = pending if record is not None or pending.exists() else done
        if record is None or record.id != batch_id:
            record = self._read(source)
        if record is None:
            raise KeyError(f"no readable journaled batch {batch_id}")
        finished = BatchRecord(
            record.id, record.kind, record.created_at, record.request, record.context,
            jsonable(results), _now(),
        )  # fmt: skip
        atomic_write_bytes(done, dumps(record_dict(finished)))
        if source == pending:
            # No directory fsync needed: a pending twin that survives a crash loses to "done".
            pending.unlink(missing_ok=True)
        return BatchRecord(**{**finished.__dict__, "path": done})

    def get(self, batch_id: str) -> BatchRecord | None:
        """The record of ``batch_id`` (done wins over a leftover pending twin), or None."""
        for state in ("done", "pending"):
            path = self._path(batch_id, state)
            if path.exists():
                return self._read(path)
        if self._path(batch_id, "discarded").exists():
            return None
        return self._segment_records().get(batch_id)

    def pending(self) -> list[BatchRecord]:
        """Batches journaled whose results never came back, oldest first (what a crash left)."""
        self.warnings = []
        return [r for _, r in self._records(settled=False) if r is not None and r.pending]

    def history(self, limit: int | None = None) -> list[BatchRecord]:
        """Every journaled batch, newest first (only ``limit`` files are read when given)."""
        self.warnings = []
        records: list[BatchRecord] = []
        for _, record in self._records(newest_first=True):
            if limit is not None and len(records) >= limit:
                break
            if record is not None:
                records.append(record)
        return records

    def discard(self, batch_id: str) -> None:
        """Forget ``batch_id`` (the user chose not to re-send it)."""
        for state in ("pending", "done"):
            self._path(batch_id, state).unlink(missing_ok=True)
        if batch_id in self._segment_records():  # a segment is append-only: mark it instead
            atomic_write_bytes(self._path(batch_id, "discarded"), b"{}")
        fsync_dir(self.batches_dir)

    # --- drafts --------------------------------------------------------------------------
    def save_draft(self, kind: str, draft: dict[str, Any]) -> None:
        """Autosave the draft of ``kind``; cheap to call on every keystroke (unchanged: no I/O).

        Raises DraftNotSavedError (saying why: "disk full", …) when the file cannot be written.
        """
        _check_kind(kind)
        try:
            data = dumps(draft)
        except UnicodeEncodeError:
            # A lone surrogate that got past the fields: \u escapes keep it, and the draft, whole.
            data = json.dumps(jsonable(draft), separators=(",", ":")).encode("ascii")
        with self._lock:
            if self._draft_cache.get(kind) == data:
                return
            try:
                atomic_write_bytes(self.drafts_dir / f"{kind}.json", data)
            except OSError as exc:
                raise DraftNotSavedError(
                    f"Draft not saved: {os_error_reason(exc)}",
                    hint=f"The batch stays on screen and is saved again at the next change ({self.drafts_dir}).",
                ) from exc
            self._draft_cache[kind] = data

    def load_draft(self, kind: str) -> dict[str, Any] | None:
        """The saved draft of ``kind``, or None (none saved, or unreadable: see ``warnings``)."""
        _check_kind(kind)
        path = self.drafts_dir / f"{kind}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            draft = json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            self.warnings.append(f"draft {path} is unreadable and was ignored: {exc}")
            return None
        if not isinstance(draft, dict):
            self.warnings.append(f"draft {path} is not a JSON object and was ignored")
            return None
        with self._lock:
            self._draft_cache[kind] = data
        return draft

    def clear_draft(self, kind: str) -> None:
        """Delete the draft of ``kind`` (it was sent or discarded)."""
        _check_kind(kind)
        with self._lock:
            self._draft_cache.pop(kind, None)
            (self.drafts_dir / f"{kind}.json").unlink(missing_ok=True)

    # --- bulk-import jobs ----------------------------------------------------------------
    def start_job(
        self, kind: str, source: str, params: dict[str, Any],
        destination: dict[str, Any] | None = None,
    ) -> str:  # fmt: skip
        """Journal a bulk import of ``source`` so a crash can resume it; returns the job id.

        ``destination`` (profile, region, endpoint) is where the job sends: resuming checks it.
        """
        _check_kind(kind)
        job_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
        job = {"id": job_id, "kind": kind, "source": source, "params": params,
               "destination": destination or {}, "created_at": _now(),
               "finished_at": None}  # fmt: skip
        atomic_write_bytes(self.jobs_dir / f"{job_id}.json", dumps(job))
        return job_id

    def finish_job(self, job_id: str) -> None:
        """Mark a bulk import finished (every line journaled and sent or cancelled)."""
        job = self.get_job(job_id)
        if job is not None:
            job["finished_at"] = _now()
            atomic_write_bytes(self.jobs_dir / f"{job_id}.json", dumps(job))

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        """The job record of ``job_id`` or None."""
        try:
            job = json.loads((self.jobs_dir / f"{job_id}.json").read_bytes())
        except FileNotFoundError:
            return None
        except (UnicodeDecodeError, ValueError) as exc:
            self.warnings.append(f"job {job_id} is unreadable and was ignored: {exc}")
            return None
        return job if isinstance(job, dict) else None

    def unfinished_jobs(self) -> list[dict[str, Any]]:
        """Bulk imports that never finished (oldest first)."""
        jobs = [self.get_job(p.name[: -len(".json")]) for p in sorted(self.jobs_dir.glob("*.json"))]
        return [job for job in jobs if job is not None and not job.get("finished_at")]

    def job_batches(self, job_id: str) -> list[BatchRecord]:
        """Every journaled batch of a bulk import, oldest first."""
        return [r for _, r in self._records() if r is not None and r.context.get("job") == job_id]

    # --- delivery ledger of bulk imports --------------------------------------------------
    def note_outcomes(self, ledger: str, delivered: list[str], unconfirmed: list[str]) -> None:
        """Append what a batch of ``ledger`` delivered and what is unconfirmed; fsynced.

        Why: importing the same (or a corrected) file again must not send a line twice; the
        ledger remembers, per source and destination, which lines AWS confirmed and which may
        have arrived, keyed by line number and content (``bulk.line_key``).
        """
        if not delivered and not unconfirmed:
            return
        text = "".join(f"D {k}\n" for k in delivered) + "".join(f"U {k}\n" for k in unconfirmed)
        path = self.ledger_path(ledger)
        with self._lock:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, text.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def ledger(self, ledger: str) -> tuple[set[str], set[str]]:
        """(delivered keys, unconfirmed keys) of ``ledger``; a later "D" clears an earlier "U"."""
        delivered: set[str] = set()
        unconfirmed: set[str] = set()
        try:
            handle = self.ledger_path(ledger).open("rb")
        except FileNotFoundError:
            return delivered, unconfirmed
        with handle:
            for raw in handle:
                state, _, key = raw.decode("ascii", "replace").strip().partition(" ")
                if state == "D" and key:
                    delivered.add(key)
                elif state == "U" and key:
                    unconfirmed.add(key)
        return delivered, unconfirmed - delivered

    def forget_ledger(self, ledger: str) -> None:
        """Forget what ``ledger`` delivered (the user asked to send everything again)."""
        self.ledger_path(ledger).unlink(missing_ok=True)

    def ledger_path(self, ledger: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{8,64}", ledger):
            raise KeyError(f"not a ledger id: {ledger!r}")
        return self.delivered_dir / f"{ledger}.txt"

    # --- internals -----------------------------------------------------------------------
    def _path(self, batch_id: str, state: str) -> Path:
        if not re.fullmatch(r"[0-9A-Za-z-]+", batch_id):
            raise KeyError(f"not a batch id: {batch_id!r}")
        return self.batches_dir / f"{batch_id}.{state}.json"

    def _names(self) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for entry in os.scandir(self.batches_dir):
            parts = entry.name.split(".")
            if len(parts) == 3 and parts[2] == "json" and parts[1] in _STATES:
                names.setdefault(parts[0], set()).add(parts[1])
        return names

    def _records(self, newest_first: bool = False, settled: bool = True) -> Iterator[Any]:
        """(id, record or None if unreadable) of every batch, by id; files win over segments.

        (A later recovery settles a segment's batch in a done file; a discarded marker hides one.)
        """
        names = self._names()
        segments = self._segment_records(settled)
        ids = sorted(set(names) | set(segments), reverse=newest_first)
        for batch_id in ids:
            states = names.get(batch_id, set())
            if "discarded" in states:
                continue
            if states:
                state = "done" if "done" in states else "pending"
                yield batch_id, self._read(self._path(batch_id, state))
            else:
                yield batch_id, segments[batch_id]

    def _read(self, path: Path) -> BatchRecord | None:
        try:
            record = _record_of(json.loads(path.read_bytes()), path)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            self.warnings.append(f"journal file {path} is unreadable and was skipped: {exc}")
            return None
        return record

    def _segment_records(self, settled: bool = True) -> dict[str, BatchRecord]:
        """Every batch journaled in a segment, with its results when a results line follows.

        A line that does not parse is skipped: at the end of a segment it is the tail a crash
        cut (written after the last sync, so nothing was sent on its strength); elsewhere it is
        reported in ``warnings``.
        """
        records: dict[str, BatchRecord] = {}
        paths = [*self.batches_dir.glob(f"*{SEGMENT_SUFFIX}")]
        if settled:
            paths += self.batches_dir.glob(f"*{SETTLED_SUFFIX}")
        for path in sorted(paths):
            results: dict[str, tuple[Any, Any]] = {}
            try:
                lines = path.read_bytes().split(b"\n")
            except OSError as exc:
                self.warnings.append(f"journal file {path} is unreadable and was skipped: {exc}")
                continue
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    if "batch" in entry:
                        record = _record_of(entry["batch"], path)
                        records[record.id] = record
                    else:
                        done = entry["results"]
                        results[str(done["id"])] = (done["results"], done.get("completed_at"))
                except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                    if number < len(lines):  # not the last, unterminated line
                        self.warnings.append(f"journal {path} line {number} skipped: {exc}")
            for batch_id, (result, at) in results.items():
                if batch_id in records:
                    records[batch_id] = replace(records[batch_id], results=result, completed_at=at)
        return records

    def _sweep_tmp(self) -> None:
        """Remove temporary files a crash left mid-write (old enough not to be in use)."""
        cutoff = time.time() - _STALE_TMP_SECONDS
        for directory in (self.batches_dir, self.drafts_dir, self.jobs_dir):
            for tmp in directory.glob(".*.tmp"):
                try:
                    if tmp.stat().st_mtime < cutoff:
                        tmp.unlink()
                except OSError:
                    pass


def record_dict(record: BatchRecord) -> dict[str, Any]:
    """What the journal keeps of ``record`` (everything but where it was read from)."""
    return {k: v for k, v in record.__dict__.items() if k != "path"}


def _record_of(raw: Any, path: Path) -> BatchRecord:
    return BatchRecord(
        id=str(raw["id"]), kind=str(raw["kind"]), created_at=str(raw["created_at"]),
        request=dict(raw["request"]), context=dict(raw.get("context") or {}),
        results=raw.get("results"), completed_at=raw.get("completed_at"), path=path,
    )  # fmt: skip


def service_of(kind: str) -> str:
    """The boto3 service a batch of ``kind`` goes to (``"events"`` for partner events)."""
    _check_kind(kind)
    return KIND_SERVICES[kind]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}; expected one of {', '.join(KINDS)}")
