"""`O` on the browse panes copies the console URL of the current resource and says what it copied."""

from __future__ import annotations

from typing import Any

from tests.ui.helpers import idle, osc52_payloads, wait_for
from tui.app import EventdeckApp


async def test_o_copies_the_stage_then_session_console_url(
    app_ctx: Any, written: list[str]
) -> None:
    app = EventdeckApp(app_ctx)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))[
            1
        ]  # type: ignore[method-assign]
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.table.current_row is not None)
        stage = pane.item_for(pane.table.current_row)
        stage_id = stage.arn.rsplit("/", 1)[-1]
        region = stage.arn.split(":")[3]
        await pilot.press("O")
        await pilot.pause()
        home = f"https://{region}.console.aws.amazon.com/ivs/home?region={region}"
        assert osc52_payloads(written)[-1] == f"{home}#/stages/{stage_id}"
        assert any(
            f"IVS stage {stage_id} ({region})" in n and n.startswith("Copied") for n in notes
        )
        # Into the stage: the row is now a session.
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(pane.levels) == 2 and idle(pane)())
        await wait_for(pilot, lambda: pane.table.current_row is not None)
        session = pane.item_for(pane.table.current_row)
        await pilot.press("O")
        await pilot.pause()
        assert (
            osc52_payloads(written)[-1]
            == f"{home}#/stages/{stage_id}/sessions/{session.session_id}"
        )


async def test_o_on_customer_profiles_and_codecatalyst(app_ctx: Any, written: list[str]) -> None:
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.table.current_row is not None)
        domain = pane.item_for(pane.table.current_row).name
        await pilot.press("O")
        await pilot.pause()
        region = app_ctx.options.region
        assert osc52_payloads(written)[-1] == (
            f"https://{region}.console.aws.amazon.com/customer-profiles/home?region={region}"
            f"#/domains/{domain}"
        )
        await pilot.press("2")
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.table.current_row is not None)
        space = pane.item_for(pane.table.current_row).name
        await pilot.press("O")
        await pilot.pause()
        assert osc52_payloads(written)[-1] == f"https://codecatalyst.aws/spaces/{space}"
