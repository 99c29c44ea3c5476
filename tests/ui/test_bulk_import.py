"""Bulk import from the UI: a JSON Lines file sent in full batches with progress and a final tally."""

from __future__ import annotations

import json
from pathlib import Path

from compose_helpers import fill, make_app, open_pane, wait_until
from textual.widgets import ProgressBar

from tests.ui.helpers import showing
from tui.ui.screens.bulk_import import BulkImportScreen


async def open_bulk(pilot, pane_key: str, path: Path) -> BulkImportScreen:  # type: ignore[no-untyped-def]
    """Open the bulk-import dialog of a pane with ``path`` in its file field."""
    await open_pane(pilot, pane_key)
    await pilot.press("f6")
    await wait_until(pilot, lambda: showing(pilot.app, BulkImportScreen))
    screen = pilot.app.screen
    screen.query_one("#bulk-path").value = str(path)
    return screen


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
        await wait_until(pilot, lambda: showing(app, BulkImportScreen))
        screen = app.screen
        assert screen.query_one("#bulk-trackingId").value == "bulk-tracker"
        bar = screen.query_one("#bulk-progress", ProgressBar)
        assert not bar.display or bar.total is not None  # no indeterminate animation at rest
        screen.query_one("#bulk-path").value = str(source)
        await pilot.press("enter")  # checks every line first; nothing is sent
        await wait_until(pilot, lambda: screen.report is not None, timeout=30)
        report = str(screen.query_one("#bulk-tally").render())
        assert "\nline 51: sentAt" in report and "\\n" not in report  # one line each
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
        screen = await open_bulk(pilot, "4", tmp_path / "missing.jsonl")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(screen.query_one("#bulk-path-error").message))
        assert "cannot read" in screen.query_one("#bulk-path-error").message
    assert sandbox_env.received()["events"] == []


async def test_escape_while_sending_says_still_sending_and_it_stays(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "p.jsonl"
    source.write_text("".join(
        json.dumps({"Source": "aws.partner/example.com/o", "DetailType": "t",
                    "Detail": json.dumps({"n": n})}) + "\n" for n in range(2000)
    ))  # fmt: skip
    sandbox_env.set_faults("latency=100ms")
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_bulk(pilot, "4", source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.report is not None, timeout=30)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.last is not None and screen.last.batches_done >= 1)
        await pilot.press("escape")
        seen = screen.last.batches_done
        await wait_until(pilot, lambda: screen.last.batches_done >= seen + 2, timeout=30)
        assert isinstance(app.screen, BulkImportScreen)
        assert "Still sending" in str(screen.query_one("#bulk-notice").render())
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: screen.tally is not None, timeout=30)
    sandbox_env.set_faults(None)


async def test_resume_prompt_offers_resume_discard_and_show(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tui.services.outbox import Outbox
    from tui.ui.screens.resume_import import ResumeImportScreen

    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"Source": "aws.partner/example.com/o", "DetailType": "t",
                                  "Detail": "{}"}) + "\n")  # fmt: skip
    outbox = Outbox()
    here = {"profile": "default", "region": sandbox_env.region, "endpoint": sandbox_env.endpoint}
    job = outbox.start_job("partner-events", str(source), {"ledger": "ab" * 16}, here)
    outbox.record_batch(
        "partner-events",
        {"Entries": [{"Source": "aws.partner/example.com/o", "DetailType": "t", "Detail": "{}"}]},
        {**here, "job": job, "lines": [1, 1], "keys": ["cd" * 16], "ledger": "ab" * 16},
    )  # a batch cut off on the wire by a crash
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await wait_until(pilot, lambda: showing(app, ResumeImportScreen))
        screen = app.screen
        hint = str(screen.query_one("#resume-hint").render())
        assert "r resume" in hint and "d discard" in hint and "s show" in hint
        assert "may double" in hint
        await pilot.press("s")
        await pilot.pause()
        assert screen.query_one("#resume-show").display
        await pilot.press("d")
        await wait_until(pilot, lambda: not outbox.unfinished_jobs())
    assert outbox.pending() == [] and sandbox_env.received()["events"] == []
    [record] = outbox.history()
    assert record.results and record.results["entries"][0]["Unconfirmed"]
    assert outbox.ledger("ab" * 16) == (set(), {"cd" * 16})
