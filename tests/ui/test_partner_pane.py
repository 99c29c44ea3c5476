"""Pane 4 against the sandbox: compose, validate at the field, send, partial failure and ctrl+r."""

from __future__ import annotations

import json

from compose_helpers import (
    error_at,
    fill,
    is_invalid,
    make_app,
    open_pane,
    send_confirmed,
    to_list,
    type_text,
    wait_until,
)

from tests.ui.helpers import showing
from tui.ui.screens.confirm import ConfirmScreen

SOURCE = "aws.partner/example.com/orders"


async def _entry(pilot, pane, detail_type: str, detail: str) -> None:  # type: ignore[no-untyped-def]
    await fill(pilot, pane, "Source", SOURCE)
    await fill(pilot, pane, "DetailType", detail_type)
    await fill(pilot, pane, "Detail", detail)


async def _two_entries(pilot, pane) -> None:  # type: ignore[no-untyped-def]
    """Entries "First" ({"n": 1}) and "Second" ({"n": 2}), each field filled as a paste would."""
    await _entry(pilot, pane, "First", '{"n": 1}')
    await pilot.press("ctrl+n")
    await _entry(pilot, pane, "Second", '{"n": 2}')


async def test_three_entries_one_broken_then_fixed_and_sent(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _entry(pilot, pane, "First", '{"n": 1}')
        await pilot.press("ctrl+n")
        await _entry(pilot, pane, "Second", '{"n": 2')  # broken: no closing brace
        await pilot.press("ctrl+n")
        await _entry(pilot, pane, "Third", '{"n": 3}')
        assert len(pane.entries) == 3
        # The broken Detail is shown at its field, on entry 2.
        await to_list(pilot, pane)
        await pilot.press("up")
        assert pane.selected == 1
        assert "Detail must be a JSON object" in error_at(pane, "Detail")
        assert is_invalid(pane, "Detail")
        # ctrl+s refuses: no confirmation, nothing received.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert sandbox_env.received()["events"] == []
        assert "Not sent" in str(pane.query_one("#compose-status").render())
        # Fix it by typing the closing brace, as a user would.
        await type_text(pilot, pane, "Detail", "}")
        assert error_at(pane, "Detail") == ""
        assert not is_invalid(pane, "Detail")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r and r.get("EventId") for r in pane.results))
        received = sandbox_env.received()["events"]
        assert sorted(json.loads(e["Detail"])["n"] for e in received) == [1, 2, 3]
        assert [r["EventId"] for r in pane.results] == [e["EventId"] for e in received]
        # Each EventId is shown beside its entry in the list.
        rows = pane.query_one("#compose-list").rows
        assert [row.result for row in rows] == [r["EventId"] for r in pane.results]
        assert pane.sends_in_flight == 0


async def test_partial_failure_then_ctrl_r_resends_only_failed(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(200, 60)) as pilot:
        pane = await open_pane(pilot, "4")
        await _entry(pilot, pane, "ok-1", '{"n": 1}')
        await pilot.press("ctrl+n")
        await _entry(pilot, pane, "bad", '{"n": 2, "sandbox_fail": "InternalFailure"}')
        await pilot.press("ctrl+n")
        await _entry(pilot, pane, "ok-3", '{"n": 3}')
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r is not None for r in pane.results))
        assert pane.results[1]["ErrorCode"] == "InternalFailure"
        assert pane.results[0]["EventId"] and pane.results[2]["EventId"]
        rows = pane.query_one("#compose-list").rows
        assert [row.state for row in rows] == ["sent", "failed", "sent"]
        assert len(sandbox_env.received()["events"]) == 2
        # ctrl+r unchanged: only the failed entry goes again (and fails again); the others are not re-sent.
        await to_list(pilot, pane)
        await send_confirmed(pilot, "ctrl+r")
        await wait_until(pilot, lambda: pane.sends_in_flight == 0 and not pane.batch_model.sending)
        assert pane.results[1]["ErrorCode"] == "InternalFailure"
        assert len(sandbox_env.received()["events"]) == 2
        # Fix it: it stays marked failed while edited, and ctrl+r re-sends only it.
        pane.query_one("#compose-list").highlighted = 1
        await pilot.pause()
        assert pane.selected == 1
        await fill(pilot, pane, "Detail", '{"n": 2}')
        assert pane.results[1]["ErrorCode"] == "InternalFailure"
        await to_list(pilot, pane)
        await send_confirmed(pilot, "ctrl+r")
        await wait_until(pilot, lambda: bool(pane.results[1] and pane.results[1].get("EventId")))
        received = sandbox_env.received()["events"]
        assert sorted(json.loads(e["Detail"])["n"] for e in received) == [1, 2, 3]
        assert len({e["EventId"] for e in received}) == 3


async def test_read_only_refuses_and_says_why(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options.with_(read_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _entry(pilot, pane, "x", '{"a": 1}')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "--read-only" in str(pane.query_one("#compose-status").render())
        assert sandbox_env.received()["events"] == []


async def test_bad_inputs_shown_at_their_fields_and_nothing_sent(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _entry(pilot, pane, "x", '{"a": 1}')
        cases = [
            ("Detail", "[1, 2]", "must be a JSON object"),
            ("Detail", "not json", "must be a JSON object"),
            ("Source", "my.source", "aws.partner/"),
            ("Time", "yesterday-ish", "not a time"),
            ("DetailType", "", "required"),
            ("Detail", json.dumps({"big": "x" * 270_000}), "256 KB"),
        ]
        good = dict(pane.entries[0])
        for field, value, expected in cases:
            await fill(pilot, pane, field, value)
            assert expected in error_at(pane, field), (field, error_at(pane, field))
            assert is_invalid(pane, field)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            await fill(pilot, pane, field, good[field])
            assert error_at(pane, field) == ""
        # More than 20 entries: refused at the list, with a message.
        for _ in range(25):
            await pilot.press("ctrl+n")
        assert len(pane.entries) == 20
        assert "at most 20" in str(pane.query_one("#compose-status").render())
        assert sandbox_env.received()["events"] == []


async def test_launch_with_cli_words_and_bad_files_refused(
    sandbox_env, sandbox_options, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tui.args import LaunchTarget

    batch = tmp_path / "batch.json"
    batch.write_text(
        json.dumps([{"Source": SOURCE, "DetailType": "From file", "Detail": '{"f": 1}'}])
    )
    launch = LaunchTarget("partner", "put-partner-events", {"entries": f"file://{batch}"})
    app = make_app(sandbox_options, launch=launch)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_until(pilot, lambda: pane.entries[0].get("DetailType") == "From file")
        assert pane.query_one("#entry-field-DetailType").value == "From file"
        for content, expected in [
            ("{not json", "not valid JSON"),
            (json.dumps({"Entries": [1]}), "must be a JSON object"),
            (json.dumps({"Wrong": []}), "unknown field"),
            ("[" + " " * (9 * 1024 * 1024) + "]", "a request file may be at most"),
        ]:
            bad = tmp_path / "bad.json"
            bad.write_text(content)
            await pilot.press("ctrl+o")
            await pilot.pause()
            app.screen.query_one("Input").value = str(bad)
            await pilot.press("enter")
            status = pane.query_one("#compose-status")
            await wait_until(pilot, lambda e=expected, s=status: e in str(s.render()))
            assert pane.entries[0]["DetailType"] == "From file"  # the batch is untouched
    assert sandbox_env.received()["events"] == []


async def test_tab_from_the_entry_list_lands_in_the_first_field(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    """Keyboard only: tab goes list → Source → DetailType → Detail, typing goes where it shows."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        pane.query_one("#compose-list").focus()
        await pilot.press("tab", *"aws.partner/example.com/x", "tab", *"Typed")
        await pilot.pause(0.2)
        assert pane.entries[pane.selected].get("Source") == "aws.partner/example.com/x"
        assert pane.entries[pane.selected].get("DetailType") == "Typed"


async def test_a_late_answer_shows_unconfirmed_and_a_resend_warns_it_may_double(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    # --cli-read-timeout shorter than the answer: EventBridge has the entries, no answer came.
    app = make_app(sandbox_options.with_(read_timeout=0.3))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _two_entries(pilot, pane)
        sandbox_env.set_faults("latency=800ms,late=1.0")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r for r in pane.results), timeout=20)
        sandbox_env.set_faults(None)
        assert len(sandbox_env.received()["events"]) == 2  # once each: not retried
        assert all(r.get("Unconfirmed") and not r.get("ErrorCode") for r in pane.results)
        assert "unconfirmed" in str(pane.query_one("#compose-status").render())
        assert "UNCONFIRMED" in str(pane.query_one("#compose-result").render())
        listed = str(pane.query_one("#compose-list").get_option_at_index(0).prompt)
        assert "unconfirmed" in listed
        # ctrl+s does not send them again; ctrl+r asks first and says they may arrive twice.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await to_list(pilot, pane)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "may arrive twice" in app.screen._title
        await pilot.press("n")
        await pilot.pause()
        assert len(sandbox_env.received()["events"]) == 2


async def test_typing_into_a_new_detail_replaces_its_empty_object(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """A new entry's Detail is ``{}``; tabbing in and typing an object gives that object, not
    ``{...}{}`` (refused as "Extra data"). A Detail with content keeps it when focused."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await pilot.press("tab", "tab")  # Source -> DetailType -> Detail, as a user moves
        detail = pane.query_one("#entry-field-Detail")
        await wait_until(pilot, lambda: detail.has_focus)
        assert detail.text == "{}"
        typed = '{"orderId": "o-1"}'
        await pilot.press(*[{" ": "space"}.get(c, c) for c in typed])
        await wait_until(pilot, lambda: detail.text == typed)
        assert error_at(pane, "Detail") == ""
        assert pane.batch_model.entries[0]["Detail"] == typed
        # Content the user wrote is not selected: what they type goes where the cursor is.
        await pilot.press("shift+tab")
        detail_type = pane.query_one("#entry-field-DetailType")
        await wait_until(pilot, lambda: detail_type.has_focus)
        await pilot.press("tab")
        await wait_until(pilot, lambda: detail.has_focus)
        assert detail.selected_text == "" and detail.text == typed


async def test_an_entry_added_while_a_send_is_in_flight_takes_no_result(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    """AWS answers late; meanwhile the user adds an entry before the ones sending. Each answer
    lands on the entry that was sent: the new entry stays unsent, and the second one is not
    shown unsent (where the next ctrl+s would send it a second time)."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _two_entries(pilot, pane)
        sandbox_env.set_faults("latency=1500ms")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: bool(pane.batch_model.sending))
        await to_list(pilot, pane)
        await pilot.press("up")  # onto First
        await wait_until(pilot, lambda: pane.selected == 0)
        await pilot.press("ctrl+n")  # a new entry between First and Second, mid-send
        assert pane.batch_model.sending == {0, 2}
        # To the raw JSON and back (f2 twice): the unchanged entries are still the ones sending.
        await pilot.press("escape", "f2")
        await wait_until(pilot, lambda: pane.raw.open)
        await pilot.press("f2")
        await wait_until(pilot, lambda: not pane.raw.open)
        assert pane.batch_model.sending == {0, 2}
        await wait_until(pilot, lambda: pane.sends_in_flight == 0, timeout=30)
        sandbox_env.set_faults(None)
        assert [e["DetailType"] for e in pane.entries] == ["First", "", "Second"]
        assert pane.results[0] is not None and pane.results[2] is not None
        assert pane.results[1] is None
        assert pane.batch_model.unsent() == [1]  # only the new one
        assert len(sandbox_env.received()["events"]) == 2


async def test_sent_entries_stay_sent_through_the_raw_json_and_back(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    """f2 twice after a send: the entries did not change, so they keep their EventIds and
    ctrl+s has nothing to send (their empty Resources, left out of the JSON, called them
    changed: both shown unsent, and the next ctrl+s sent them again)."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await _two_entries(pilot, pane)
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: pane.sends_in_flight == 0 and all(pane.results))
        sent = [r["EventId"] for r in pane.results]  # type: ignore[index]
        await pilot.press("escape", "f2")
        await wait_until(pilot, lambda: pane.raw.open)
        await pilot.press("f2")
        await wait_until(pilot, lambda: not pane.raw.open)
        assert [r["EventId"] for r in pane.results] == sent  # type: ignore[index]
        assert pane.batch_model.unsent() == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not showing(app, ConfirmScreen)
        assert len(sandbox_env.received()["events"]) == 2
