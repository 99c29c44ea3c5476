"""Error rows in the real app against the sandbox: AWS's text, the request id, the traceback of a bug."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import showing, table_lines, wait_for
from tui.app import EventdeckApp
from tui.services import ivs_realtime as ivs
from tui.ui.screens.error_modal import ErrorModal

MISSING_STAGE = "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe12"
UUID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"  # the sandbox's request ids, as AWS's


async def test_ivs_error_row_shows_exception_message_and_request_id(
    app_ctx: Any, debug_log: Path
) -> None:
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: pane.level is not None and pane.level.done)
        await pilot.press("o")
        await pilot.press(*MISSING_STAGE, "enter")
        await wait_for(pilot, lambda: pane.last_error is not None, message=lambda: str(pane.levels))
        error = pane.last_error
        assert error.request_id and re.fullmatch(UUID, error.request_id)
        assert "Stage not found" in "\n".join(table_lines(pane.table))  # the error row
        status = str(pane.query_one(".pane-status").render())  # its whole text, wrapped
        assert f"Stage not found: {MISSING_STAGE}" in status
        assert f"request id {error.request_id}" in status
        assert error.request_id in debug_log.read_text()
        # the inspector of the error row: the whole message, the fix and the request id
        await pilot.press("i")
        await wait_for(pilot, lambda: showing(app, ErrorModal))
        shown = str(app.screen.query_one("#error-message").render())
        assert f"(request id {error.request_id})" in shown
        assert "Stage not found" in shown


async def test_worker_bug_is_an_error_row_and_a_traceback_in_the_debug_log(
    app_ctx: Any, debug_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def list_stages_with_a_bug(*args: Any, **kwargs: Any) -> Any:
        return {}["no such key"]

    monkeypatch.setattr(ivs, "list_stages", list_stages_with_a_bug)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: pane.last_error is not None)
        assert "KeyError" in "\n".join(table_lines(pane.table))
        assert "bug" in (pane.last_error.hint or "") and str(debug_log) in pane.last_error.hint
    log = debug_log.read_text()
    assert "Traceback (most recent call last)" in log
    assert "list_stages_with_a_bug" in log
