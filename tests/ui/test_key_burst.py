"""A burst of keys (a paste, tmux send-keys, a slow link) lands in the fields in the user's order.

``burst`` queues every key to the app at once, as one read from the terminal does; ``pilot.press``
would wait for the app to go idle after each key and hide the race. Before the keys were put in
order (tui/ui/key_order.py) the text after a tab went into the field before the tab.
"""

from __future__ import annotations

from typing import Any

from compose_helpers import make_app, open_pane, wait_until
from textual.widgets import Input, OptionList

from tests.ui.helpers import burst, showing, wait_for
from tui.app import EventdeckApp
from tui.ui.screens.bulk_import import BulkImportScreen
from tui.ui.screens.choice import ChoiceScreen
from tui.ui.screens.settings import FIELDS, SettingsScreen
from tui.ui.widgets.virtual_table import QueryBar, VirtualTable

BULK_FIELDS = ("path", "trackingId", "sessionId", "userId")


def text(widget: Any) -> str:
    return str(widget.value if isinstance(widget, Input) else widget.text)


async def landed(pilot: Any, widgets: list[Any], typed: int) -> list[str]:
    """Wait until ``typed`` characters are in ``widgets`` (in whichever), then their texts.

    A field that has the keys may still have a typed character in its queue when the burst has
    been handed on; lost characters (gone to another widget) fail here by the hang guard.
    """
    await wait_for(pilot, lambda: sum(len(text(w)) for w in widgets) >= typed)
    return [text(w) for w in widgets]


async def pane_field(pilot: Any, key: str, field_id: str) -> Any:
    """Show pane ``key`` and give the keys to its field ``field_id``; the field."""
    pane = await open_pane(pilot, key)
    field = pane.query_one(f"#{field_id}")
    field.focus()
    await wait_for(pilot, lambda: field.has_focus)
    return pane


async def test_bulk_dialog_burst_fills_each_field_in_order(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "5")
        await pilot.press("f6")
        await wait_until(pilot, lambda: showing(app, BulkImportScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one("#bulk-path").has_focus)
        await burst(pilot, "/tmp/ev.jsonl", "tab", "tid-1", "tab", "sess-1", "tab", "user-1")
        fields = [screen.query_one(f"#bulk-{name}", Input) for name in BULK_FIELDS]
        values = await landed(pilot, fields, len("/tmp/ev.jsonltid-1sess-1user-1"))
        assert values == ["/tmp/ev.jsonl", "tid-1", "sess-1", "user-1"]


async def test_burst_that_opens_the_bulk_dialog_types_into_it(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "5")
        await burst(pilot, "f6", "/tmp/ev.jsonl", "tab", "tid-1")
        await wait_until(pilot, lambda: showing(app, BulkImportScreen))
        screen = app.screen
        fields = [screen.query_one(f"#bulk-{name}", Input) for name in BULK_FIELDS]
        values = await landed(pilot, fields, len("/tmp/ev.jsonltid-1"))
        assert values == ["/tmp/ev.jsonl", "tid-1", "", ""]


async def test_personalize_header_burst_fills_each_field_in_order(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await pane_field(pilot, "5", "header-field-trackingId")
        await burst(pilot, "tracker-1", "tab", "session-1", "tab", "user-7")
        names = ("trackingId", "sessionId", "userId")
        fields = [pane.query_one(f"#header-field-{name}", Input) for name in names]
        values = await landed(pilot, fields, len("tracker-1session-1user-7"))
        assert values == ["tracker-1", "session-1", "user-7"]


async def test_partner_entry_burst_fills_each_field_in_order(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await pane_field(pilot, "4", "entry-field-Source")
        source = "aws.partner/example.com/orders"
        detail = pane.query_one("#entry-field-Detail")
        assert (
            text(detail) == "{}"
        )  # a new entry's Detail, selected when focused: typing replaces it
        await burst(pilot, source, "tab", "OrderPlaced", "tab", "42")
        fields = [pane.query_one(f"#entry-field-{n}") for n in ("Source", "DetailType", "Detail")]
        values = await landed(pilot, fields, len(source + "OrderPlaced42"))
        assert values == [source, "OrderPlaced", "42"]
        assert detail.has_focus


async def test_query_bar_burst_types_the_expression_into_the_bar(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.current_pane.query_one(VirtualTable)
        await wait_for(pilot, lambda: table.body.has_focus and table.row_count > 0)
        await burst(pilot, "colon", "name == 'town-hall'")
        bar = app.current_pane.query_one(QueryBar)
        await wait_for(pilot, lambda: bar.input.has_focus)
        assert await landed(pilot, [bar.input], len("name == 'town-hall'")) == [
            "name == 'town-hall'"
        ]


async def test_settings_burst_fills_each_field_in_order(app_ctx: Any) -> None:
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_settings()
        await wait_for(pilot, lambda: showing(app, SettingsScreen))
        screen = app.screen
        first = screen.query_one(f"#{FIELDS[0].dom_id}", Input)
        await wait_for(pilot, lambda: first.has_focus)
        await burst(pilot, "demo", "tab", "us-west-2")
        fields = [screen.query_one(f"#{f.dom_id}", Input) for f in FIELDS[:2]]
        assert await landed(pilot, fields, len("demous-west-2")) == ["demo", "us-west-2"]


async def test_burst_that_opens_settings_types_into_it(app_ctx: Any) -> None:
    """``,`` reads the AWS config in a worker before the dialog shows: the keys wait for it."""
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.focused is not None)
        await burst(pilot, "comma", "demo", "tab", "us-west-2")
        await wait_for(pilot, lambda: showing(app, SettingsScreen))
        screen = app.screen
        fields = [screen.query_one(f"#{f.dom_id}", Input) for f in FIELDS[:2]]
        assert await landed(pilot, fields, len("demous-west-2")) == ["demo", "us-west-2"]


async def test_region_picker_burst_filters_then_moves_in_the_list(app_ctx: Any) -> None:
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pick_region()
        await wait_for(pilot, lambda: any(o.option_count for o in app.screen.query(OptionList)))
        screen = app.screen
        assert isinstance(screen, ChoiceScreen)
        await wait_for(pilot, lambda: screen.query_one(Input).has_focus)
        await burst(pilot, "eu-west", "tab", "j")
        assert await landed(pilot, [screen.query_one(Input)], len("eu-west")) == ["eu-west"]
        options = screen.query_one(OptionList)
        assert options.has_focus and options.highlighted == 1


async def test_held_keys_go_anyway_when_nothing_moves(sandbox_options, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A hold never let go (a widget gone before its refresh) must not leave the keyboard dead."""
    from tui.ui import key_order

    monkeypatch.setattr(key_order, "RELEASE_AFTER", 0.2)
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await pane_field(pilot, "5", "header-field-trackingId")
        field = pane.query_one("#header-field-trackingId", Input)
        key_order.hold_keys(app)  # never released
        await burst(pilot, "tid", "tab", "sid")
        await wait_for(
            pilot, lambda: pane.query_one("#header-field-sessionId", Input).value == "sid"
        )
        assert field.value == "tid"


async def test_escape_right_after_l_closes_the_sign_in_dialog(
    app_ctx: Any, monkeypatch: Any
) -> None:
    """``L`` reads the profile's SSO settings in a worker (slow on an NFS home) before the
    dialog shows; an ``escape`` in the same burst waits for it and closes it, instead of going to
    the pane and leaving the dialog open."""
    import time

    import tui.services.signin
    import tui.shell.flows
    from tests.fake_sso import FakeSso
    from tui.services.sso_cache import SsoTarget
    from tui.ui.screens.sso_login import SsoLoginScreen

    fake = FakeSso()
    fake.state.outcomes = ["pending"]
    sso = SsoTarget(
        profile="dev",
        session_name="corp",
        start_url="https://corp.awsapps.com/start",
        region="us-east-1",
        scopes=("codecatalyst:read_write",),
    )

    def slow_target(options: Any) -> SsoTarget:
        time.sleep(0.3)
        return sso

    real = tui.services.signin.SsoLogin
    monkeypatch.setattr(tui.shell.flows, "sso_target", slow_target)
    monkeypatch.setattr(
        tui.services.signin,
        "SsoLogin",
        lambda target, **_: real(
            target, endpoint_url=fake.endpoint, sleeper=lambda cancel, s: cancel.wait(0.05)
        ),
    )
    app = EventdeckApp(app_ctx)
    pushed: list[str] = []
    push_screen = app.push_screen

    def push(screen: Any, *args: Any, **kwargs: Any) -> Any:
        pushed.append(type(screen).__name__)
        return push_screen(screen, *args, **kwargs)

    app.push_screen = push  # type: ignore[method-assign,assignment]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.focused is not None)
            await burst(pilot, "L", "escape")
            await wait_for(
                pilot,
                lambda: "SsoLoginScreen" in pushed and not showing(app, SsoLoginScreen),
                timeout=10,
                message=lambda: f"pushed {pushed}, on top {app.screen}",
            )
    finally:
        fake.stop()


async def test_text_then_ctrl_n_then_text_fills_one_entry_each(sandbox_options) -> None:  # type: ignore[no-untyped-def]
    """``click ctrl+n view ctrl+n buy`` in one burst: three entries, one word each. The typed
    characters' edits reach the pane after them; ctrl+n overtook them, so they landed on the
    new entry ("buyview")."""
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await pane_field(pilot, "5", "entry-field-eventType")
        await burst(pilot, "click", "ctrl+n", "view", "ctrl+n", "buy")
        await wait_for(
            pilot,
            lambda: len(pane.entries) == 3 and pane.entries[2]["eventType"] == "buy",
            timeout=10,
            message=lambda: str([e["eventType"] for e in pane.entries]),
        )
        assert [e["eventType"] for e in pane.entries] == ["click", "view", "buy"]
