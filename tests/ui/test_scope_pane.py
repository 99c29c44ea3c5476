"""Fan-out in the app: the scope picker (S), stages across profiles × regions, drill-down per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import SelectionList

from tests.aws_profiles import SSO_EXPIRED, write_profiles
from tests.ui.helpers import idle, showing, table_lines, wait_for
from tui.app import EventdeckApp
from tui.context import AppContext
from tui.services.options import ConnectionOptions
from tui.services.scope import Scope
from tui.settings import Settings
from tui.ui.screens.scope_picker import ScopeScreen
from tui.ui.widgets.status_header import StatusHeader


@pytest.fixture
def users_ctx(sandbox_env: Any, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """eventdeck as a user runs it: ~/.aws/config profiles, the sandbox's export lines."""
    write_profiles(isolated_dirs, expired_sso=True)
    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox_env.endpoint)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var)  # each profile signs with its own keys
    monkeypatch.setenv("AWS_PROFILE", "prod")
    sandbox_env.reset_requests()
    return AppContext(
        options=ConnectionOptions(max_attempts=1),
        settings=Settings(),
        settings_path=isolated_dirs / "config" / "eventdeck" / "config.toml",
    )


def _header(app: EventdeckApp) -> str:
    return str(app.query_one(StatusHeader).query_one("#identity").render())


async def _pick(
    pilot: Any,
    app: EventdeckApp,
    profiles: set[str],
    regions: set[str],
    before_apply: Any = None,
) -> None:
    """S, then tick exactly ``profiles`` and ``regions`` as a user would (space, tab), apply."""
    await pilot.press("S")
    await wait_for(pilot, lambda: showing(app, ScopeScreen))
    screen = app.screen
    for list_id, wanted in (("#scope-profiles", profiles), ("#scope-regions", regions)):
        chooser = screen.query_one(list_id, SelectionList)
        chooser.focus()
        await pilot.pause()
        for index in range(chooser.option_count):
            value = chooser.get_option_at_index(index).value
            chooser.highlighted = index
            if (value in wanted) != (value in chooser.selected):
                await pilot.press("space")
    if before_apply is not None:
        before_apply()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(app.screen, ScopeScreen))


async def test_stages_across_two_profiles_and_regions_then_drill_down(users_ctx: Any) -> None:
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        assert "prod · us-east-1" in _header(app)
        await _pick(pilot, app, {"prod", "staging"}, {"us-east-1", "us-west-2"})
        assert users_ctx.scope == Scope(("prod", "staging"), ("us-east-1", "us-west-2"))
        assert "2 profiles × 2 regions" in _header(app)
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        lines = table_lines(pane.table)
        assert lines[0].split()[:3] == ["Profile", "Account", "Region"]
        # The whole account id beside the profile, at 80 columns too.
        staging_rows = [line.split() for line in lines if line.startswith("staging ")]
        assert {row[1] for row in staging_rows} == {"210987654321"}, lines
        assert {row[2] for row in staging_rows} == {"us-east-1", "us-west-2"}, lines
        assert any(line.split()[:3] == ["prod", "123456789012", "us-east-1"] for line in lines)
        # Drill into a row of the second profile in its second region: its calls go there.
        row = next(
            i
            for i, found in enumerate(pane.level.items)
            if found.target.profile == "staging" and found.target.region == "us-west-2"
        )
        pane.table.move_to(row)
        await pilot.pause()
        # Its JSON (export, Y, the query bar) says where it is from, beside the API's fields.
        payload = pane.table.payload_of(pane.table.current_row)
        assert payload["scope"] == {
            "profile": "staging",
            "account": "210987654321",
            "region": "us-west-2",
        }
        assert payload["arn"].split(":")[3:5] == ["us-west-2", "210987654321"]
        # The status line names the row's whole account and region.
        assert "staging (210987654321) · us-west-2" in str(pane.query_one(".pane-status").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: idle(pane)() and pane.level.crumb.startswith("stage "))
        assert pane.level.items, "the staging/us-west-2 stage's sessions loaded"


async def test_drill_down_requests_reach_the_rows_account_and_region(
    users_ctx: Any, sandbox_env: Any
) -> None:
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await _pick(pilot, app, {"prod", "staging"}, {"us-east-1", "us-west-2"})
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        row = next(
            i
            for i, found in enumerate(pane.level.items)
            if (found.target.profile, found.target.region) == ("staging", "us-west-2")
        )
        pane.table.move_to(row)
        await pilot.pause()
        sandbox_env.reset_requests()
        await pilot.press("enter")
        await wait_for(pilot, lambda: idle(pane)() and pane.level.crumb.startswith("stage "))
        sessions = [r for r in sandbox_env.requests() if r["path"].startswith("/ListStageSessions")]
        assert sessions and {(r["account"], r["region"]) for r in sessions} == {
            ("210987654321", "us-west-2")
        }
        # Copy-as-CLI names the row's own profile and region.
        assert "--profile staging --region us-west-2" in pane.level.cli_command(None)


async def test_an_expired_sso_profile_is_one_error_row(users_ctx: Any) -> None:
    users_ctx.set_scope(Scope(("prod", SSO_EXPIRED, "eu"), ("us-east-1",)))
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        lines = table_lines(pane.table)
        errors = [line for line in lines if line.startswith(SSO_EXPIRED)]
        assert len(errors) == 1 and "sign in: L" in errors[0]
        assert any(line.startswith("prod ") for line in lines)
        assert any(line.startswith("eu ") for line in lines)
        assert "3 profiles × 1 region" in _header(app)


async def test_l_on_the_expired_row_signs_in_that_rows_profile(
    users_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.services.sso_cache

    asked: list[str | None] = []

    def sso_target(options: Any) -> None:
        asked.append(options.profile)
        return None  # "does not use SSO": no device flow is started in a test

    monkeypatch.setattr(tui.services.sso_cache, "sso_target", sso_target)
    users_ctx.set_scope(Scope(("prod", SSO_EXPIRED), ("us-east-1",)))
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        row = next(i for i, f in enumerate(pane.level.items) if f.error is not None)
        pane.table.move_to(row)
        await pilot.pause()
        await pilot.press("L")
        await wait_for(pilot, lambda: bool(asked))
        assert asked == [SSO_EXPIRED]


async def test_unhealthy_streams_scan_across_the_scope(users_ctx: Any, sandbox_env: Any) -> None:
    users_ctx.set_scope(Scope(("prod", "staging", "eu"), ("us-east-1", "us-west-2")))
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        domains = table_lines(pane.table)
        assert domains[0].split()[:4] == ["Profile", "Account", "Region", "Domain"]
        assert any(line.startswith("staging") and "staging-usw2-" in line for line in domains)
        sandbox_env.reset_requests()
        await pilot.press("U")
        await wait_for(
            pilot,
            lambda: idle(pane)() and pane.level.crumb.startswith("unhealthy") and pane.level.done,
        )
        assert pane.level.items and all(f.error is None for f in pane.level.items)
        flagged = {(f.target.profile, f.target.region) for f in pane.level.items}
        assert ("prod", "us-east-1") in flagged  # the full demo's profile-changes stream
        streams = [r for r in sandbox_env.requests() if r["path"].endswith("/event-streams")]
        assert {(r["account"], r["region"]) for r in streams} >= {
            ("123456789012", "us-east-1"),
            ("210987654321", "us-west-2"),
            ("345678901234", "us-east-1"),
        }


async def test_codecatalyst_spaces_across_the_demo_profiles(app_ctx: Any) -> None:
    """Under --demo the profiles are the sandbox's; each account has its own spaces."""
    app_ctx.set_scope(Scope(("demo", "demo-staging", "demo-eu"), ("us-east-1", "us-west-2")))
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        pane = app.current_pane
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        lines = table_lines(pane.table)
        # One global endpoint: no REGION column, each profile asked once.
        assert lines[0].split()[:3] == ["Profile", "Account", "Space"]
        spaces = {(line.split()[0], line.split()[2][:8]) for line in lines[1:] if line.strip()}
        assert ("demo-staging", "staging-") in spaces, lines
        assert ("demo-eu", "eu-platf") in spaces
        assert not any(who == "demo-eu" and space == "staging-" for who, space in spaces)
        assert "3 profiles × 2 regions" in _header(app)


async def test_changing_the_scope_stops_the_outstanding_calls(
    users_ctx: Any, sandbox_env: Any
) -> None:
    """A slow 3 × 3 listing, left for the single profile and region: no further target is asked."""
    from tui.services.pool import CallPool

    users_ctx.pool = CallPool(2)
    users_ctx.factory = users_ctx._new_factory()
    users_ctx.set_scope(
        Scope(("prod", "staging", "eu"), ("us-east-1", "us-west-2", "eu-central-1"))
    )
    sandbox_env.set_faults("latency=1000ms")
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.current_pane

        def listed() -> set[tuple[str, str]]:
            return {
                (r["account"], r["region"])
                for r in sandbox_env.requests()
                if r["path"].startswith("/ListStages")
            }

        await wait_for(pilot, lambda: bool(listed()))
        before: set[tuple[str, str]] = set()
        # back to the profile in use; what was asked until then is recorded just before
        await _pick(pilot, app, {"prod"}, {"us-east-1"}, lambda: before.update(listed()))
        assert users_ctx.scope is None and "prod · us-east-1" in _header(app)
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done)
        await wait_for(pilot, lambda: users_ctx.pool.stats().in_flight == 0)
        # Targets asked after leaving: at most the pool's two that may have started meanwhile.
        after = listed()
        assert len(after) <= len(before) + 2 and len(after) < 9, (before, after)


async def test_the_listing_across_the_scope_reports_its_count_through_work(
    users_ctx: Any,
) -> None:
    """The targets done come back as the pane's ``Work.Progress`` and end in a plain crumb."""
    from textual.message import Message

    from tui.ui.work import Work

    seen: list[Message] = []
    app = EventdeckApp(users_ctx)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        pane = app.current_pane
        await wait_for(pilot, idle(pane))
        await _pick(pilot, app, {"prod", "staging"}, {"us-east-1", "us-west-2"})
        await wait_for(pilot, lambda: idle(pane)() and pane.level.done and bool(pane.level.items))
        counts = [m.value for m in seen if isinstance(m, Work.Progress) and m.work is pane.work]
        assert counts and counts[-1] == (4, 4)
        assert all(total == 4 and 1 <= done <= 4 for done, total in counts)
        assert "/4" not in pane.level.crumb
