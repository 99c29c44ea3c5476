"""Compose panes by keyboard at 80x24: escape to the list, keys that never type, raw JSON and loads."""

from __future__ import annotations

import json

from compose_helpers import fill, make_app, open_pane, send_confirmed, wait_until

from tests.ui.helpers import showing
from tui.ui.screens.confirm import ConfirmScreen

SOURCE = "aws.partner/example.com/orders"


async def test_escape_from_every_field_returns_to_the_entry_list(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        entry_list = pane.query_one("#compose-list")
        for field in ("Source", "Detail", "Time", "Resources"):
            pane.query_one(f"#entry-field-{field}").focus()
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert app.focused is entry_list, (field, app.focused)


async def test_ctrl_r_resends_failed_from_a_field_without_typing_into_it(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "flaky")
        detail = '{"sandbox_fail": "InternalFailure"}'
        await fill(pilot, pane, "Detail", detail)
        await send_confirmed(pilot)  # ctrl+s from the Detail field
        await wait_until(
            pilot, lambda: pane.results[0] is not None and not pane.batch_model.sending
        )
        assert pane.results[0]["ErrorCode"] == "InternalFailure"
        pane.query_one("#entry-field-Detail").focus()
        await pilot.pause()
        await send_confirmed(pilot, "ctrl+r")
        await wait_until(pilot, lambda: pane.sends_in_flight == 0 and not pane.batch_model.sending)
        assert pane.entries[0]["Detail"] == detail  # nothing typed into the field
        assert len(sandbox_env.received()["events"]) == 0  # both attempts failed in the sandbox
        assert "ctrl+r" in str(pane.query_one("#compose-result").render())


async def test_raw_json_shows_a_batch_loaded_with_ctrl_o_and_ctrl_s_sends_it(
    sandbox_env, sandbox_options, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "batch.json"
    entry = {"Source": SOURCE, "DetailType": "From file", "Detail": '{"f": 1}'}
    batch.write_text(json.dumps([entry]))
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await pilot.press("ctrl+g")  # an empty batch: no question
        await pilot.pause()
        assert pane.json_mode and "Entries" in pane.query_one("#compose-raw").text
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("Input").value = str(batch)
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.entries[0].get("DetailType") == "From file")
        assert "From file" in pane.query_one("#compose-raw").text
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: bool(pane.results[0] and pane.results[0].get("EventId")))
        received = sandbox_env.received()["events"]
        assert [e["DetailType"] for e in received] == ["From file"]


async def test_ctrl_g_asks_before_replacing_a_batch_with_unsent_entries(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "Keep me")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert not pane.json_mode
        assert pane.entries[0]["DetailType"] == "Keep me"


async def test_bulk_import_pause_is_not_the_palette_key(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    from tui.ui.screens.bulk_import import BulkImportScreen

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await pilot.press("f6")
        await wait_until(pilot, lambda: showing(app, BulkImportScreen))
        actions = {key: a.binding.action for key, a in app.screen.active_bindings.items()}
        assert actions.get("ctrl+p") != "pause"
        assert "pause" in actions.values()


async def test_load_file_prompt_completes_paths_with_tab(
    sandbox_env, sandbox_options, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tui.ui.screens.prompt import PromptScreen

    (tmp_path / "batches").mkdir()
    (tmp_path / "batches" / "orders-may.json").write_text("[]")
    (tmp_path / "batches" / "orders-june.json").write_text("[]")
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: showing(app, PromptScreen))
        field = app.screen.query_one("Input")
        field.value = str(tmp_path / "bat")
        field.cursor_position = len(field.value)
        await pilot.press("tab")
        assert field.value == str(tmp_path / "batches") + "/"
        await pilot.press(*"ord", "tab")
        assert field.value == str(tmp_path / "batches" / "orders-")
        assert "2 matches" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("m", "tab")
        assert field.value == str(tmp_path / "batches" / "orders-may.json")


async def test_ctrl_n_from_a_field_moves_to_the_new_entrys_first_field(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Detail", '{"n": 1}')
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert pane.selected == 1
        assert app.focused is pane.query_one("#entry-field-Source")
        await pilot.press(*"abc")
        await pilot.pause()
        assert pane.entries[1]["Source"].endswith("abc")
        assert pane.entries[0]["Detail"] == '{"n": 1}'


def _status(pane) -> str:  # type: ignore[no-untyped-def]
    return str(pane.query_one("#compose-status").render())


async def test_x_then_u_puts_a_deleted_entry_back_in_its_place(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """``x`` in the entry list is one key: ``u`` undoes it, the entry where it stood."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        for event_type in ("click", "view", "buy"):
            await fill(pilot, pane, "eventType", event_type)
            await pilot.press("ctrl+n")
        await pilot.press("escape")  # the list
        await pilot.press("up", "up")  # from the blank fourth entry onto "view"
        await wait_until(pilot, lambda: pane.selected == 1)
        await pilot.press("x")
        await wait_until(pilot, lambda: len(pane.entries) == 3)
        assert [e["eventType"] for e in pane.entries] == ["click", "buy", ""]
        assert "u puts it back" in _status(pane)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(pane.entries) == 4)
        assert [e["eventType"] for e in pane.entries] == ["click", "view", "buy", ""]
        assert pane.selected == 1
        await pilot.press("u")
        await pilot.pause()
        assert "No deleted event to put back" in _status(pane)


async def test_n_asks_before_a_new_batch_drops_unsent_entries(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "Order Created")
        await pilot.press("escape", "N")
        await wait_until(pilot, lambda: showing(app, ConfirmScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: not showing(app, ConfirmScreen))
        assert pane.entries[0]["DetailType"] == "Order Created"  # kept
        await pilot.press("N")
        await wait_until(pilot, lambda: showing(app, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: pane.entries[0]["DetailType"] == "")
        # Nothing unsent left: N starts anew without asking.
        await pilot.press("N")
        await pilot.pause()
        assert not showing(app, ConfirmScreen)
