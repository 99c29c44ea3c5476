"""Crash recovery: kill -9 the sending code mid-batch, start the app, re-send; each event once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from compose_helpers import make_app, open_pane, wait_until

from tests.ui.helpers import showing
from tui.services.outbox import Outbox
from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen

SENDER = textwrap.dedent(
    """
    import sys
    from tui.services.options import ConnectionOptions
    from tui.services.outbox import Outbox
    from tui.services.personalize_events import put_events
    from tui.services.session import ClientFactory

    endpoint, ca_bundle = sys.argv[1], sys.argv[2]
    options = ConnectionOptions(region="us-east-1", endpoint_url=endpoint, ca_bundle=ca_bundle,
                                max_attempts=1, read_timeout=60)
    request = {"trackingId": "t-crash", "sessionId": "s-crash", "eventList": [
        {"eventType": "click", "sentAt": "now", "itemId": f"item-{i}"} for i in range(3)]}
    put_events(ClientFactory(options), request, outbox=Outbox())
    print("returned", flush=True)
    """
)


async def test_killed_mid_batch_then_offered_and_resent_once(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The sandbox holds the call (and will drop it): the process dies while the batch is on the wire.
    sandbox_env.set_faults("latency=2s,reset=1.0")
    script = tmp_path / "sender.py"
    script.write_text(SENDER)
    proc = subprocess.Popen(
        [sys.executable, str(script), sandbox_env.endpoint, sandbox_env.ca_bundle],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
    )
    outbox = Outbox()
    try:
        deadline = time.monotonic() + 20
        while not outbox.pending() and time.monotonic() < deadline:
            assert proc.poll() is None, "the sender exited before it was killed"
            time.sleep(0.02)
        time.sleep(0.3)  # journaled and on the wire
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    pending = outbox.pending()
    assert len(pending) == 1
    journaled_ids = [e["eventId"] for e in pending[0].request["eventList"]]
    sandbox_env.set_faults(None)
    time.sleep(2.2)  # let the held request finish being dropped
    assert sandbox_env.received()["personalize-events"] == []

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        assert "1 batch was journaled" in str(app.screen.query_one("Static").render())
        await pilot.press("r")
        await wait_until(pilot, lambda: pane.sends_in_flight == 0 and "Re-sent" in str(
            pane.query_one("#compose-status").render()))  # fmt: skip
    received = sandbox_env.received()["personalize-events"]
    assert [e["eventId"] for e in received] == journaled_ids  # same ids, each exactly once
    assert outbox.pending() == []
    done = outbox.get(pending[0].id)
    assert done is not None and done.results is not None and done.results["sent"] is True


IMPORTER = textwrap.dedent(
    """
    import sys
    from tui.services.bulk_jobs import import_file
    from tui.services.options import ConnectionOptions
    from tui.services.outbox import Outbox
    from tui.services.session import ClientFactory

    endpoint, ca_bundle, path = sys.argv[1], sys.argv[2], sys.argv[3]
    options = ConnectionOptions(region="us-east-1", endpoint_url=endpoint, ca_bundle=ca_bundle)
    import_file(ClientFactory(options), Outbox(), path, "personalize-events", workers=2,
                tracking_id="t-import", session_id="s-import")
    print("finished", flush=True)
    """
)


async def test_import_killed_midway_is_resumed_and_every_event_recorded_once(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    count = 1500
    source = tmp_path / "import.jsonl"
    source.write_text(
        "".join(
            f'{{"eventType": "click", "sentAt": "now", "itemId": "i-{n}"}}\n' for n in range(count)
        )
    )
    sandbox_env.set_faults("latency=20ms")  # slow enough to be killed part-way
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER)
    proc = subprocess.Popen(
        [sys.executable, str(script), sandbox_env.endpoint, sandbox_env.ca_bundle, str(source)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while len(sandbox_env.received()["personalize-events"]) < 300:
            assert proc.poll() is None, "the import finished before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    sandbox_env.set_faults(None)
    before = len(sandbox_env.received()["personalize-events"])
    assert before < count
    assert Outbox().unfinished_jobs(), "the killed import is not journaled as unfinished"

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "5")
        from tui.ui.screens.bulk_import import BulkImportScreen
        from tui.ui.screens.resume_import import ResumeImportScreen

        await wait_until(pilot, lambda: showing(app, ResumeImportScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: showing(app, BulkImportScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.report is not None, timeout=60)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.tally is not None, timeout=60)
    received = sandbox_env.received()["personalize-events"]
    ids_by_item: dict[str, set[str]] = {}
    for event in received:
        ids_by_item.setdefault(event["itemId"], set()).add(event["eventId"])
    assert set(ids_by_item) == {f"i-{n}" for n in range(count)}, "an event was lost"
    # A batch on the wire at the kill may arrive again, but always with the same eventId, which
    # Personalize records once: no event can be recorded twice.
    assert all(len(ids) == 1 for ids in ids_by_item.values())
    assert Outbox().unfinished_jobs() == []
    assert Outbox().pending() == []
