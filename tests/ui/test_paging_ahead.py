"""Paging reads ahead: the next page is on its way while the current one is drawn.

A page read ahead that failed: tests/ui/test_paging_read_ahead.py (its error shows when reached).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from tests.ui.helpers import idle, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.services import codecatalyst as cc
from tui.services.paging import Pager
from tui.settings import PageSettings

SIZE = 100


def launch_demo_large(app_ctx: Any) -> tuple[datetime, datetime]:
    """Pane 2 opened on demo-large (many pages) from AWS CLI words, 100 event logs a page."""
    app_ctx.settings = replace(app_ctx.settings, pages=PageSettings(codecatalyst=SIZE))
    end = datetime.now(UTC) - timedelta(hours=1)
    start = end - timedelta(days=2)
    app_ctx.launch = LaunchTarget(
        "codecatalyst",
        "codecatalyst list-event-logs",
        {"space-name": "demo-large", "start-time": start.isoformat(), "end-time": end.isoformat()},
    )
    return start, end


def expected_ids(app_ctx: Any, start: datetime, end: datetime, count: int) -> list[str]:
    ids: list[str] = []
    pager = Pager(
        partial(cc.list_event_logs, app_ctx.factory, "demo-large", start, end, max_results=SIZE)
    )
    for page in pager:
        ids.extend(log.id for log in page.items)
        if len(ids) >= count:
            break
    return ids[:count]


async def test_the_next_page_is_fetched_while_the_current_one_is_shown(
    app_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = launch_demo_large(app_ctx)
    calls: list[str | None] = []
    third = threading.Event()  # page 3's call waits here until page 2 is shown
    gate = threading.Event()  # calls after the third wait here until the test lets them go
    original = cc.list_event_logs

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[4] if len(args) > 4 else kwargs.get("next_token"))
        if len(calls) == 3:
            third.wait(60)
        if len(calls) > 3:
            gate.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(cc, "list_event_logs", counted)
    app = EventdeckApp(app_ctx)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            pane: Any = app.current_pane
            await wait_for(pilot, idle(pane))
            assert (len(calls), pane.table.loaded_count) == (1, SIZE)  # one page, no extra call
            await pilot.press("G")  # the end of page 1: page 2 is asked for, and shown
            await wait_for(pilot, lambda: pane.table.loaded_count == 2 * SIZE)
            assert len(calls) == 3, "page 3 was not asked for while page 2 was shown"
            third.set()
            await wait_for(pilot, idle(pane))
            assert len(calls) == 3  # one page ahead, no more: the user asked for one
            assert pane.table.loaded_count == 2 * SIZE  # fetched ahead, not shown unasked
            await pilot.press("G")  # page 3 is already here: it shows while page 4 is held back
            await wait_for(pilot, lambda: pane.table.loaded_count == 3 * SIZE)
            assert len(calls) == 4 and not gate.is_set()
            gate.set()
            await wait_for(pilot, idle(pane))
            loaded = [log.id for log in pane.level.items]
    finally:
        third.set()
        gate.set()
    monkeypatch.setattr(cc, "list_event_logs", original)
    assert loaded == expected_ids(app_ctx, start, end, 3 * SIZE)
