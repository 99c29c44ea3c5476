"""A burst of keys (a paste, tmux send-keys, a slow link) lands in the fields in the user's order."""

from __future__ import annotations

from pathlib import Path

from compose_helpers import make_app, open_pane, wait_until
from helpers import burst

from tui.ui.screens.bulk_import import BulkImportScreen


async def test_bulk_dialog_burst_fills_file_then_tracking_id(
    sandbox_env, sandbox_options, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "5")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkImportScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one("#bulk-path").has_focus)
        await burst(pilot, "/tmp/ev.jsonl", "tab", "tid-1", "tab", "sess-1", "tab", "user-1")
        values = [
            screen.query_one(f"#bulk-{n}").value
            for n in ("path", "trackingId", "sessionId", "userId")
        ]
        assert values == ["/tmp/ev.jsonl", "tid-1", "sess-1", "user-1"]
