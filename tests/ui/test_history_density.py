"""The partner and Personalize history (f7): a table with the density line, errors marked, jumps."""

from __future__ import annotations

import json

import pytest
from compose_helpers import fill, make_app, open_pane, send_confirmed, to_list, wait_until

from tests.screenshots import HISTORY_FAILED, HISTORY_MINUTES, _journal_history
from tests.ui.helpers import showing
from tui.services.density import item_time
from tui.ui.screens.history import HistoryScreen
from tui.ui.widgets.virtual_table import DensityBar

SOURCE = "aws.partner/example.com/orders"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_sent_batches_show_density_with_the_failed_one_marked(
    sandbox_env, sandbox_options, size
) -> None:  # type: ignore[no-untyped-def]
    """Three batches sent through the pane, one of them refused by EventBridge: the density line
    counts three, and the bucket holding the failed one is an error bucket drawn ``!``."""
    app = make_app(sandbox_options)
    async with app.run_test(size=size) as pilot:
        pane = await open_pane(pilot, "4")
        for n, detail in enumerate(({"n": 1}, {"sandbox_fail": "InternalFailure"}, {"n": 3})):
            await fill(pilot, pane, "Source", SOURCE)
            await fill(pilot, pane, "DetailType", f"batch-{n}")
            await fill(pilot, pane, "Detail", json.dumps(detail))
            await to_list(pilot, pane)
            await send_confirmed(pilot)
            await wait_until(pilot, lambda: bool(pane.results[0]) and not pane.batch_model.sending)
            await pilot.press("N")  # a new, empty batch
        await pilot.press("f7")
        await wait_until(pilot, lambda: showing(app, HistoryScreen))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.table
        assert [row.cells[2] for row in map(table.model.visible_row, range(3))] == [
            "sent",
            "1 failed",
            "sent",
        ]
        bar = table.query_one(DensityBar)
        # Shown and laid out (a loaded machine can paint the count before the line has its width).
        await wait_until(
            pilot, lambda: bar.display and bar.density.total == 3 and bar.size.width > 0
        )
        assert sum(b.errors for b in bar.buckets()) == 1
        line = bar.render_line(0).text
        assert len(line) == bar.size.width
        assert "!" in line[: len(bar.buckets())]  # the glyph, not only a colour
        # The filter follows: only the failed batch left, the line counts one.
        await pilot.press("slash", *"failed", "enter")
        await wait_until(pilot, lambda: table.row_count == 1 and bar.density.total == 1)


async def test_bucket_cursor_jumps_the_history_to_that_time(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """Batches spread over three hours: ``[`` moves the bucket cursor, ``z`` moves the table to
    the first batch (newest first) of that bucket and the preview follows."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        _journal_history(pane, "personalize-events")
        await pilot.press("f7")
        await wait_until(pilot, lambda: showing(app, HistoryScreen))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.table
        bar = table.density
        # Counted and laid out: the bucket count follows the line's width, which a loaded machine
        # can give after the count lands.
        await wait_until(
            pilot,
            lambda: (
                bar.display and bar.density.total == len(HISTORY_MINUTES) and bar.size.width > 0
            ),
        )
        buckets = bar.buckets()
        assert sum(b.errors for b in buckets) == len(HISTORY_FAILED)
        assert table.cursor_row == 0
        await pilot.press("left_square_bracket")  # the cursor starts on the last bucket
        assert bar.cursor == len(buckets) - 1
        oldest = 0
        for _ in range(len(buckets)):
            await pilot.press("left_square_bracket")
        assert bar.cursor == oldest
        await pilot.press("z")
        await pilot.pause()
        # The oldest batch is the last row of a newest-first list.
        assert table.cursor_row == len(HISTORY_MINUTES) - 1
        row = table.current_row
        assert row is not None
        moment = item_time(row.payload)
        assert moment is not None and buckets[oldest].start <= moment < buckets[oldest].end
        detail = str(screen.query_one("#history-detail").render())
        assert '"sessionId": "session-0"' in detail
        # Enter still opens the batch under the cursor as a new draft.
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, HistoryScreen))
        await wait_until(pilot, lambda: pane.batch_model.header.get("sessionId") == "session-0")
