"""Words on screen: no literal \\n, plurals right, field errors marked beyond colour."""

from __future__ import annotations

from pathlib import Path

from compose_helpers import fill, make_app, open_pane, send_confirmed, wait_until

from tests.fake_sso import FakeSso
from tests.ui.helpers import showing, wait_for
from tests.ui.test_signin_screens import HostApp, fake, quick, target  # noqa: F401
from tui.services.signin import SsoLogin
from tui.ui.screens.history import HistoryScreen
from tui.ui.screens.sso_login import SsoLoginScreen
from tui.words import count, plural

SOURCE = "aws.partner/example.com/orders"


def test_counted_nouns() -> None:
    assert count(1, "entry") == "1 entry"
    assert count(2, "entry") == "2 entries"
    assert count(3, "batch") == "3 batches"
    assert count(1_200, "event") == "1,200 events"
    assert plural("key") == "keys"


async def test_history_preview_shows_json_not_escaped_newlines(
    sandbox_env, sandbox_options
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "Order")
        await fill(pilot, pane, "Detail", '{\n  "order": 7\n}')
        await pilot.press("ctrl+n")
        await fill(pilot, pane, "Source", SOURCE)
        await fill(pilot, pane, "DetailType", "Order")
        await fill(pilot, pane, "Detail", '{"order": 8}')
        assert "2 entries" in str(pane.query_one("#compose-status").render())
        await send_confirmed(pilot)
        await wait_until(pilot, lambda: all(pane.results) and not pane.batch_model.sending)
        await pilot.press("escape", "f7")
        await wait_until(pilot, lambda: showing(app, HistoryScreen))
        await pilot.pause()
        preview = str(app.screen.query_one("#history-detail").render())
        assert "\\n" not in preview and '\\"' not in preview
        assert '"order": 7' in preview
        listing = " ".join(app.screen.table.model.visible_row(0).cells)
        assert "2 entries" in listing and "(s)" not in listing


async def test_sign_in_error_has_its_hint_on_a_line_not_a_literal_newline(
    isolated_dirs: Path,
    fake: FakeSso,  # noqa: F811
) -> None:
    fake.state.outcomes = ["denied"]
    app = HostApp()
    login = SsoLogin(target(), endpoint_url=fake.endpoint, sleeper=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SsoLoginScreen(login)
        app.open(screen)
        await wait_for(pilot, lambda: screen.error is not None)
        shown = str(screen.query_one("#sso-error").render())
        assert "\\n" not in shown
        if screen.error and screen.error.hint:
            assert screen.error.hint in shown.splitlines()[-1]


async def test_field_error_is_marked_not_only_coloured(
    sandbox_env, sandbox_options, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sandbox_options)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, "4")
        await fill(pilot, pane, "Source", "not-a-source")
        label = pane.query_one("#entry-error-Source")
        shown = str(label.render())
        assert shown.startswith("✗ ")
