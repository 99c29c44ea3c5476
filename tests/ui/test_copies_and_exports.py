"""Copies and exports from the real app carry no terminal control (issue 8, part 6).

A CodeCatalyst event log whose id and fields hold a newline, ^C, ^D, ESC (with a bracketed paste
end), a C1 CSI and bidi controls is served by the sandbox; the id copied with ``y``, the JSON and
command copied in the inspector and the files written with ``e`` and the inspector's ``w`` are
checked. (Hostile words inside the copied command are tested in tests/services/test_cli_command.py.)
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.helpers import idle, osc52_payloads, showing, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.sandbox.backends import codecatalyst as cc_backend
from tui.textsafe import UNSAFE
from tui.ui.screens.inspector import InspectorScreen, inspector_memory
from tui.ui.screens.prompt import PromptScreen

EVIL = "\ntouch PWNED\x03\x04\x1b[201~\x9b31m\u202e\u2066\u2069\u206a"
SPACE = "evil-space"  # CodeCatalyst refuses names outside [a-zA-Z0-9-_.]
LOG_ID = "log-1" + EVIL
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f]")


def _load_evil_space() -> None:
    when = datetime.now(UTC) - timedelta(hours=1)
    log = {
        "id": LOG_ID,
        "eventName": "UpdateProject" + EVIL,
        "eventType": "AwsApiCall",
        "eventCategory": "MANAGEMENT",
        "eventSource": "codecatalyst.amazonaws.com",
        "eventTime": when.isoformat(),
        "operationType": "MUTATION",
        "userAgent": "curl\x1b]52;c;ZXZpbA==\x07\x9d0;title\x9c",
        "userIdentity": {"userType": "USER", "principalId": "p", "userName": "mary" + EVIL},
    }
    cc_backend.load({"spaces": [{"name": SPACE, "regionName": "us-west-2", "event_logs": [log]}]})


async def _open_evil_space(app: EventdeckApp, pilot) -> object:  # type: ignore[no-untyped-def]
    pane = app.current_pane
    await wait_for(pilot, idle(pane))
    await wait_for(
        pilot,
        lambda: pane.table.current_row is not None,
        message=lambda: f"{pane.table.error!r} {pane.table.status_text!r} {pane.level.crumb!r}",
    )
    assert pane.table.current_row.key == LOG_ID
    return pane


async def test_y_and_c_copy_no_control_and_the_command_runs_once(
    app_ctx, written: list[str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _load_evil_space()
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": SPACE}
    )
    app_ctx.launch.params.update({"start-time": "-1d", "end-time": "now"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_evil_space(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
    copied_id, command, item_json, inspector_command = osc52_payloads(written)
    for text in (copied_id, command, inspector_command):
        assert not UNSAFE.search(text), repr(text)
    assert not UNSAFE.search(item_json.replace("\n", "")), repr(item_json)
    assert copied_id == (
        "log-1\\ntouch PWNED\\x03\\x04\\e[201~\\x9b31m\\u202e\\u2066\\u2069\\u206a"
    )
    assert json.loads(item_json)["id"] == LOG_ID  # JSON escapes: the value is exact
    # Pasted into bash (aws stubbed), the command runs once, with the space name as it is.
    for pasted in (command, inspector_command):
        script = "aws() { printf '%s\\0' \"$@\" >> calls; printf '%s\\0' '<end>' >> calls; }\n"
        done = subprocess.run(
            ["bash", "-c", script + pasted + "\n"], cwd=tmp_path, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert not (tmp_path / "PWNED").exists()
        words = (tmp_path / "calls").read_bytes().decode().split("\0")[:-1]
        (tmp_path / "calls").unlink()
        assert words.count("<end>") == 1 and words[-1] == "<end>"
        assert words[:2] == ["codecatalyst", "list-event-logs"]
        assert words[words.index("--space-name") + 1] == SPACE


async def test_first_exports_on_a_fresh_machine_create_the_folder_and_hold_no_control(
    app_ctx, isolated_dirs: Path
) -> None:  # type: ignore[no-untyped-def]
    _load_evil_space()
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": SPACE}
    )
    app_ctx.launch.params.update({"start-time": "-1d", "end-time": "now"})
    exports = isolated_dirs / "data" / "eventdeck" / "exports"
    assert not exports.exists()  # a fresh machine: nothing made the folder yet
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_evil_space(app, pilot)
        written_files: list[Path] = []
        for fmt in ("csv", "jsonl", "json"):
            await pilot.press("e")
            await wait_for(pilot, lambda: showing(app, PromptScreen))
            field = app.screen.query_one("Input")
            target = exports / f"eventdeck-codecatalyst.{fmt}"
            assert Path(field.value).parent == exports  # the default folder is offered…
            field.value = str(target)
            await pilot.press("enter")
            await wait_for(pilot, target.exists, message=lambda: str(app.screen))
            written_files.append(target)
        # …and the inspector's w writes there too, first time, accepting the default.
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))
        inspector_memory(app).last_write_path = None
        await pilot.press("w")
        await wait_for(pilot, lambda: showing(app, PromptScreen))
        inspector_target = Path(app.screen.query_one("Input").value)
        assert inspector_target.parent == exports
        await pilot.press("enter")
        await wait_for(pilot, inspector_target.exists)
        written_files.append(inspector_target)
    assert exports.stat().st_mode & 0o777 == 0o700
    for path in written_files:
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert RAW_CONTROL.findall(text) == [], path.name
        assert path.stat().st_mode & 0o777 == 0o600, path.name
    assert json.loads(inspector_target.read_text())["id"] == LOG_ID
