"""Saved views: saved by name per table into config.toml, reopened from the command palette."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.ui.helpers import launch_event_logs, load_all, showing, wait_for
from tui.app import EventdeckApp
from tui.settings import load_settings
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.virtual_table import QueryBar, current_query

QUERY = "operationType=='MUTATION'; col user = userIdentity.userName"


async def palette(pilot, app, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: showing(app, CommandPalette))
    await pilot.press(*text)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_save_a_view_and_reopen_it_from_the_palette(app_ctx) -> None:  # type: ignore[no-untyped-def]
    launch_event_logs(app_ctx)
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await load_all(pilot, pane)
        table = pane.table
        mutations = sum(1 for log in pane.level.items if log.is_mutation)
        await pilot.press("colon", *QUERY, "enter")
        bar = table.query_one(QueryBar)
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == mutations)
        await pilot.press("escape", "right", "s", "s")  # the Event column, descending
        assert table.model.sort_column == 1 and table.model.descending
        range_before = (pane.start, pane.end)
        await palette(pilot, app, "Save view")
        await wait_for(pilot, lambda: showing(app, PromptScreen))
        await pilot.press(*"mutations", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PromptScreen))
        saved, _ = load_settings(app_ctx.settings_path)
        ((key, named),) = saved.views.items()
        assert key.startswith("codecatalyst/time+event")
        view = named["mutations"]
        assert (view.query, view.sort, view.descending) == (QUERY, "event", True)
        assert view.range is not None and view.range.split()[0] == range_before[0].isoformat(
            timespec="seconds"
        )
        # Back to the plain table, then the palette reopens the view.
        table.clear_filter()
        table.set_sort(None)
        assert table.row_count == table.loaded_count and current_query(table) is None
        await palette(pilot, app, "Open view: mutations")
        await wait_for(pilot, lambda: current_query(table) is not None)
        await wait_for(pilot, lambda: not bar.scanning and table.row_count == mutations)
        assert current_query(table).text == QUERY
        assert table.model.sort_column == 1 and table.model.descending
        assert [c.label for c in table.columns][-1] == "user"
