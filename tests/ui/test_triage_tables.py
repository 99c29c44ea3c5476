"""Triage at 80x24 by keyboard: follow, empty-page search, column room and layout, time format.

Every test drives the real app against the sandbox (real boto3 over HTTPS); the data each needs is
loaded into the sandbox's backends, so nothing depends on the clock beyond "now".
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.ui.helpers import idle, table_lines, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.sandbox.backends import codecatalyst as cc_backend
from tui.sandbox.backends import ivs_realtime as ivs_backend
from tui.sandbox.backends.rest_json import ApiError
from tui.settings import PageSettings, load_settings

SPACE = "triage-space"
STAGE_ARN = "arn:aws:ivs:us-east-1:123456789012:stage/triageStage1"
SESSION = "st-triageSess001"


def _log(i: int, now: datetime, name: str = "UpdateProject") -> dict[str, Any]:
    return {
        "id": f"log-{i}",
        "eventName": name,
        "eventType": "AwsApiCall",
        "eventCategory": "MANAGEMENT",
        "eventSource": "codecatalyst.amazonaws.com",
        "eventTime": (now - timedelta(minutes=30 - i)).isoformat(),
        "operationType": "MUTATION",
        "userIdentity": {"userType": "USER", "principalId": "p", "userName": f"user-{i}"},
        "projectInformation": {"name": "web-portal"},
        "sourceIpAddress": "203.0.113.7",
    }


def _load_space(now: datetime, count: int) -> None:
    cc_backend.load(
        {"spaces": [{"name": SPACE, "event_logs": [_log(i, now) for i in range(count)]}]}
    )


def _load_session(
    participants: list[dict[str, Any]], start: datetime, end: datetime | None = None
) -> None:
    """One stage with one session (ongoing without ``end``) holding ``participants``."""
    session: dict[str, Any] = {
        "sessionId": SESSION,
        "startTime": start,
        "participants": participants,
    }
    if end is not None:
        session["endTime"] = end
    stage = {"arn": STAGE_ARN, "name": "triage-stage", "sessions": [session]}
    ivs_backend.load({"stages": [stage]})


def _launch_events(app_ctx: Any, participant_id: str) -> None:
    app_ctx.launch = LaunchTarget(
        "ivs",
        "ivs-realtime list-participant-events",
        {"stage-arn": STAGE_ARN, "session-id": SESSION, "participant-id": participant_id},
    )


def _launch_logs(app_ctx: Any, space: str = SPACE, **params: str) -> None:
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": space, **params}
    )


def _ids(pane: Any) -> list[str]:
    return [row.key for row in pane.table.model.rows]


# -- follow -----------------------------------------------------------------------------------
async def test_follow_puts_new_logs_on_top_newest_first_and_keeps_the_cursor(app_ctx) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    _load_space(now, 5)
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        pane.follow_seconds = 0.2
        await wait_for(pilot, idle(pane))
        assert _ids(pane) == ["log-4", "log-3", "log-2", "log-1", "log-0"]
        await pilot.press("j", "j")
        assert pane.table.current_row.key == "log-2"
        await pilot.press("f")
        _load_space(now, 8)
        await wait_for(pilot, lambda: len(pane.level.items) == 8)
        # New rows at the top, newest first; the cursor is still on the row it was on.
        assert _ids(pane)[:4] == ["log-7", "log-6", "log-5", "log-4"]
        assert pane.table.current_row.key == "log-2"
        status = str(pane.query_one(".pane-status").render())
        assert "3 new" in status
        # Looking at the top clears "N new"; a cursor on the top row stays on top.
        await pilot.press("g")
        await pilot.pause()
        assert "new" not in str(pane.query_one(".pane-status").render()).replace("new items", "")
        _load_space(now + timedelta(minutes=1), 9)  # log-8 is one minute later still
        await wait_for(pilot, lambda: len(pane.level.items) == 9)
        assert pane.table.cursor_row == 0 and pane.table.current_row.key == "log-8"
        assert "log-8" in table_lines(pane.table)[1] or "user-8" in table_lines(pane.table)[1]


async def test_follow_on_a_24h_range_polls_at_once_and_never_pages_history(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app_ctx.settings = replace(app_ctx.settings, pages=PageSettings(codecatalyst=50))
    _launch_logs(app_ctx, "demo-large")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        pane.follow_seconds = 60.0  # only the poll at once can run during this test
        await wait_for(pilot, idle(pane), timeout=20)
        token, loaded = pane.level.next_token, len(pane.level.items)
        assert token is not None and loaded == 50
        app_ctx.demo.reset_received()
        await pilot.press("f")
        await wait_for(pilot, lambda: len(app_ctx.demo.received()) >= 1 and not pane.polling)
        assert pane.level.next_token == token, "follow paged backwards through history"
        assert len(pane.level.items) - loaded < 50


async def test_follow_shows_a_live_participant_event_arriving_at_the_top(app_ctx) -> None:  # type: ignore[no-untyped-def]
    start = time.time()
    joined = datetime.fromtimestamp(int(start) - 60, UTC)
    _load_session(
        [
            {
                "participantId": "liveViewer01",
                "userId": "viewer-live",
                "state": "CONNECTED",
                "events": [
                    {"name": "JOINED", "eventTime": joined},
                ],
                "_live": {
                    "start": start,
                    "every": 1,
                    "remoteParticipantId": "hostPub00001",
                },
            }
        ],
        joined - timedelta(minutes=5),
    )
    _launch_events(app_ctx, "liveViewer01")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        pane.follow_seconds = 0.3
        await wait_for(pilot, idle(pane))
        before = len(pane.level.items)
        await pilot.press("f")
        await wait_for(pilot, lambda: len(pane.level.items) > before, timeout=15)
        top = pane.table.model.row(0)
        assert top.cells[1] in ("SUBSCRIBE_STOPPED", "SUBSCRIBE_STARTED")
        assert pane.level.items[0].event_time >= pane.level.items[-1].event_time
        assert table_lines(pane.table)[1].split()[2].startswith("SUBSCRIBE_")


# -- empty pages ------------------------------------------------------------------------------
async def test_empty_pages_with_a_token_keep_loading_to_the_true_end(app_ctx) -> None:  # type: ignore[no-untyped-def]
    _launch_logs(app_ctx, "demo-large", **{"event-name": "NoSuchEvent"})
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: pane.level.done, timeout=30)
        status = str(pane.query_one(".pane-status").render())
        assert "No event logs in" in status and "for NoSuchEvent" in status
        assert pane.table.trailer_text == "— no rows —"


async def test_escape_stops_a_search_through_empty_pages(app_ctx) -> None:  # type: ignore[no-untyped-def]
    _launch_logs(app_ctx, "demo-large", **{"event-name": "NoSuchEvent"})
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})
    app_ctx.demo.set_faults("latency=400ms")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: pane.searching >= 1, timeout=20)
        status = str(pane.query_one(".pane-status").render())
        assert "searching…" in status and "esc stops" in status
        crumb = pane.level.crumb
        await pilot.press("escape")
        await pilot.pause()
        assert pane.searching == 0 and not pane.fetching
        assert pane.level.crumb == crumb, "escape left the view instead of stopping the search"
        assert not pane.level.done and pane.table.has_more
    app_ctx.demo.set_faults(None)


# -- IVS E scan -------------------------------------------------------------------------------
async def test_session_error_scan_survives_one_participant_failing(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def event(name: str, second: int, **extra: Any) -> dict[str, Any]:
        return {"name": name, "eventTime": datetime(2026, 1, 1, 12, 0, second, tzinfo=UTC), **extra}

    _load_session(
        [
            {
                "participantId": f"part{i}",
                "userId": f"user-{i}",
                "state": "DISCONNECTED",
                "events": [
                    event("JOINED", 1),
                    event("PUBLISH_ERROR", 2 + i, errorCode="QUOTA_EXCEEDED"),
                ],
            }
            for i in range(3)
        ],
        datetime(2026, 1, 1, 11, tzinfo=UTC),
        datetime(2026, 1, 1, 13, tzinfo=UTC),
    )
    original = ivs_backend.backend.participant

    def failing(arn: str, session_id: str, participant_id: str) -> dict[str, Any]:
        if participant_id == "part1":
            raise ApiError("AccessDeniedException", "not allowed to read part1")
        return original(arn, session_id, participant_id)

    monkeypatch.setattr(ivs_backend.backend, "participant", failing)
    app_ctx.launch = LaunchTarget(
        "ivs", "ivs-realtime list-participants", {"stage-arn": STAGE_ARN, "session-id": SESSION}
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("E")
        await wait_for(pilot, lambda: pane.level.crumb.startswith("errors in") and idle(pane)())
        rows = list(pane.table.model.rows)
        assert pane.last_error is None
        found = {(row.cells[1], row.cells[3]) for row in rows}
        assert ("part0", "PUBLISH_ERROR") in found and ("part2", "PUBLISH_ERROR") in found
        failed = [row for row in rows if row.cells[1] == "part1"]
        assert len(failed) == 1 and "not allowed to read part1" in failed[0].cells[4]


async def test_events_that_share_a_second_stay_distinct_rows(app_ctx) -> None:  # type: ignore[no-untyped-def]
    at = datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC)
    _load_session(
        [
            {
                "participantId": "twinEvents01",
                "userId": "viewer",
                "state": "DISCONNECTED",
                "events": [
                    {
                        "name": "PUBLISH_ERROR",
                        "eventTime": at,
                        "errorCode": code,
                    }
                    for code in ("QUOTA_EXCEEDED", "INSUFFICIENT_CAPABILITIES")
                ],
            }
        ],
        at - timedelta(hours=1),
        at + timedelta(hours=1),
    )
    _launch_events(app_ctx, "twinEvents01")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        rows = list(pane.table.model.rows)
        assert pane.last_error is None, pane.last_error
        assert len({row.key for row in rows}) == 2
        codes = {pane.item_for(row).error_code for row in rows}
        assert codes == {"QUOTA_EXCEEDED", "INSUFFICIENT_CAPABILITIES"}


# -- columns ----------------------------------------------------------------------------------
async def test_event_log_columns_give_triage_room_first_at_80_columns(app_ctx) -> None:  # type: ignore[no-untyped-def]
    _load_space(datetime.now(UTC), 3)
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        table = pane.table
        widths = dict(zip((c.key for c in table.columns), table.body.widths, strict=True))
        assert widths["time"] == 19 and widths["event"] >= 20 and widths["user"] >= 12
        assert all(widths[key] >= 8 for key in ("op", "project"))
        header = table_lines(table)[0]
        for label in ("Time", "Event", "User", "Op", "Project"):
            assert label in header
        assert "Source IP" not in header  # the lowest priority sits past the edge


async def test_hide_and_widen_columns_are_remembered_per_table(app_ctx) -> None:  # type: ignore[no-untyped-def]
    _load_space(datetime.now(UTC), 3)
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        table = pane.table
        await pilot.press("right", "right", "right")  # time, event, user → op
        assert table.columns[table.body.column_cursor].key == "op"
        await pilot.press("H")
        assert "Op" not in table_lines(table)[0].split()
        # The room Op leaves goes to the triage columns, not to the source IP.
        assert "Source IP" not in table_lines(table)[0]
        assert table.columns[table.body.column_cursor].key == "project"
        event_width = table.body.widths[1]
        await pilot.press("left", "left", "plus", "plus")
        assert table.body.widths[1] == event_width + 4
        await wait_for(pilot, lambda: not pane.work.busy)  # written off the event loop
    settings, warnings = load_settings(app_ctx.settings_path)
    assert not warnings
    assert settings.ui.columns == {"codecatalyst.logs": f"-op event={event_width + 4}"}
    raw = tomllib.loads(app_ctx.settings_path.read_text())
    assert raw["ui"]["columns"]["codecatalyst.logs"] == f"-op event={event_width + 4}"
    # A new run starts with the remembered layout.
    app_ctx.settings = settings
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert "op" in pane.table.hidden_columns
        assert pane.table.body.widths[1] == event_width + 4
        await pilot.press("A")  # every column back
        assert not pane.table.hidden_columns
        await wait_for(pilot, lambda: not pane.work.busy)
    assert load_settings(app_ctx.settings_path)[0].ui.columns == {}


# -- time -------------------------------------------------------------------------------------
@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_time_format_cycles_utc_local_relative_and_is_remembered(app_ctx, new_york) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC).replace(microsecond=0)
    _load_space(now, 3)
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    newest = now - timedelta(minutes=28)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        lines = table_lines(pane.table)
        assert "Time (UTC)" in lines[0] and newest.strftime("%Y-%m-%d %H:%M:%S") in lines[1]
        await pilot.press("j", "T")
        lines = table_lines(pane.table)
        local = newest.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        assert "Time (local)" in lines[0] and local in lines[1]
        assert pane.table.current_row.key == "log-1", "the cursor left its row"
        await pilot.press("T")
        lines = table_lines(pane.table)
        assert "Time (ago)" in lines[0] and "28m ago" in lines[1]
        await wait_for(pilot, lambda: not pane.work.busy)  # written off the event loop
    assert load_settings(app_ctx.settings_path)[0].ui.time_format == "relative"


# -- event name and range ---------------------------------------------------------------------
async def test_event_name_filter_matches_known_names_ignoring_case(app_ctx) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    logs = [_log(i, now, "DeleteDevEnvironment" if i % 2 else "UpdateProject") for i in range(6)]
    cc_backend.load({"spaces": [{"name": SPACE, "event_logs": logs}]})
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert "DeleteDevEnvironment" in pane.event_names()
        assert "CreateProject" in pane.event_names()  # from the model, not seen in the rows
        await pilot.press("E", *"deletedevenvironment", "enter")
        await wait_for(pilot, lambda: pane.event_name is not None and idle(pane)())
        assert pane.event_name == "DeleteDevEnvironment"
        assert len(pane.level.items) == 3
        assert all(log.event_name == "DeleteDevEnvironment" for log in pane.level.items)


async def test_typed_range_takes_local_times_and_shows_both_forms(app_ctx, new_york) -> None:  # type: ignore[no-untyped-def]
    app_ctx.settings = replace(
        app_ctx.settings, ui=replace(app_ctx.settings.ui, time_format="local")
    )
    _load_space(datetime.now(UTC), 3)
    _launch_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"custom", "enter")  # the picker filters as you type
        await wait_for(pilot, lambda: bool(app.screen.query("#prompt-input")))
        prompt = app.screen.query_one("#prompt-input")
        prompt.value = ""
        await pilot.press(*"2026-01-05T09:00", "space", *"-2h", "enter")
        await wait_for(pilot, lambda: pane.preset is None and idle(pane)())
        # 09:00 in New York (EST, UTC-5) is 14:00 UTC.
        assert pane.start == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
        assert "2026-01-05 09:00:00 → " in pane.level.crumb and "local" in pane.level.crumb
        label = pane.range_label(relative=True)
        assert "2026-01-05 09:00:00" in label and "local" in label and "ago" in label


async def test_older_pages_after_follow_do_not_repeat_rows(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A page read by offset after follow put new items on top repeats none of them."""
    app_ctx.settings = replace(app_ctx.settings, pages=PageSettings(ivs=5))
    start = time.time()
    joined = datetime.fromtimestamp(int(start) - 1200, UTC)
    events = [{"name": "JOINED", "eventTime": joined}] + [
        {
            "name": "SUBSCRIBE_STARTED" if i % 2 else "SUBSCRIBE_STOPPED",
            "eventTime": joined + timedelta(seconds=10 * i),
            "remoteParticipantId": "hostPub00001",
        }
        for i in range(1, 60)
    ]
    live = {"start": start, "every": 1, "remoteParticipantId": "hostPub00001"}
    participant = {
        "participantId": "liveViewer02",
        "userId": "viewer-live",
        "state": "CONNECTED",
        "events": events,
        "_live": live,
    }
    _load_session([participant], joined - timedelta(minutes=5))
    _launch_events(app_ctx, "liveViewer02")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        pane.follow_seconds = 0.3
        await wait_for(pilot, idle(pane))
        assert not pane.level.done, "the history must be longer than what the screen loads"
        await pilot.press("f")
        await wait_for(pilot, lambda: pane.level.prepended >= 2, timeout=15)
        await pilot.press("f")  # stop, then read the rest of the history
        while not pane.level.done:
            await pilot.press("G")
            await wait_for(pilot, idle(pane))
        keys = [row.key for row in pane.table.model.rows]
        assert not any("#" in key for key in keys), "a row was read twice"
        assert len(keys) == len(set(keys)) == 60 + pane.level.prepended
        times = [item.event_time for item in pane.level.items]
        assert times == sorted(times, reverse=True)
