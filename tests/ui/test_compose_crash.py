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
        await wait_until(pilot, lambda: isinstance(app.screen, OutboxRecoveryScreen))
        assert "1 batch(es)" in str(app.screen.query_one("Static").render())
        await pilot.press("r")
        await wait_until(pilot, lambda: pane.sends_in_flight == 0 and "Re-sent" in str(
            pane.query_one("#compose-status").render()))  # fmt: skip
    received = sandbox_env.received()["personalize-events"]
    assert [e["eventId"] for e in received] == journaled_ids  # same ids, each exactly once
    assert outbox.pending() == []
    done = outbox.get(pending[0].id)
    assert done is not None and done.results is not None and done.results["sent"] is True
