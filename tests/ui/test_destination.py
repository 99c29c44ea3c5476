"""The header, the send confirmation and the journal name the destination the calls really go to.

Configured as a user of the README's recipe does: the sandbox's export lines evaluated in a shell,
eventdeck started with no flags. And a batch journaled for another destination is never sent.
"""

from __future__ import annotations

from compose_helpers import fill, make_app, open_pane, to_list, wait_until
from textual.widgets import OptionList

from tests.ui.helpers import showing
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen

ENTRY = {"Source": "aws.partner/example.com/orders", "DetailType": "Left", "Detail": '{"n": 9}'}


async def test_header_and_confirmation_show_the_env_destination_and_the_send_succeeds(
    sandbox_exports: dict[str, str],
) -> None:
    endpoint, region = sandbox_exports["AWS_ENDPOINT_URL"], sandbox_exports["AWS_REGION"]
    app = make_app(ConnectionOptions())  # no flags: everything from the environment
    async with app.run_test(size=(80, 24)) as pilot:
        header = str(app.query_one("StatusHeader #identity").render())
        assert "no region" not in header
        assert f"default · {region} · ⚑ {endpoint}" in header, header

        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", ENTRY["Source"])
        await fill(pilot, pane, "DetailType", ENTRY["DetailType"])
        await fill(pilot, pane, "Detail", ENTRY["Detail"])
        await to_list(pilot, pane)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: showing(app, ConfirmScreen))
        body = "\n".join(str(s.render()) for s in app.screen.query(".confirm-line"))
        assert "Profile:  default (the default)" in body, body
        assert f"Region:   {region} (from AWS_REGION)" in body, body
        assert f"Endpoint: {endpoint} (from AWS_ENDPOINT_URL)" in body, body
        await pilot.press("y")
        # The send goes over HTTPS trusting AWS_CA_BUNDLE, and succeeds.
        await wait_until(pilot, lambda: bool(pane.results[0]))
        assert pane.results[0].get("EventId"), pane.results[0]
    (record,) = Outbox().history()
    assert record.context == {"profile": "default", "region": region, "endpoint": endpoint}


async def test_batch_journaled_for_prod_is_listed_but_never_sent_here(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    """A pending batch for profile prod in eu-west-1 is shown with where it was going, and held."""
    outbox = Outbox()
    record = outbox.record_batch(
        "partner-events",
        {"Entries": [ENTRY]},
        {"profile": "prod", "region": "eu-west-1", "endpoint": None},
    )
    app = make_app(sandbox_options)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_pane(pilot, "4")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        screen = app.screen
        options = screen.query_one(OptionList)
        listed = "\n".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        assert "HELD" in listed and "prod · eu-west-1 · AWS" in listed, listed
        await pilot.press("r")
        await wait_until(pilot, lambda: not isinstance(app.screen, OutboxRecoveryScreen))
        await wait_until(
            pilot, lambda: "No pending batch" in str(pane.query_one("#compose-status").render())
        )
        assert pane.sends_in_flight == 0
    assert [r.id for r in outbox.pending()] == [record.id]  # kept for prod/eu-west-1
    assert sandbox_env.received()["events"] == []
