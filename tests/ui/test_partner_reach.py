"""Pane 4's reach at 80x24: the sources screen (f8) and the warning before a send nobody receives."""

from __future__ import annotations

from typing import Any

from compose_helpers import fill, make_app, open_pane, wait_until

from tests.ui.helpers import showing, table_lines
from tui.ui.screens.confirm import ConfirmScreen

PREFIX = "aws.partner/example.com/"


def _body(screen: ConfirmScreen) -> str:
    return "\n".join(str(line.render()) for line in screen.query(".confirm-line"))


async def test_f8_lists_sources_and_each_ones_accounts_with_state(
    sandbox_env: Any, sandbox_options: Any
) -> None:
    from tui.ui.screens.partner_sources import PartnerSourcesScreen

    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", PREFIX + "billing")
        await pilot.press("f8")
        await wait_until(pilot, lambda: showing(app, PartnerSourcesScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.sources_table.row_count >= 5)
        assert screen.prefix == PREFIX
        names = "\n".join(table_lines(screen.sources_table))
        assert PREFIX + "orders" in names and PREFIX + "shipping" in names
        # The cursor's source (sorted: billing first) shows its PENDING account and expiry.
        await wait_until(pilot, lambda: screen.accounts_table.row_count == 1)
        accounts = "\n".join(table_lines(screen.accounts_table))
        assert "444455556666" in accounts and "PENDING" in accounts and "left" in accounts
        verdict = str(screen.query_one("#sources-verdict").render())
        assert "no ACTIVE account" in verdict
        # Down to the next source: legacy-sync, DELETED.
        await pilot.press("down")
        await wait_until(pilot, lambda: "DELETED" in "\n".join(table_lines(screen.accounts_table)))
        await pilot.press("down")
        await wait_until(pilot, lambda: "ACTIVE" in "\n".join(table_lines(screen.accounts_table)))
        assert "Delivered" in str(screen.query_one("#sources-verdict").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PartnerSourcesScreen))


async def test_sending_to_a_pending_source_warns_in_the_confirmation(
    sandbox_env: Any, sandbox_options: Any
) -> None:
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", PREFIX + "billing")
        await fill(pilot, pane, "DetailType", "Invoice")
        await fill(pilot, pane, "Detail", '{"n": 1}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: showing(app, ConfirmScreen))
        screen = app.screen
        body = _body(screen)
        assert body.startswith("No ACTIVE account: " + PREFIX + "billing is PENDING")
        assert screen.has_class("-danger")
        await pilot.press("n")
        await pilot.pause()
        assert sandbox_env.received()["events"] == []


async def test_sending_to_an_active_source_confirms_without_a_warning(
    sandbox_env: Any, sandbox_options: Any
) -> None:
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", PREFIX + "orders")
        await fill(pilot, pane, "DetailType", "Order")
        await fill(pilot, pane, "Detail", '{"n": 1}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: showing(app, ConfirmScreen))
        assert "No ACTIVE" not in _body(app.screen)
        assert not app.screen.has_class("-danger")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(sandbox_env.received()["events"]))
