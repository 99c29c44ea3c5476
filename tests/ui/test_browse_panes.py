"""The browse panes driven with the keyboard against the sandbox, through real boto3 over HTTPS."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

from tests.ui.helpers import idle, showing, table_lines, wait_for
from tui.app import EventdeckApp
from tui.args import LaunchTarget
from tui.sandbox.backends import codecatalyst as cc_backend
from tui.services import codecatalyst as cc
from tui.services import ivs_realtime as ivs
from tui.services.paging import Pager
from tui.settings import PageSettings
from tui.ui.screens.inspector import InspectorScreen


def find_publish_error(factory):  # type: ignore[no-untyped-def]
    """(stage, session id, participant id, error code) of a participant with a PUBLISH_ERROR."""
    for stage in Pager(partial(ivs.list_stages, factory)).items():
        for session in Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items():
            pager = Pager(partial(ivs.list_participants, factory, stage.arn, session.session_id))
            for p in pager.items():
                events = ivs.list_participant_events(
                    factory, stage.arn, session.session_id, p.participant_id
                ).items
                for event in events:
                    if event.name == "PUBLISH_ERROR" and event.error_code:
                        return stage, session.session_id, p.participant_id, event.error_code
    raise AssertionError("the demo data has no PUBLISH_ERROR")


async def test_ivs_drill_down_finds_publish_error_and_its_meaning(app_ctx) -> None:  # type: ignore[no-untyped-def]
    stage, session_id, participant_id, code = find_publish_error(app_ctx.factory)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        # Find the stage with the filter, open it; then the session; then the participant.
        for needle, crumb in (
            (stage.name, f"stage {stage.name}"),
            (session_id, f"session {session_id}"),
            (participant_id, f"participant {participant_id}"),
        ):
            await pilot.press("slash", *needle, "enter")
            await wait_for(pilot, lambda n=needle: pane.table.current_row is not None
                           and n in pane.table.current_row.cells)  # fmt: skip
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda c=crumb: pane.level.crumb == c and idle(pane)(),
                message=lambda: f"{pane.level.crumb} {app.focused} {pane.table.filter_text!r}",
            )
        lines = "\n".join(table_lines(pane.table))
        assert "PUBLISH_ERROR" in lines
        assert code in lines
        meaning = ivs.explain_error_code(code)
        assert meaning[:20] in lines
        error_rows = [r for r in pane.level.items if ivs.is_error_event(r)]
        assert error_rows
        # Back up one level: the participants come back with the cursor where it was.
        await pilot.press("escape")
        await wait_for(pilot, lambda: pane.level.crumb == f"session {session_id}")
        assert pane.table.current_row.key == participant_id


async def test_launch_from_aws_cli_words_opens_participant_events(app_ctx) -> None:  # type: ignore[no-untyped-def]
    stage, session_id, participant_id, code = find_publish_error(app_ctx.factory)
    app_ctx.launch = LaunchTarget(
        "ivs",
        "ivs-realtime list-participant-events",
        {"stage-arn": stage.arn, "session-id": session_id, "participant-id": participant_id},
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert pane.PANE_ID == "ivs"
        assert [lv.crumb for lv in pane.levels][-1] == f"participant {participant_id}"
        assert any(e.error_code == code for e in pane.level.items)
        # The parents were not loaded until shown; going up loads them.
        await pilot.press("escape")
        await wait_for(pilot, idle(pane))
        assert any(p.participant_id == participant_id for p in pane.level.items)


async def test_codecatalyst_pages_lazily_without_loss_or_duplicates_under_faults(app_ctx) -> None:  # type: ignore[no-untyped-def]
    settings = app_ctx.settings
    app_ctx.settings = replace(settings, pages=PageSettings(codecatalyst=100))
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": "demo-large"}
    )
    end = datetime.now(UTC) - timedelta(hours=1)
    start = end - timedelta(days=2)
    app_ctx.launch.params.update({"start-time": start.isoformat(), "end-time": end.isoformat()})
    app_ctx.demo.set_faults("throttle=0.15,error=0.1,reset=0.05,seed=11")
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        for _ in range(12):  # G at the end loads the next page; r retries after an error row
            if pane.last_error is not None:
                await pilot.press("r")
            else:
                await pilot.press("G")
            await wait_for(pilot, idle(pane))
        loaded = [log.id for log in pane.level.items]
    app_ctx.demo.set_faults(None)
    assert len(loaded) >= 800
    assert len(set(loaded)) == len(loaded), "a row was doubled"
    # The same range through the service directly: the UI's rows are exactly its prefix.
    expected: list[str] = []
    pager = Pager(
        partial(cc.list_event_logs, app_ctx.factory, "demo-large", start, end, max_results=100)
    )
    for page in pager:
        expected.extend(log.id for log in page.items)
        if len(expected) >= len(loaded):
            break
    assert loaded == expected[: len(loaded)], "a row was lost or reordered"


async def test_filter_sort_export_and_inspector_on_event_logs(app_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": "acme-platform"}
    )
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        while not pane.level.done:
            await pilot.press("G")
            await wait_for(pilot, idle(pane))
        total = len(pane.level.items)
        mutations = sum(1 for log in pane.level.items if log.is_mutation)
        await pilot.press("slash", *"MUTATION", "enter")
        await wait_for(pilot, lambda: pane.table.row_count == mutations)
        assert pane.table.status_text.startswith(f"{mutations:,} of {total:,}")
        # Export what is shown (the filtered rows) as JSON Lines.
        target = tmp_path / "mutations.jsonl"
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
        prompt_input = app.screen.query_one("Input")
        prompt_input.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        exported = [json.loads(line) for line in target.read_text().splitlines()]
        assert len(exported) == mutations
        assert all(item["operationType"] == "MUTATION" for item in exported)
        # Open one: the inspector shows the item with its payload decoded.
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, InspectorScreen))


async def test_follow_mode_appends_new_event_logs(app_ctx) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)

    def log(i: int) -> dict:  # type: ignore[type-arg]
        return {
            "id": f"follow-{i}",
            "eventName": "UpdateProject",
            "eventType": "AwsApiCall",
            "eventCategory": "MANAGEMENT",
            "eventSource": "codecatalyst.amazonaws.com",
            "eventTime": (now - timedelta(minutes=10 - i)).isoformat(),
            "operationType": "MUTATION",
            "userIdentity": {"userType": "USER", "principalId": "p", "userName": "mary.major"},
        }

    space = {"name": "follow-space", "regionName": "us-west-2"}
    cc_backend.load({"spaces": [{**space, "event_logs": [log(0), log(1)]}]})
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": "follow-space"}
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        pane.follow_seconds = 0.2
        await wait_for(pilot, idle(pane))
        assert len(pane.level.items) == 2
        await pilot.press("f")
        assert pane.following
        cc_backend.load({"spaces": [{**space, "event_logs": [log(0), log(1), log(2), log(3)]}]})
        await wait_for(pilot, lambda: len(pane.level.items) == 4)
        ids = [item.id for item in pane.level.items]
        assert sorted(ids) == ["follow-0", "follow-1", "follow-2", "follow-3"]
        await pilot.press("f")
        assert not pane.following


async def test_hostile_strings_are_shown_literally(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": "hostile-space"}
    )
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        hostile = [
            i for i, log in enumerate(pane.level.items) if "\x1b" in str(log.raw.get("userAgent"))
        ]
        assert hostile, "the demo's hostile space lost its hostile strings"
        pane.table.move_to(hostile[0])
        table_text = "\n".join(table_lines(pane.table))
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))
        view = app.screen.query_one("JsonView")
        text = "\n".join(view.lines)
        segments = [
            seg.text
            for y in range(view.scrollable_content_region.height)
            for seg in view.render_line(y)
        ]
    assert "\x1b" not in table_text and "\u202e" not in table_text
    assert not any("\x1b" in s or "\x07" in s or "\u202e" in s for s in segments)
    assert "ZXZpbA==" in text  # the OSC 52 payload is there, as visible text


async def test_read_only_and_demo_badges(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app_ctx.options = app_ctx.options.with_(read_only=True)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        header = app.query_one("StatusHeader #identity")
        text = str(header.render())
        assert "READ-ONLY" in text
        assert "DEMO" in text


async def test_profiles_unhealthy_and_stopped_streams_stand_out(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        styles: dict[str, str] = {}
        for domain in list(pane.level.items):
            pane.push_level(pane.streams_level(domain.name))
            await wait_for(pilot, idle(pane))
            for stream in pane.level.items:
                styles[stream.health.level] = pane.level.to_row(stream).style
            pane.pop_level()
            await wait_for(pilot, idle(pane))
        assert styles.get("unhealthy") == "error"
        assert styles.get("stopped") == "warning"
        # Open the detail of an unhealthy stream: the health line says since when.
        for domain in pane.level.items:
            pane.push_level(pane.streams_level(domain.name))
            await wait_for(pilot, idle(pane))
            bad = [s for s in pane.level.items if s.health.level == "unhealthy"]
            if bad:
                pane.push_level(pane.detail_level(domain.name, bad[0].name))
                await wait_for(pilot, idle(pane))
                lines = "\n".join(table_lines(pane.table))
                assert "UNHEALTHY" in lines and "since" in lines
                break
            pane.pop_level()
            await wait_for(pilot, idle(pane))
        else:
            raise AssertionError("no unhealthy stream in the demo data")


async def test_side_inspector_follows_the_cursor_on_wide_terminals(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": "acme-platform"}
    )
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(160, 40)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("i")
        assert pane.side.display
        first = pane.level.items[0].id
        assert f'"id": "{first}"' in pane.side.text
        await pilot.press("j")
        second = pane.level.items[1].id
        await wait_for(pilot, lambda: f'"id": "{second}"' in pane.side.text)
        await pilot.press("i")
        assert not pane.side.display
    # Narrow terminals have no room: `i` opens the full inspector instead.
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("i")
        await wait_for(pilot, lambda: showing(app, InspectorScreen))


async def test_session_errors_scan_lists_every_participant_error(app_ctx) -> None:  # type: ignore[no-untyped-def]
    stage, session_id, participant_id, code = find_publish_error(app_ctx.factory)
    app_ctx.launch = LaunchTarget(
        "ivs", "ivs-realtime list-participants", {"stage-arn": stage.arn, "session-id": session_id}
    )
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("E")
        await wait_for(
            pilot, lambda: pane.level.crumb == f"errors in {session_id}" and idle(pane)()
        )
        found = pane.level.items
        assert found and all(ivs.is_error_event(f.event) for f in found)
        assert any(
            f.participant.participant_id == participant_id and f.event.error_code == code
            for f in found
        )
        # Enter on an error opens that participant's events.
        await pilot.press("enter")
        first = found[0].participant.participant_id
        await wait_for(pilot, lambda: pane.level.crumb == f"participant {first}" and idle(pane)())


async def test_export_format_follows_the_extension(app_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv

    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        target = tmp_path / "stages.csv"
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
    rows = list(csv.DictReader(target.open()))
    assert [row["name"] for row in rows] == [s.name for s in pane.level.items]
    assert "arn" in rows[0]


async def test_pasting_a_stage_arn_opens_it(app_ctx) -> None:  # type: ignore[no-untyped-def]
    from textual import events

    stage, session_id, participant_id, code = find_publish_error(app_ctx.factory)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        pane.table.body.post_message(events.Paste(f"{stage.arn} {session_id} {participant_id}"))
        await wait_for(
            pilot, lambda: pane.level.crumb == f"participant {participant_id}" and idle(pane)()
        )
        assert any(e.error_code == code for e in pane.level.items)


async def test_profiles_scan_lists_every_flagged_stream(app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await pilot.press("U")
        await wait_for(
            pilot, lambda: pane.level.crumb == "unhealthy or stopped streams" and idle(pane)()
        )
        levels = {s.health.level for s in pane.level.items}
        assert levels == {"unhealthy", "stopped"}
        first = pane.level.items[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: pane.level.crumb == f"stream {first.name}" and idle(pane)())
        health = next(f for f in pane.level.items if f.name == "Health")
        assert health.value == first.health.summary


async def test_launch_target_first_page_is_prefetched_during_start_up(app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui.launch import start_prefetch

    stage, session_id, participant_id, code = find_publish_error(app_ctx.factory)
    app_ctx.launch = LaunchTarget(
        "ivs",
        "ivs-realtime list-participant-events",
        {"stage-arn": stage.arn, "session-id": session_id, "participant-id": participant_id},
    )
    assert start_prefetch(app_ctx, app_ctx.launch)
    key = ivs.events_page_key(stage.arn, session_id, participant_id, app_ctx.settings.pages.ivs)
    assert app_ctx.prefetch.wait(key, timeout=10)  # the page is in before the app starts

    def no_call(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the first page should come from the prefetch")

    monkeypatch.setattr(ivs, "list_participant_events", no_call)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert pane.last_error is None
        assert any(e.error_code == code for e in pane.level.items)
