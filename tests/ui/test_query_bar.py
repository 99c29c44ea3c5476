"""Pilot tests for the query bar: filter, computed column, bad expression, escape stops, new pages."""

from __future__ import annotations

import threading
from array import array

import pytest
from textual.app import ComposeResult
from textual.message import Message

from tests.ui.helpers import StyledApp, open_query_bar, table_lines, wait_for
from tui.services import query as query_service
from tui.ui import garbage
from tui.ui.widgets.virtual_table import Column, QueryBar, Row, VirtualTable, query_bar
from tui.ui.work import Work

COLUMNS = [Column("id", "Id", width=8), Column("event", "Event", ratio=2), Column("op", "Op")]
USERS = ["alice", "bob", "carol"]
OPS = ["MUTATION", "READONLY"]


def rows(start: int, stop: int) -> list[Row]:
    return [
        Row(
            f"e{i}",
            (f"e{i}", f"Event{i % 7}", OPS[i % 2]),
            "",
            {
                "id": f"e{i}",
                "eventName": f"Event{i % 7}",
                "operationType": OPS[i % 2],
                "userIdentity": {"userName": USERS[i % 3]},
            },
        )
        for i in range(start, stop)
    ]


class QueryApp(StyledApp):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.append_rows(rows(0, self.count), more=False)
        table.focus()


def expected(count: int) -> list[int]:
    return [i for i in range(count) if USERS[i % 3] == "alice" and OPS[i % 2] == "MUTATION"]


SIZES = [(80, 24), (120, 36)]


@pytest.mark.parametrize("size", SIZES)
async def test_filter_by_query(size: tuple[int, int]) -> None:
    app = QueryApp(600)
    async with app.run_test(size=size) as pilot:
        table = app.query_one(VirtualTable)
        bar = await open_query_bar(pilot, app)
        await pilot.press(*"userIdentity.userName=='alice' && operationType=='MUTATION'")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == 100)
        keys = [table.model.visible_row(p).key for p in range(table.row_count)]
        assert keys == [f"e{i}" for i in expected(600)]
        assert table.status_text.startswith("100 of 600 match")
        assert "100 matches" in bar.message
        # A page loaded later is tested as it lands.
        table.append_rows(rows(600, 612), more=False)
        assert table.row_count == len(expected(612))
        # The query ends with the level: clear_filter lifts it.
        table.clear_filter()
        assert table.row_count == 612


@pytest.mark.parametrize("size", SIZES)
async def test_computed_column(size: tuple[int, int]) -> None:
    app = QueryApp(30)
    async with app.run_test(size=size) as pilot:
        table = app.query_one(VirtualTable)
        await open_query_bar(pilot, app)
        await pilot.press(*"col user = userIdentity.userName")
        await pilot.press("enter")
        await pilot.pause()
        assert [c.label for c in table.columns][-1] == "user"
        assert table.row_count == 30
        lines = table_lines(table)
        assert "user" in lines[0]
        assert lines[1].rstrip().endswith("alice") and lines[2].rstrip().endswith("bob")


@pytest.mark.parametrize("size", SIZES)
async def test_bad_expression_shows_position_and_changes_nothing(size: tuple[int, int]) -> None:
    app = QueryApp(30)
    async with app.run_test(size=size) as pilot:
        table = app.query_one(VirtualTable)
        before = table_lines(table)
        bar = await open_query_bar(pilot, app)
        await pilot.press(*"operationType == 'MUT")
        await pilot.press("enter")
        await pilot.pause()
        assert bar.error is not None and bar.error.position == 17
        assert bar.message.startswith("✖ at 18:")
        assert bar.input.cursor_position == 17
        assert table.row_count == 30 and not table.model.restricted
        after = table_lines(table)  # the bar takes two lines; the rows above it are unchanged
        assert after == before[: len(after)]


async def test_escape_stops_a_running_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Escape during a scan stops it: the matches found so far stay, the rest is not scanned."""
    original = query_service.scan
    chunks = 0

    def slow_scan(*args: object, **kwargs: object) -> query_service.ScanResult:
        progress = kwargs["progress"]
        cancel = kwargs["cancel"]

        def gated(found: array[int], scanned: int) -> None:
            nonlocal chunks
            chunks += 1
            progress(found, scanned)  # type: ignore[operator]
            if scanned >= 200:
                cancel.wait(10)  # type: ignore[attr-defined]  # hold until escape

        kwargs["progress"] = gated
        kwargs["chunk"] = 100
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.ui.widgets.virtual_table.query_bar.scan", slow_scan)
    monkeypatch.setattr("tui.ui.widgets.virtual_table.query_bar.REPORT_SECONDS", 60.0)
    app = QueryApp(1000)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        bar = await open_query_bar(pilot, app)
        await pilot.press(*"operationType=='MUTATION'")
        await pilot.press("enter")
        # The first chunk shows at once; the second is held back by the report throttle.
        await wait_for(pilot, lambda: bar.scanned >= 100 and chunks == 2)
        assert bar.scanning and "matches so far" in bar.message
        assert table.row_count == 50  # shown while it runs
        await pilot.press("down", "down")  # the table scrolls while the bar has the keys
        assert table.cursor_row == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: not bar.scanning)
        assert chunks == 2
        assert "stopped" in bar.message
        assert table.row_count == 100  # the held-back chunk's matches were not lost


async def test_empty_query_lifts_it() -> None:
    app = QueryApp(60)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        bar = await open_query_bar(pilot, app)
        assert bar.run_text("operationType=='READONLY'; col u = userIdentity.userName")
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == 30)
        assert bar.run_text("")
        await pilot.pause()
        assert table.row_count == 60 and [c.key for c in table.columns] == ["id", "event", "op"]


async def test_copy_cli_carries_the_query_and_the_aws_cli_prints_the_same_rows(
    app_ctx, written: list[str], sandbox_env, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """c with a query copies ``--query 'items[?FILTER]'``; the real AWS CLI prints the same rows."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.ui.helpers import launch_event_logs, load_all, osc52_payloads
    from tui.app import EventdeckApp

    launch_event_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await load_all(pilot, pane)
        table = pane.table
        await pilot.press(
            "colon", *"operationType=='MUTATION' && eventName != 'CreateDevEnvironment'"
        )
        await pilot.press("enter")
        bar = table.query_one(QueryBar)
        await wait_for(pilot, lambda: not bar.scanning)
        shown = [table.model.visible_row(p).key for p in range(table.row_count)]
        assert 0 < len(shown) < table.loaded_count
        await pilot.press("escape", "c")
        await pilot.pause()
    (command,) = osc52_payloads(written)
    assert "--query 'items[?operationType==" in command
    env = {**os.environ, **sandbox_env.env()}
    env.pop("AWS_ENDPOINT_URL", None)  # the command carries --endpoint-url itself
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    done = subprocess.run(
        ["bash", "-c", command + " --output json\n"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [item["id"] for item in json.loads(done.stdout)] == shown


async def test_a_scan_of_a_query_the_user_left_reports_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guard: a new query cancels the scan of the old one (``Work.cancel`` → ``Work.deliver``).

    The old scan is still running when the user lifts its query and runs another; what it finds
    and its end come later and must change nothing: neither the rows nor the bar's counts.
    """
    original = query_service.scan
    gate, finished = threading.Event(), threading.Event()
    calls = 0

    def first_scan_waits(*args: object, **kwargs: object) -> query_service.ScanResult:
        nonlocal calls
        calls += 1
        if calls > 1:
            return original(*args, **kwargs)  # type: ignore[arg-type]
        progress = kwargs["progress"]

        def gated(found: array[int], scanned: int) -> None:
            progress(found, scanned)  # type: ignore[operator]
            if scanned == 100:
                gate.wait(30)  # the user moves on meanwhile

        kwargs["progress"] = gated
        kwargs["chunk"] = 100
        kwargs["cancel"] = None  # a scan deaf to its stop: only the dropping guards the view
        try:
            return original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            finished.set()

    monkeypatch.setattr("tui.ui.widgets.virtual_table.query_bar.scan", first_scan_waits)
    seen: list[Message] = []
    app = QueryApp(1000)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        table = app.query_one(VirtualTable)
        bar = await open_query_bar(pilot, app)
        assert bar.run_text("operationType=='MUTATION'")
        await wait_for(pilot, lambda: bar.scanned == 100)
        table.clear_filter()  # a new level: the query is lifted
        assert bar.run_text("operationType=='READONLY'")
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == 500)
        gate.set()
        await wait_for(pilot, finished.is_set)
        await wait_for(pilot, lambda: sum(isinstance(m, Work.Done) for m in seen) == 2)
        await pilot.pause()
        assert table.row_count == 500 and bar.matches == 500 and bar.scanned == 1000
        shown = [table.model.visible_row(p).cells[2] for p in range(table.row_count)]
        assert set(shown) == {"READONLY"}
        assert "stopped" not in bar.message and "500 matches" in bar.message
        stale = [m for m in seen if isinstance(m, Work.Progress) and m.work is bar.work]
        assert stale  # the old scan did report after the user left; those reports were dropped


async def test_a_scan_collects_its_frames_garbage_after_a_frame_every_few_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every ``GARBAGE_REPORTS`` reports shown, a collection runs once the frame is drawn.

    Why: left to the automatic gen-2 collection, a million-row scan's frames' garbage went in a
    few collections of 9–19 ms on the UI thread (94 ms on a loaded machine).
    """
    events: list[str] = []
    monkeypatch.setattr(query_bar, "GARBAGE_REPORTS", 1)
    monkeypatch.setattr(garbage, "collect_garbage", lambda: events.append("gc"))
    app = QueryApp(600)
    async with app.run_test() as pilot:
        table = app.query_one(VirtualTable)
        bar = await open_query_bar(pilot, app)
        original = bar._found

        def found(progress: tuple[array[int], int]) -> None:
            events.append("found")
            original(progress)

        monkeypatch.setattr(bar, "_found", found)
        await pilot.press(*"operationType=='MUTATION'", "enter")
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == 300)
        await wait_for(pilot, lambda: "gc" in events)
    assert events.index("found") < events.index("gc")  # after the matches shown, not before
