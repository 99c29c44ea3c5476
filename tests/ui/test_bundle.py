"""Hand-over bundles: written from one run (W), opened in another with --open, same view.

The writing run is the real app on the session sandbox (Pilot); the opening run is a separate
process (tests/ui/open_bundle_probe.py) with no AWS_* variable at all, so it can only be showing
what the bundle holds, served by its own sandbox started with the bundle as --data alone.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.ui.helpers import load_every_page, showing, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.cli import main
from tui.services.bundle import KEY, read_bundle
from tui.settings import export_directory
from tui.ui.screens.prompt import PromptScreen

ROOT = Path(__file__).resolve().parents[2]


def open_in_subprocess(path: Path) -> dict[str, object]:
    """Open ``path`` as `eventdeck --open` does, in a process with no AWS configuration at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.open_bundle_probe", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def write_bundle_of_view(app_ctx, launch: LaunchTarget, needle: str, marks: int, note: str):  # type: ignore[no-untyped-def]
    """Open ``launch``, load every page, filter by ``needle``, mark rows, W with ``note``."""
    app_ctx.launch = launch
    app = EventdeckApp(app_ctx)
    folder = export_directory(app_ctx.settings)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await load_every_page(pilot, pane)
        if needle:
            await pilot.press("slash", *needle, "enter")
            await wait_for(pilot, lambda: not pane.table.model.pending)
        await pilot.press("g")
        for _ in range(marks):
            await pilot.press("m", "j", "j")
        table = pane.table
        shown = [table.model.visible_row(i) for i in range(table.row_count)]
        await pilot.press("W")
        await wait_for(pilot, lambda: showing(app, PromptScreen))
        app.screen.query_one("Input").value = note
        await pilot.press("enter")
        await wait_for(pilot, lambda: folder.exists() and any(folder.glob("eventdeck-bundle-*")))
        path = next(folder.glob("eventdeck-bundle-*.json"))
        return path, shown, app.clipboard


async def test_event_log_bundle_opens_offline_with_same_rows_filter_and_marks(app_ctx) -> None:  # type: ignore[no-untyped-def]
    launch = LaunchTarget(
        "codecatalyst",
        "codecatalyst list-event-logs",
        {"space-name": "acme-platform", "start-time": "-30d", "end-time": "now"},
    )
    path, shown, clipboard = await write_bundle_of_view(
        app_ctx, launch, "MUTATION", 2, "CreateProject at 10:02 looks wrong"
    )
    assert clipboard == str(path)  # the path was copied
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bundle = read_bundle(path)
    assert bundle.note == "CreateProject at 10:02 looks wrong"
    assert bundle.filter == "MUTATION"
    assert bundle.cli_command.startswith(
        "aws codecatalyst list-event-logs --space-name acme-platform"
    )
    assert bundle.time_range is not None and bundle.time_range["start"].endswith("Z")
    marked = [row.key for row in shown if row.style == "marked"]
    assert len(marked) == 2 and set(bundle.marked) == set(marked)
    document = json.loads(path.read_text())
    assert set(document) == {KEY, "codecatalyst"}  # a sandbox data file plus the bundle key

    opened = open_in_subprocess(path)
    assert "OFFLINE" in opened["header"] and "DEMO" not in opened["header"]
    assert opened["pane"] == "codecatalyst" and str(opened["crumb"]).startswith("acme-platform")
    assert opened["filter"] == "MUTATION"
    assert opened["keys"] == [row.key for row in shown]
    assert opened["marked"] == marked


async def test_ivs_participant_events_bundle_opens_offline(app_ctx, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    from tui.services import ivs_realtime as ivs
    from tui.services.paging import Pager

    factory = app_ctx.factory
    stage = next(iter(Pager(lambda t: ivs.list_stages(factory, t, 100)).items()))
    session = next(
        iter(Pager(lambda t: ivs.list_stage_sessions(factory, stage.arn, t, 100)).items())
    )
    participant = next(
        iter(
            Pager(
                lambda t: ivs.list_participants(factory, stage.arn, session.session_id, t, 100)
            ).items()
        )
    )
    launch = LaunchTarget(
        "ivs",
        "ivs-realtime list-participant-events",
        {
            "stage-arn": stage.arn,
            "session-id": session.session_id,
            "participant-id": participant.participant_id,
        },
    )
    path, shown, _ = await write_bundle_of_view(app_ctx, launch, "", 1, "")
    opened = open_in_subprocess(path)
    assert "OFFLINE" in opened["header"]
    assert opened["keys"] == [row.key for row in shown] and shown
    assert opened["marked"] == [shown[0].key]


def test_open_refuses_a_file_that_is_not_a_bundle(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "data.json"
    path.write_text('{"codecatalyst": {"spaces": []}}')
    assert main(["--open", str(path)]) == 2
    assert "not an eventdeck bundle" in capsys.readouterr().err
