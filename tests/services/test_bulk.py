"""Bulk send through real boto3 against the sandbox: full batches, faults, pause/cancel, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tui.errors import EventdeckError, ReadOnlyError
from tui.services import bulk
from tui.services.bulk import BulkProgress, BulkSender, resend_pending
from tui.services.bulk_jobs import import_file, resume_import
from tui.services.outbox import Outbox
from tui.services.personalize_events import PersonalizeSendResult
from tui.services.session import ClientFactory

SOURCE = "aws.partner/example.com/orders"


def events(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "itemId": f"item-{i}"}
            for i in range(start, start + n)]  # fmt: skip


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def test_ten_thousand_events_under_faults_received_exactly_once(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    sandbox_env.set_faults("throttle=0.05,error=0.02,reset=0.01,seed=5")
    seen: list[BulkProgress] = []
    sender = BulkSender(
        ClientFactory(sandbox_options), "personalize-events", outbox=outbox, workers=8,
        tracking_id="tracker", session_id="session", progress=seen.append,
    )  # fmt: skip
    tally = sender.run(events(10_000), total=10_000)
    sandbox_env.set_faults(None)
    assert (tally.sent, tally.failed, tally.invalid, tally.batches) == (10_000, 0, 0, 1_000)
    received = sandbox_env.received()["personalize-events"]
    ids = Counter(r["eventId"] for r in received)
    assert len(received) == 10_000 and max(ids.values()) == 1  # exactly once
    assert sorted(r["itemId"] for r in received) == sorted(f"item-{i}" for i in range(10_000))
    assert outbox.pending() == []
    journal_ids = {e["eventId"] for r in outbox.history() for e in r.request["eventList"]}
    assert journal_ids == set(ids)  # the ids sent are the ids journaled before sending
    assert seen[-1].sent == 10_000 and seen[-1].total == 10_000


def test_partner_bulk_invalid_lines_and_partial_failures(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    items: list[dict[str, Any]] = []
    for i in range(45):
        detail: dict[str, Any] = {"n": i}
        if i % 10 == 3:
            detail["sandbox_fail"] = "InternalFailure"
        items.append({"Source": SOURCE, "DetailType": "t", "Detail": json.dumps(detail)})
    items[7]["Detail"] = "{broken"
    items[30]["Source"] = "nope"
    outbox = Outbox(tmp_path / "outbox")
    tally = BulkSender(
        ClientFactory(sandbox_options), "partner-events", outbox=outbox, workers=3
    ).run(items)
    assert tally.invalid == 2
    assert [(n, e[0].field) for n, e in tally.invalid_items] == [(8, "Detail"), (31, "Source")]
    assert tally.batches == 3  # 43 valid entries: 20 + 20 + 3
    assert tally.failed == 5 and tally.sent == 38 and len(tally.failed_batches) == 3
    received = [json.loads(e["Detail"])["n"] for e in sandbox_env.received()["events"]]
    assert sorted(received) == [i for i in range(45) if i % 10 != 3 and i not in (7, 30)]


def test_per_line_sessions_are_grouped(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    items = [{**e, "sessionId": f"s{i // 3}"} for i, e in enumerate(events(9))]
    tally = BulkSender(ClientFactory(sandbox_options), "personalize-events", outbox=Outbox(tmp_path),
                       tracking_id="t", workers=2).run(items)  # fmt: skip
    assert tally.sent == 9 and tally.batches == 3
    for r in sandbox_env.received()["personalize-events"]:
        assert r["sessionId"] == f"s{int(r['itemId'].split('-')[1]) // 3}"
    no_session = BulkSender(ClientFactory(sandbox_options), "personalize-events", outbox=Outbox(tmp_path),
                            tracking_id="t").run(events(2))  # fmt: skip
    assert no_session.invalid == 2 and no_session.sent == 0


def test_pause_resume_cancel(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    sandbox_env.set_faults("latency=5ms")
    paused_at = threading.Event()
    sender: BulkSender

    def progress(p: BulkProgress) -> None:
        if p.batches_done >= 5 and not paused_at.is_set():
            paused_at.set()
            sender.pause()

    sender = BulkSender(ClientFactory(sandbox_options), "personalize-events", outbox=outbox,
                        workers=2, tracking_id="t", session_id="s", progress=progress)  # fmt: skip
    result: dict[str, Any] = {}
    # daemon: a failing assertion below must not leave a paused sender blocking pytest's exit
    thread = threading.Thread(
        target=lambda: result.update(tally=sender.run(events(3000))), daemon=True
    )
    thread.start()
    assert paused_at.wait(20)
    # Batches already on the wire finish; wait until the count stops moving (a loaded CI machine
    # may take a while), then check nothing more is sent while paused.
    frozen = -1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        count = len(sandbox_env.received()["personalize-events"])
        if count == frozen:
            break
        frozen = count
        time.sleep(0.3)
    time.sleep(0.4)
    assert len(sandbox_env.received()["personalize-events"]) == frozen  # nothing sent while paused
    assert sender.paused
    sender.resume()
    deadline = time.monotonic() + 60  # a hang guard, not a speed check
    while len(sandbox_env.received()["personalize-events"]) <= frozen:
        assert time.monotonic() < deadline, "nothing was sent after resume"
        time.sleep(0.05)
    sender.cancel()
    thread.join(20)
    sandbox_env.set_faults(None)
    tally = result["tally"]
    assert tally.cancelled and 0 < tally.sent < 3000
    received = sandbox_env.received()["personalize-events"]
    assert len(received) == tally.sent
    assert outbox.pending() == []  # queued-but-unsent batches were dropped from the journal
    assert sum(len(r.request["eventList"]) for r in outbox.history()) == tally.sent


def test_read_only_refuses_bulk(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path)
    factory = ClientFactory(sandbox_options.with_(read_only=True))
    with pytest.raises(ReadOnlyError):
        BulkSender(
            factory, "personalize-events", outbox=outbox, tracking_id="t", session_id="s"
        ).run(events(5))
    with pytest.raises(ReadOnlyError):
        import_file(
            factory, outbox, write_jsonl(tmp_path / "e.jsonl", events(5)), "personalize-events"
        )
    assert outbox.history() == [] and outbox.unfinished_jobs() == []


IMPORTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.services.bulk_jobs import import_file
    from tui.services.options import ConnectionOptions
    from tui.services.outbox import Outbox
    from tui.services.session import ClientFactory
    endpoint, ca, root, source = sys.argv[1:5]
    factory = ClientFactory(ConnectionOptions(region="us-east-1", endpoint_url=endpoint, ca_bundle=ca))
    def progress(p):
        print(p.batches_done, flush=True)
    import_file(factory, Outbox(Path(root)), source, "personalize-events", workers=4,
                tracking_id="tracker", session_id="session", progress=progress)
    print("finished", flush=True)
    """
)


def test_kill_mid_import_then_resume(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    source = write_jsonl(tmp_path / "events.jsonl", events(3000))
    root = tmp_path / "outbox"
    sandbox_env.set_faults("latency=10ms,seed=2")
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, sandbox_env.endpoint, sandbox_env.ca_bundle, str(root), str(source)],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        assert line.strip() != "finished", "the import ended before it could be killed"
        if line.strip().isdigit() and int(line) >= 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    sandbox_env.set_faults(None)

    outbox = Outbox(root)
    before = Counter(r["itemId"] for r in sandbox_env.received()["personalize-events"])
    assert 0 < sum(before.values()) < 3000  # killed mid-import
    in_flight = {e["itemId"] for r in outbox.pending() for e in r.request["eventList"]}
    [job] = outbox.unfinished_jobs()
    tally = resume_import(ClientFactory(sandbox_options), outbox, job["id"], workers=4)
    assert tally.failed == 0 and tally.invalid == 0
    assert outbox.pending() == [] and outbox.unfinished_jobs() == []

    received = sandbox_env.received()["personalize-events"]
    by_item = Counter(r["itemId"] for r in received)
    assert set(by_item) == {f"item-{i}" for i in range(3000)}  # every event arrived
    ids_per_item: dict[str, set[str]] = {}
    for r in received:
        ids_per_item.setdefault(r["itemId"], set()).add(r["eventId"])
    assert all(len(ids) == 1 for ids in ids_per_item.values())  # one eventId per event, always
    # Only a batch that was on the wire at the kill can arrive twice (same eventId, which
    # Personalize records once); everything else arrived exactly once.
    twice = {item for item, n in by_item.items() if n > 1}
    assert twice <= in_flight and max(by_item.values()) <= 2
    assert resend_pending(ClientFactory(sandbox_options), outbox).batches == 0


def partner_lines(n: int) -> list[dict[str, Any]]:
    return [{"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": i})} for i in range(n)]


def test_bulk_under_late_answers_sends_each_entry_at_most_once_and_tallies_unconfirmed(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    # The real failure: AWS records the batch, the answer comes after the read timeout.
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options.with_(read_timeout=0.25))
    source = write_jsonl(tmp_path / "p.jsonl", partner_lines(200))
    sandbox_env.set_faults("throttle=0.1,error=0.05,latency=500ms,late=0.3,seed=4")
    tally = import_file(factory, outbox, source, "partner-events", workers=4)
    sandbox_env.set_faults(None)
    seen = Counter(json.loads(e["Detail"])["n"] for e in sandbox_env.received()["events"])
    assert max(seen.values()) == 1  # nothing doubled
    assert tally.unconfirmed > 0 and tally.sent + tally.failed + tally.unconfirmed == 200
    assert sum(seen.values()) >= tally.sent
    assert factory.pool.stats().calls >= tally.batches  # bulk sends go through the CallPool
    unconfirmed = [
        e for r in outbox.history() if r.results
        for e in r.results.get("entries", []) if e.get("Unconfirmed")
    ]  # fmt: skip
    assert len(unconfirmed) == tally.unconfirmed  # journaled as unconfirmed, not failed
    # Importing the file again skips what was delivered and, unless asked, what is unconfirmed.
    again = import_file(factory, outbox, source, "partner-events", workers=4)
    assert again.delivered_before == tally.sent and again.unconfirmed_before == tally.unconfirmed
    assert again.sent == tally.failed
    seen = Counter(json.loads(e["Detail"])["n"] for e in sandbox_env.received()["events"])
    assert max(seen.values()) == 1


def test_scan_reports_every_bad_line_then_only_valid_lines_are_sent(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    from tui.services.bulk_jobs import ScanProgress, scan_file

    good = [json.dumps(e) for e in events(30)]
    lines = list(good)
    lines[4] = "{broken"
    lines[11] = "[1, 2]"
    lines[17] = json.dumps({"eventType": "click", "sentAt": "yesterday-ish"})
    lines[25] = json.dumps({"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "bogus": 1})
    source = tmp_path / "e.jsonl"
    source.write_text("\n".join(lines) + "\n")
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options)
    seen: list[ScanProgress] = []
    report = scan_file(factory, outbox, source, "personalize-events", tracking_id="t",
                       session_id="s", progress=seen.append, progress_every=5)  # fmt: skip
    assert [n for n, _ in report.bad] == [5, 12, 18, 26]
    assert "JSON" in report.bad[0][1] and "sentAt" in report.bad[2][1]
    assert (report.lines, report.valid, report.to_send) == (30, 26, 26)
    assert seen[-1].done_bytes == seen[-1].total_bytes and len(seen) >= 6
    assert sandbox_env.received()["personalize-events"] == []  # the check sends nothing
    tally = import_file(factory, outbox, source, "personalize-events", tracking_id="t",
                        session_id="s")  # fmt: skip
    assert (tally.sent, tally.failed, tally.unconfirmed, tally.skipped) == (26, 0, 0, 4)
    assert [n for n, _ in tally.invalid_items] == [5, 12, 18, 26]
    assert len(sandbox_env.received()["personalize-events"]) == 26


@pytest.mark.parametrize("kind", ["partner-events", "personalize-events"])
def test_reimporting_a_corrected_file_doubles_nothing(
    sandbox_options, sandbox_env, tmp_path: Path, kind: str
):  # type: ignore[no-untyped-def]
    from tui.services.bulk_jobs import scan_file

    items = partner_lines(300) if kind == "partner-events" else events(300)
    broken = {7, 120, 121, 250, 299}
    lines = [("{oops" if i in broken else json.dumps(item)) for i, item in enumerate(items)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options)
    ids = {"tracking_id": "t", "session_id": "s"} if kind == "personalize-events" else {}
    first = import_file(factory, outbox, source, kind, **ids)
    assert (first.sent, first.invalid) == (295, 5)
    source.write_text("".join(json.dumps(item) + "\n" for item in items))  # corrected
    report = scan_file(factory, outbox, source, kind, **ids)
    assert report.bad == [] and report.delivered_before == 295 and report.to_send == 5
    second = import_file(factory, outbox, source, kind, **ids)
    assert (second.sent, second.delivered_before, second.invalid) == (5, 295, 0)
    key, service = ("Detail", "events") if kind == "partner-events" else ("itemId", kind)
    got = Counter(str(r[key]) for r in sandbox_env.received()[service])
    assert len(got) == 300 and max(got.values()) == 1
    if kind == "personalize-events":
        # Without the ledger, the derived eventIds still make Personalize drop the repeats.
        outbox.forget_ledger(report.ledger)
        third = import_file(factory, outbox, source, kind, **ids)
        assert third.sent == 300
        got = Counter(r["itemId"] for r in sandbox_env.received()[kind])
        assert len(got) == 300 and max(got.values()) == 1


def test_unconfirmed_personalize_lines_are_simply_sent_again_with_the_same_ids(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    from tui.services.bulk_jobs import scan_file

    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options.with_(read_timeout=0.25, max_attempts=2))
    source = write_jsonl(tmp_path / "e.jsonl", events(40))
    ids = {"tracking_id": "t", "session_id": "s"}
    # Every answer late: the run re-sends each batch (same ids) and still gets no answer.
    sandbox_env.set_faults("latency=500ms,late=1.0,seed=2")
    first = import_file(factory, outbox, source, "personalize-events", **ids)
    sandbox_env.set_faults(None)
    assert first.unconfirmed > 0 and first.sent + first.unconfirmed == 40
    report = scan_file(factory, outbox, source, "personalize-events", **ids)
    assert report.unconfirmed_before == 0 and report.to_send == first.unconfirmed
    again = import_file(factory, outbox, source, "personalize-events", **ids)
    assert (again.sent, again.delivered_before) == (first.unconfirmed, first.sent)
    received = sandbox_env.received()["personalize-events"]
    assert sorted(r["itemId"] for r in received) == sorted(f"item-{i}" for i in range(40))


def test_progress_is_reported_at_a_bounded_rate_and_always_at_the_end(
    sandbox_options: Any, sandbox_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One report per batch kept the UI's event loop busy during a send. With the interval made
    # an hour, a run reports once at its start and once at its end, whatever the machine's speed.
    from tui.services import bulk

    monkeypatch.setattr(bulk, "PROGRESS_INTERVAL", 3600.0, raising=False)
    reports: list[BulkProgress] = []
    sender = BulkSender(ClientFactory(sandbox_options), "personalize-events",
                        outbox=Outbox(tmp_path / "outbox"), workers=2, tracking_id="t",
                        session_id="s", progress=reports.append)  # fmt: skip
    tally = sender.run(events(200))
    assert tally.sent == 200 and tally.batches == 20
    assert len(reports) == 2
    assert (reports[-1].sent, reports[-1].batches_done) == (200, 20)  # the last one is exact
    sender.pause()  # a pause is shown at once, not at the next batch
    assert reports[-1].paused


@pytest.mark.parametrize("arrived", [False, True], ids=["cut-off", "answered-late"])
def test_an_unconfirmed_personalize_batch_is_resent_with_its_ids_and_received_once(
    sandbox_options, sandbox_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrived: bool
):  # type: ignore[no-untyped-def]
    """A PutEvents batch whose answer never came is re-sent (same eventIds) and counted sent once.

    Why: under the faults above, a batch whose last botocore attempt was cut off ended
    *unconfirmed* and stayed so: ~1 run in 15 counted 10 events neither sent nor failed. The
    first send of every batch here ends with no answer, either before the sandbox did the work
    (cut off) or after it (answered late); both must end with each event received once.
    """
    original = bulk.send_personalize_request
    first: set[tuple[str, ...]] = set()

    def no_answer_the_first_time(factory: Any, params: dict[str, Any], **kw: Any) -> Any:
        ids = tuple(str(e["eventId"]) for e in params["eventList"])
        if ids in first:
            return original(factory, params, **kw)
        first.add(ids)
        if arrived:
            original(factory, params, **kw)  # AWS did the work; the answer is lost
        err = EventdeckError("Connection was closed before we received a valid response")
        return PersonalizeSendResult(False, ids, kw.get("batch_id"), err, True)

    monkeypatch.setattr(bulk, "send_personalize_request", no_answer_the_first_time)
    outbox = Outbox(tmp_path / "outbox")
    sender = BulkSender(ClientFactory(sandbox_options), "personalize-events", outbox=outbox,
                        workers=2, tracking_id="tracker", session_id="session")  # fmt: skip
    tally = sender.run(events(30), total=30)
    assert (tally.sent, tally.unconfirmed, tally.failed, tally.batches) == (30, 0, 0, 3)
    received = sandbox_env.received()["personalize-events"]
    assert sorted(r["itemId"] for r in received) == sorted(f"item-{i}" for i in range(30))
    assert max(Counter(r["eventId"] for r in received).values()) == 1
    assert outbox.pending() == []
