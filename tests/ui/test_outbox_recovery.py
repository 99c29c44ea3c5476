"""The outbox in the UI: pending batches offered at start (discard keeps nothing), history re-opened."""

from __future__ import annotations

import json

from compose_helpers import fill, make_app, open_pane, send_confirmed, to_list, wait_until

from tests.ui.helpers import showing
from tui.services.outbox import Outbox
from tui.ui.screens.history import HistoryScreen
from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen

ENTRY = {"Source": "aws.partner/example.com/orders", "DetailType": "Left", "Detail": '{"n": 9}'}


async def test_pending_partner_batch_not_resent_is_kept_as_unconfirmed(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    outbox = Outbox()
    record = outbox.record_batch("partner-events", {"Entries": [ENTRY]}, {"profile": None})
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        await pilot.press("d")
        await wait_until(
            pilot, lambda: "Not re-sent" in str(pane.query_one("#compose-status").render())
        )
    assert outbox.pending() == [] and sandbox_env.received()["events"] == []
    kept = outbox.get(record.id)  # still in the history: it may have reached EventBridge
    assert kept is not None and kept.results is not None
    assert kept.results["unconfirmed_count"] == 1 and kept.results["entries"][0]["Unconfirmed"]
    from tui.ui.screens.history import outcome

    assert outcome(kept) == "1 unconfirmed"


async def test_pending_batch_kept_when_deferred_and_resent_later(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    outbox = Outbox()
    here = {"profile": "default", "region": sandbox_env.region, "endpoint": sandbox_env.endpoint}
    outbox.record_batch(
        "partner-events", {"Entries": [ENTRY, {**ENTRY, "DetailType": "Two"}]}, here
    )
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "4")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        await pilot.press("escape")
    assert len(outbox.pending()) == 1
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        await pilot.press("r")
        await wait_until(
            pilot, lambda: "Re-sent 1" in str(pane.query_one("#compose-status").render())
        )
    assert sorted(e["DetailType"] for e in sandbox_env.received()["events"]) == ["Left", "Two"]
    assert outbox.pending() == []


async def test_history_newest_first_and_opened_as_new_draft(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_pane(pilot, "4")
        for n in (1, 2):
            await fill(pilot, pane, "Source", ENTRY["Source"])
            await fill(pilot, pane, "DetailType", f"batch-{n}")
            await fill(pilot, pane, "Detail", json.dumps({"n": n}))
            await to_list(pilot, pane)
            await send_confirmed(pilot)
            await wait_until(
                pilot, lambda: bool(pane.results[0] and pane.results[0].get("EventId"))
            )
            await pilot.press("N")  # a new, empty batch
        await pilot.press("f7")
        await wait_until(pilot, lambda: showing(app, HistoryScreen))
        history = app.screen
        assert [r.request["Entries"][0]["DetailType"] for r in history.records] == [
            "batch-2",
            "batch-1",
        ]
        await pilot.press("down", "enter")  # open the older one
        await wait_until(pilot, lambda: pane.entries[0].get("DetailType") == "batch-1")
        assert pane.results == [None]  # a new draft: not sent yet
        assert json.loads(pane.entries[0]["Detail"]) == {"n": 1}
    assert len(sandbox_env.received()["events"]) == 2


async def test_pending_batches_for_another_destination_are_held(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    """A batch journaled for another endpoint is listed, held: it is never re-sent elsewhere."""
    from tui.services.outbox import Outbox
    from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen

    outbox = Outbox()
    request = {"trackingId": "t", "sessionId": "s", "eventList": [
        {"eventType": "click", "sentAt": 1700000000, "eventId": "e-1"}]}  # fmt: skip
    outbox.record_batch(
        "personalize-events",
        request,
        {"profile": "prod", "region": "eu-west-1", "endpoint": None},
    )
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "5")
        await wait_until(pilot, lambda: showing(app, OutboxRecoveryScreen))
        await pilot.press("r")  # re-sends only what is for here: nothing
        await wait_until(pilot, lambda: not isinstance(app.screen, OutboxRecoveryScreen))
        assert pane.sends_in_flight == 0
    assert len(outbox.pending()) == 1  # still there for when prod/eu-west-1 is used
    assert sandbox_env.received()["personalize-events"] == []
