"""Pane 5 against the sandbox: compose and send, eventIds kept, bad input at the field, raw JSON, drafts."""

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
    wait_until,
)

from tui.settings import Settings
from tui.ui.panes.compose import drafts
from tui.ui.screens.confirm import ConfirmScreen


async def _header(pilot, pane) -> None:  # type: ignore[no-untyped-def]
    await fill(pilot, pane, "trackingId", "tracker-1", header=True)
    await fill(pilot, pane, "sessionId", "session-1", header=True)
    await fill(pilot, pane, "userId", "user-7", header=True)


async def test_compose_and_send_events_ids_kept_and_failure_resent(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings()
    app = make_app(sandbox_options, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await _header(pilot, pane)
        await fill(pilot, pane, "eventType", "click")
        await fill(pilot, pane, "itemId", "item-1")
        await fill(pilot, pane, "eventValue", "4.5")
        await fill(pilot, pane, "properties", '{"numberOfRatings": "12"}')
        await fill(pilot, pane, "impression", "item-1\nitem-2")
        await pilot.press("ctrl+n")
        await fill(pilot, pane, "eventType", "watch")
        await fill(pilot, pane, "eventId", "my-own-id")
        # Every send fails at the sandbox: both events are marked failed, eventIds generated and kept.
        sandbox_env.set_faults("error=1.0")
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(r is not None for r in pane.results))
        assert all(r["ErrorCode"] for r in pane.results)
        first_id = pane.entries[0]["eventId"]
        assert first_id and pane.entries[1]["eventId"] == "my-own-id"
        assert sandbox_env.received()["personalize-events"] == []
        # ctrl+r re-sends the failed events with the same eventIds.
        sandbox_env.set_faults(None)
        await to_list(pilot, pane)
        await send_confirmed(pilot, "ctrl+r")
        await wait_until(pilot, lambda: all(r and r.get("EventId") for r in pane.results))
        received = sandbox_env.received()["personalize-events"]
        assert [e["eventId"] for e in received] == [first_id, "my-own-id"]
        first = received[0]
        assert first["trackingId"] == "tracker-1" and first["userId"] == "user-7"
        assert json.loads(first["properties"]) == {"numberOfRatings": "12"}  # sent as a JSON string
        assert first["impression"] == ["item-1", "item-2"] and first["eventValue"] == 4.5
        # The userId is remembered for this profile.
        assert app.ctx.settings.recent.user_ids == {"default": ("user-7",)}
        # Nothing left to send: ctrl+s says so instead of sending twice.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert len(sandbox_env.received()["personalize-events"]) == 2


async def test_bad_inputs_at_their_fields_nothing_sent(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        # An untouched empty field is not shouted at; a send attempt shows what is missing.
        assert error_at(pane, "trackingId", header=True) == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "required" in error_at(pane, "trackingId", header=True)
        await _header(pilot, pane)
        await fill(pilot, pane, "eventType", "click")
        good = dict(pane.entries[0])
        cases = [
            ("properties", "[1]", "must be a JSON object"),
            ("properties", "{oops", "must be a JSON object"),
            ("properties", json.dumps({"k": "v" * 1100}), "at most 1,024"),
            ("eventValue", "abc", "must be a number"),
            ("eventValue", "inf", "finite"),
            ("sentAt", "the other day", "not a time"),
            ("impression", "\n".join(f"i{n}" for n in range(26)), "at most 25"),
            ("eventType", "", "required"),
        ]
        for field, value, expected in cases:
            await fill(pilot, pane, field, value)
            assert expected in error_at(pane, field), (field, error_at(pane, field))
            assert is_invalid(pane, field)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            await fill(pilot, pane, field, good[field])
            assert error_at(pane, field) == "", (field, error_at(pane, field))
        for _ in range(12):
            await pilot.press("ctrl+n")
        assert len(pane.entries) == 10
        assert "at most 10" in str(pane.query_one("#compose-status").render())
        assert sandbox_env.received()["personalize-events"] == []


async def test_form_json_round_trip_loses_nothing(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(200, 60)) as pilot:
        pane = await open_pane(pilot, "5")
        await _header(pilot, pane)
        await fill(pilot, pane, "eventType", "click")
        await fill(pilot, pane, "sentAt", "2024-05-01T12:00:00Z")
        await fill(pilot, pane, "eventValue", "1e3")
        await fill(pilot, pane, "properties", '{"a": [1, 2], "b": "ü"}')
        await fill(pilot, pane, "metricAttribution", "campaign-9")
        await pilot.press("ctrl+n")
        await fill(pilot, pane, "eventType", "watch")
        before = (dict(pane.header), [dict(e) for e in pane.entries])
        await pilot.press("f2")
        raw = json.loads(pane.query_one("#compose-raw").text)
        assert raw["trackingId"] == "tracker-1"
        assert raw["eventList"][0]["eventValue"] == 1000.0
        assert raw["eventList"][0]["metricAttribution"] == {"eventAttributionSource": "campaign-9"}
        assert raw["eventList"][0]["properties"] == '{"a": [1, 2], "b": "ü"}'
        await pilot.press("f2")
        assert not pane.json_mode
        after = (pane.header, pane.entries)
        nonblank = lambda d: {k: v for k, v in d.items() if v not in ("", None)}  # noqa: E731
        assert nonblank(after[0]) == nonblank(before[0])
        assert [nonblank(e) for e in after[1]] == [
            {**nonblank(e), **({"eventValue": "1000.0"} if e.get("eventValue") else {})}
            for e in before[1]
        ]
        # Edit in JSON: a broken document is refused at the editor and the form keeps its batch.
        await pilot.press("f2")
        editor = pane.query_one("#compose-raw")
        editor.load_text('{"trackingId": "t", "eventList": [')
        await pilot.pause()
        assert "not valid JSON" in pane.query_one("#compose-raw-error").message
        await pilot.press("f2")
        assert pane.json_mode and len(pane.entries) == 2
        raw["eventList"].append({"eventType": "buy", "sentAt": "now", "itemId": "x"})
        editor.load_text(json.dumps(raw))
        await pilot.press("f2")
        assert not pane.json_mode and len(pane.entries) == 3
        assert pane.entries[2]["itemId"] == "x"
        # ctrl+g: the operation's skeleton in the JSON view.
        await pilot.press("ctrl+g")
        skeleton = json.loads(pane.query_one("#compose-raw").text)
        assert set(skeleton) == {"trackingId", "userId", "sessionId", "eventList"}


async def test_draft_autosaves_and_comes_back_in_a_new_app(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await _header(pilot, pane)
        await fill(pilot, pane, "eventType", "draft-event")
        await pilot.press("ctrl+n")
        await fill(pilot, pane, "eventType", "second")
        draft_file = pane.outbox.drafts_dir / "personalize-events.json"
        await wait_until(pilot, draft_file.exists)  # debounced autosave
        await fill(pilot, pane, "itemId", "typed-just-before-quit")
    # Quitting saved the last keystrokes too; a new app brings the batch back.
    app2 = make_app(sandbox_options)
    async with app2.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        assert [e["eventType"] for e in pane.entries] == ["draft-event", "second"]
        assert pane.entries[1]["itemId"] == "typed-just-before-quit"
        assert pane.header["trackingId"] == "tracker-1"
        assert pane.query_one("#entry-field-itemId").value == "typed-just-before-quit"
    assert sandbox_env.received()["personalize-events"] == []


async def test_autosave_keeps_saving_when_its_timer_is_already_late(
    sandbox_env, sandbox_options, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A draft's autosave timer that is late when it starts still saves, and autosave goes on.

    Why: Textual's one-shot timer drops its only tick when its delay passed between two reads of
    the clock (a worker holding the GIL for the autosave's second does that); the keeper then
    waited for a save that never came and saved nothing more until quit. A 1 ns delay is late
    every time.
    """
    monkeypatch.setattr(drafts, "AUTOSAVE_SECONDS", 1e-9)
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        draft_file = pane.outbox.drafts_dir / "personalize-events.json"
        await fill(pilot, pane, "eventType", "first-save")
        await wait_until(pilot, lambda: "first-save" in read_text(draft_file), timeout=20)
        await fill(pilot, pane, "itemId", "second-save")
        await wait_until(pilot, lambda: "second-save" in read_text(draft_file), timeout=20)


def read_text(path) -> str:  # type: ignore[no-untyped-def]
    """The file's text, or "" while it is not written yet."""
    return path.read_text() if path.exists() else ""
