"""The bulk journal's group commit: what a crash before a sync leaves is held, never lost or re-sent."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tui.services import bulk, journal
from tui.services.bulk import BulkSender
from tui.services.bulk_jobs import import_file, resume_import, scan_file
from tui.services.journal import JournalSegment
from tui.services.outbox import Outbox
from tui.services.session import ClientFactory

SOURCE = "aws.partner/example.com/journal"
PARTNER = "partner-events"


def partner_file(path: Path, n: int) -> Path:
    path.write_text("".join(
        json.dumps({"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": i})}) + "\n"
        for i in range(n)))  # fmt: skip
    return path


def crash_to(durable: dict[Path, int], outbox: Outbox) -> None:
    """What a kill -9 with a power cut at that moment leaves: only the synced bytes of each file.

    (A segment settled after that moment is put back under its name of then.)
    """
    for settled in outbox.batches_dir.glob("*.settled.jsonl"):
        os.replace(settled, str(settled).removesuffix(".settled.jsonl") + ".segment.jsonl")
    files = [*outbox.batches_dir.glob("*.segment.jsonl"), *outbox.delivered_dir.glob("*.txt")]
    for path in files:
        os.truncate(path, durable.get(path, 0))


def test_a_crash_between_the_send_and_the_group_commit_holds_the_batch(
    sandbox_env: Any, sandbox_options: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Results wait for a sync of their own no sooner than an hour: only the next batch's
    # pre-send sync (or the end of the run) makes them durable. Every progress report goes out.
    monkeypatch.setattr(journal, "COMMIT_INTERVAL", 3600.0)
    monkeypatch.setattr(bulk, "PROGRESS_INTERVAL", 0.0)
    root = tmp_path / "outbox"
    outbox, factory = Outbox(root), ClientFactory(sandbox_options)
    source = partner_file(tmp_path / "p.jsonl", 60)  # 3 batches of 20
    senders: list[BulkSender] = []
    at_crash: dict[Path, int] = {}
    crashed = threading.Event()

    def progress(p: Any) -> None:
        # Batch 2 answered, its ledger and results lines appended, not yet synced: crash here.
        if p.batches_done == 2 and not crashed.is_set():
            crashed.set()
            assert senders[0].journal is not None
            at_crash.update(senders[0].journal.durable)
            senders[0].cancel()

    tally = import_file(factory, outbox, source, PARTNER, workers=1, progress=progress,
                        on_sender=senders.append)  # fmt: skip
    assert tally.sent == 40 and tally.cancelled
    crash_to(at_crash, outbox)

    # The next start: batch 1 is delivered, batch 2 is cut off (held), batch 3 never left.
    after = Outbox(root)
    (job,) = after.unfinished_jobs()
    states = [b.pending for b in after.job_batches(job["id"])]
    assert states == [False, True]
    report = scan_file(factory, after, source, PARTNER)
    assert (report.delivered_before, report.unconfirmed_before, report.to_send) == (20, 20, 20)

    resumed = resume_import(factory, after, job["id"], workers=1)
    assert (resumed.sent, resumed.unconfirmed_before) == (20, 20)  # batch 2 held, not re-sent
    got = Counter(e["Detail"] for e in sandbox_env.received()["events"])
    assert len(got) == 60 and set(got.values()) == {1}  # nothing lost, nothing twice
    assert after.pending() == [] and after.unfinished_jobs() == []


def test_concurrent_appends_share_one_sync_and_each_record_is_durable_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = Outbox(tmp_path)
    synced: list[int] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        # The first sync is slow: it lasts until all 16 records are appended (they then share
        # the second one), as when the disk is busy.
        deadline = time.monotonic() + 10
        while not synced and segment.path.read_bytes().count(b"\n") < 16:
            assert time.monotonic() < deadline, "the other threads never appended"
            time.sleep(0.001)
        synced.append(os.fstat(fd).st_size)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    request = {"Entries": [{"Source": SOURCE, "DetailType": "t", "Detail": "{}"}]}
    durable_at_return: dict[str, int] = {}
    with JournalSegment(outbox) as segment:

        def journal_one() -> None:
            record = segment.record_batch(PARTNER, request, {"job": "j"})
            durable_at_return[record.id] = segment.durable[segment.path]

        threads = [threading.Thread(target=journal_one) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        data = segment.path.read_bytes()
    assert len(synced) == 2  # 16 records, 2 syncs
    for batch_id, durable in durable_at_return.items():
        assert batch_id.encode() in data[:durable]  # its own line was durable before return
    assert len(durable_at_return) == 16 and len(outbox.pending()) == 16


def test_segment_records_are_read_back_with_torn_tails_and_settlements(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    request = {"Entries": [{"Source": SOURCE, "DetailType": "t", "Detail": "{}"}]}
    with JournalSegment(outbox) as segment:
        first = segment.record_batch(PARTNER, request, {"job": "j"})
        second = segment.record_batch(PARTNER, request, {"job": "j"})
        third = segment.record_batch(PARTNER, request, {"job": "j"})
        segment.record_results(first.id, {"failed_count": 0}, record=first)
    with segment.path.open("ab") as handle:
        handle.write(b'{"results": {"id": "' + second.id.encode())  # a tail cut by a crash
    assert [r.id for r in outbox.pending()] == [second.id, third.id]
    assert outbox.warnings == []  # a torn last line is expected after a crash, not a problem
    got = outbox.get(first.id)
    assert got is not None and got.results == {"failed_count": 0} and got.request == request
    # A later run settles one (its own done file wins) and the user discards the other.
    outbox.record_results(second.id, {"unconfirmed_count": 1}, record=second)
    outbox.discard(third.id)
    assert outbox.pending() == [] and outbox.get(third.id) is None
    assert [r.id for r in outbox.history()] == [second.id, first.id]
    assert [r.id for r in outbox.job_batches("j")] == [first.id, second.id]


def test_a_segment_whose_batches_all_answered_is_settled_and_not_read_at_start(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path)
    request = {"Entries": [{"Source": SOURCE, "DetailType": "t", "Detail": "{}"}]}
    with JournalSegment(outbox) as answered:
        record = answered.record_batch(PARTNER, request, {"job": "a"})
        answered.record_results(record.id, {"failed_count": 0}, record=record)
    with JournalSegment(outbox) as cut_off:
        left = cut_off.record_batch(PARTNER, request, {"job": "b"})
    assert answered.path.name.endswith(".settled.jsonl")
    assert cut_off.path.name.endswith(".segment.jsonl")  # a batch got no answer: not settled
    with answered.path.open("ab") as handle:
        handle.write(b"{not json}\n{}\n")  # were it read, this would be reported
    assert [r.id for r in outbox.pending()] == [left.id] and outbox.warnings == []
    assert [r.id for r in outbox.history()] == [left.id, record.id] and outbox.warnings
