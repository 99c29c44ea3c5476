"""Bulk import from the UI: a JSON Lines file sent in full batches with progress and a final tally."""

from __future__ import annotations

import json
from pathlib import Path

from compose_helpers import fill, make_app, open_pane, wait_until
from textual.widgets import ProgressBar

from tui.ui.screens.bulk_import import BulkImportScreen


async def test_bulk_import_200_events_each_received_once(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "events.jsonl"
    lines = [
        json.dumps({"eventType": "click", "sentAt": "now", "itemId": f"i-{n}"}) for n in range(200)
    ]
    lines.insert(50, '{"eventType": "click", "sentAt": "never"}')  # invalid: tallied, not sent
    source.write_text("\n".join(lines) + "\n")
    sandbox_env.set_faults("throttle=0.1,seed=3")  # retried by the sender; nothing twice
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await fill(pilot, pane, "trackingId", "bulk-tracker", header=True)
        await fill(pilot, pane, "sessionId", "bulk-session", header=True)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkImportScreen))
        screen = app.screen
        assert screen.query_one("#bulk-trackingId").value == "bulk-tracker"
        bar = screen.query_one("#bulk-progress", ProgressBar)
        assert not bar.display or bar.total is not None  # no indeterminate animation at rest
        screen.query_one("#bulk-path").value = str(source)
        await pilot.press("enter")  # checks every line first; nothing is sent
        await wait_until(pilot, lambda: screen.report is not None, timeout=30)
        assert "line 51: sentAt" in str(screen.query_one("#bulk-tally").render())
        assert sandbox_env.received()["personalize-events"] == []
        await pilot.press("enter")  # sends the 200 valid lines
        await wait_until(pilot, lambda: screen.tally is not None, timeout=30)
        tally = screen.tally
        assert (tally.sent, tally.failed, tally.unconfirmed, tally.skipped) == (200, 0, 0, 1)
        assert bar.progress == 200 and bar.total == 200
        text = str(screen.query_one("#bulk-tally").render())
        assert "200 sent, 0 failed, 0 unconfirmed, 1 skipped" in text
        assert "line 51" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, BulkImportScreen)
    received = sandbox_env.received()["personalize-events"]
    assert sorted(e["itemId"] for e in received) == sorted(f"i-{n}" for n in range(200))
    assert len({e["eventId"] for e in received}) == 200
    assert {e["trackingId"] for e in received} == {"bulk-tracker"}


async def test_bulk_import_bad_file_said_at_the_field(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkImportScreen))
        screen = app.screen
        screen.query_one("#bulk-path").value = str(tmp_path / "missing.jsonl")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(screen.query_one("#bulk-path-error").message))
        assert "cannot read" in screen.query_one("#bulk-path-error").message
    assert sandbox_env.received()["events"] == []
