"""The outbox journal: atomic, fsynced, never torn by kill -9, corrupt files reported not fatal."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tui.services.outbox import Outbox, atomic_write_bytes, default_root

REQUEST = {
    "trackingId": "t",
    "sessionId": "s",
    "eventList": [{"eventType": "click", "eventId": "e1"}],
}
CONTEXT = {"profile": "dev", "region": "us-east-1", "endpoint": "https://127.0.0.1:1"}


def test_default_root_is_the_isolated_data_dir(isolated_dirs: Path) -> None:
    assert str(default_root()).startswith(str(isolated_dirs))
    assert Outbox().root == default_root()


def test_batch_lifecycle(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    first = outbox.record_batch("personalize-events", REQUEST, CONTEXT)
    assert first.pending and first.path is not None and first.path.exists()
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    assert [r.id for r in outbox.pending()] == [first.id]

    second = outbox.record_batch("partner-events", {"Entries": [{"Source": "x"}]}, CONTEXT)
    done = outbox.record_results(first.id, {"sent": True})
    assert not done.pending and done.results == {"sent": True} and done.completed_at
    assert not first.path.exists()  # the pending file became the done file
    assert [r.id for r in outbox.pending()] == [second.id]
    assert [r.id for r in outbox.history()] == [second.id, first.id]  # newest first
    assert [r.id for r in outbox.history(limit=1)] == [second.id]
    got = outbox.get(first.id)
    assert got is not None and got.request == REQUEST and got.context == CONTEXT

    # A second Outbox on the same root (the next start) sees the same journal.
    again = Outbox(tmp_path)
    assert [r.id for r in again.pending()] == [second.id]
    again.discard(second.id)
    assert again.pending() == [] and again.get(second.id) is None


def test_done_wins_over_a_leftover_pending_twin(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    record = outbox.record_batch("personalize-events", REQUEST, CONTEXT)
    assert record.path is not None
    saved = record.path.read_bytes()
    outbox.record_results(record.id, {"sent": True})
    record.path.write_bytes(saved)  # as if the crash came between replace and unlink
    assert outbox.pending() == []
    got = outbox.get(record.id)
    assert got is not None and got.results == {"sent": True}


def test_refuses_secrets_in_context(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    for key in ("aws_secret_access_key", "session_token", "AccessKeyId", "password"):
        with pytest.raises(ValueError, match="credentials"):
            outbox.record_batch("partner-events", {"Entries": []}, {key: "x"})
    assert outbox.history() == []
    with pytest.raises(ValueError):
        outbox.record_batch("ivs", {}, {})


def test_corrupt_files_are_reported_and_skipped(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    good = outbox.record_batch("personalize-events", REQUEST, CONTEXT)
    (outbox.batches_dir / "20000101T000000000000Z-deadbeef.pending.json").write_text("{torn")
    (outbox.batches_dir / "20000101T000000000001Z-deadbeef.pending.json").write_text("[]")
    (outbox.batches_dir / "unrelated.txt").write_text("x")
    assert [r.id for r in outbox.pending()] == [good.id]
    assert len(outbox.warnings) == 2 and "unreadable" in outbox.warnings[0]
    assert [r.id for r in outbox.history()] == [good.id]
    (outbox.drafts_dir / "partner-events.json").write_text("nope")
    assert outbox.load_draft("partner-events") is None
    assert any("draft" in w for w in outbox.warnings)
    with pytest.raises(KeyError):
        outbox.get("../../etc/passwd")


def test_drafts(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    assert outbox.load_draft("partner-events") is None
    draft = {"entries": [{"Source": "aws.partner/a/b", "Detail": '{\n  "k": 1'}], "selected": 0}
    outbox.save_draft("partner-events", draft)
    path = outbox.drafts_dir / "partner-events.json"
    mtime = path.stat().st_mtime_ns
    outbox.save_draft("partner-events", dict(draft))  # unchanged: no write
    assert path.stat().st_mtime_ns == mtime
    assert Outbox(tmp_path).load_draft("partner-events") == draft
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    outbox.clear_draft("partner-events")
    assert outbox.load_draft("partner-events") is None


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    stale = outbox.batches_dir / ".x.json.1.abc.tmp"
    fresh = outbox.batches_dir / ".y.json.1.abc.tmp"
    stale.write_text("{")
    fresh.write_text("{")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    Outbox(tmp_path)
    assert not stale.exists() and fresh.exists()
    assert outbox.pending() == [] and outbox.warnings == []


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.services.outbox import Outbox, atomic_write_bytes
    root = Path(sys.argv[1])
    outbox = Outbox(root)
    target = root / "target.json"
    n = 0
    print("ready", flush=True)
    while True:
        n += 1
        # ~1 MB per write so that the kill very likely lands mid-write.
        body = ('{"n": %d, "pad": "' % n + "x" * 1_000_000 + '"}').encode()
        atomic_write_bytes(target, body)
        rec = outbox.record_batch("personalize-events", {"eventList": [{"n": n}]}, {})
        outbox.record_results(rec.id, {"sent": True, "n": n})
        outbox.save_draft("partner-events", {"n": n, "pad": "y" * 200_000})
    """
)


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.45])
def test_sigkill_never_leaves_a_torn_file(tmp_path: Path, delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    target = json.loads((tmp_path / "target.json").read_bytes())  # old or new, never torn
    assert target["n"] >= 1 and len(target["pad"]) == 1_000_000
    outbox = Outbox(tmp_path)
    history = outbox.history()
    assert outbox.warnings == []
    assert all(
        r.results == {"sent": True, "n": r.request["eventList"][0]["n"]}
        for r in history
        if not r.pending
    )
    assert len(outbox.pending()) <= 1  # at most the batch that was between journal and results
    draft = outbox.load_draft("partner-events")
    assert outbox.warnings == []
    assert draft is None or len(draft["pad"]) == 200_000


def test_atomic_write_leaves_no_temporary_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "w").mkdir()
    target = tmp_path / "w" / "f.json"
    atomic_write_bytes(target, b"old")

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]
