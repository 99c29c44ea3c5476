"""Regenerate the README's screenshots from the real app: `python tests/screenshots.py`.

Why: the pictures must match the app, so a script (not a human with a terminal) makes them all in
one command: it starts the sandbox pinned in time (the same picture every day), runs the real app
headless on it, drives it with the keyboard and the panes' public API, and writes screenshots/*.svg.
Only the sandbox's dummy data is on screen, and every file is checked for the sandbox's
credentials before the script reports success.

The scenes below are also the snapshot tests' views (tests/ui/test_snapshots.py), so a snapshot
test failing means a README picture is out of date too. Not collected by pytest (not test_*.py).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `tui` and `tests` importable
    sys.path.insert(0, str(REPO))

from textual.pilot import Pilot  # noqa: E402

from tests.ui.compose_helpers import fill, open_pane  # noqa: E402
from tests.ui.helpers import idle, showing, wait_for  # noqa: E402

PINNED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
"""Every demo time is relative to this instant, so the pictures do not change with the day."""
SEED = 1
"""The demo data's seed (the test session's sandbox uses the same one)."""
SHOWN_PORT = 4566
SHOWN_ENDPOINT = f"https://127.0.0.1:{SHOWN_PORT}"
"""What the header shows as the sandbox endpoint (the script binds this port when it is free)."""
WIDE = (120, 36)
NARROW = (80, 24)
THEMES = ("eventdeck-dark", "eventdeck-light", "eventdeck-high-contrast", "eventdeck-16")
OUT_DIR = REPO / "screenshots"

Scene = Callable[[Pilot[Any]], Awaitable[None]]


# -- scenes: each leaves the app on one stable view, with nothing in flight --------------------
async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no AWS call is in flight, then show that in the header (it polls every 0.25 s)."""
    from tui.ui.widgets.status_header import StatusHeader

    app = pilot.app
    pool = app.ctx.pool  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: pool.stats().in_flight == 0 and pool.stats().waiting == 0)
    for header in app.screen_stack[0].query(StatusHeader):
        header.refresh_pool()
    # The density lines count on a timer; bring them up to the rows now, so a shot never
    # depends on whether that tick came before it.
    from tui.ui.widgets.virtual_table import DensityBar

    for bar in app.screen.query(DensityBar):
        bar.sync()
    await pilot.pause()


async def _browse_pane(pilot: Pilot[Any], key: str) -> Any:
    """Show browse pane ``key`` and wait for its first level to load."""
    await pilot.press(key)
    pane = pilot.app.current_pane  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: idle(pane)() and bool(pane.level.items or pane.level.done))
    return pane


def find_publish_error(factory: Any) -> tuple[Any, Any, str]:
    """(stage, session, participant id) of the first participant whose events hold a PUBLISH_ERROR."""
    from tui.services import ivs_realtime as ivs
    from tui.services.paging import Pager

    for stage in Pager(partial(ivs.list_stages, factory)).items():
        for session in Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items():
            query = (factory, stage.arn, session.session_id)
            for participant in Pager(partial(ivs.list_participants, *query)).items():
                events = Pager(
                    partial(ivs.list_participant_events, *query, participant.participant_id)
                ).items()
                if any(e.name == "PUBLISH_ERROR" and e.error_code for e in events):
                    return stage, session, participant.participant_id
    raise LookupError("the demo data has no participant with a PUBLISH_ERROR")


async def ivs_stages(pilot: Pilot[Any]) -> None:
    """Pane 1 on its first level: the stages."""
    await _browse_pane(pilot, "1")
    await settle(pilot)


async def ivs_error_events(pilot: Pilot[Any]) -> None:
    """Pane 1 drilled down to a participant's events, a PUBLISH_ERROR among them, explained."""
    from tui.services import ivs_realtime as ivs

    pane = await _browse_pane(pilot, "1")
    factory = pilot.app.ctx.factory  # type: ignore[attr-defined]
    stage, session, participant_id = await asyncio.to_thread(find_publish_error, factory)
    pane.set_levels(
        [
            pane.root_level(),
            pane.sessions_level(stage.arn, stage.name),
            pane.participants_level(stage.arn, session.session_id),
            pane.events_level(stage.arn, session.session_id, participant_id),
        ]
    )
    await wait_for(pilot, lambda: idle(pane)() and pane.level.done)
    # The cursor on the error: its code's meaning also shows on the status line (80 columns).
    pane.table.move_to(next(i for i, e in enumerate(pane.level.items) if ivs.is_error_event(e)))
    await settle(pilot)


async def ivs_inspector(pilot: Pilot[Any]) -> None:
    """The inspector open on that participant's error event."""
    from tui.services import ivs_realtime as ivs
    from tui.ui.screens.inspector import InspectorScreen

    await ivs_error_events(pilot)  # leaves the cursor on the error event
    pane = pilot.app.current_pane  # type: ignore[attr-defined]
    assert ivs.is_error_event(pane.item_for(pane.table.current_row))
    await pilot.press("enter")
    await wait_for(pilot, lambda: showing(pilot.app, InspectorScreen))
    await settle(pilot)


async def codecatalyst_spaces(pilot: Pilot[Any]) -> None:
    """Pane 2 on its first level: the spaces (event logs depend on a range ending now)."""
    await _browse_pane(pilot, "2")
    await settle(pilot)


async def codecatalyst_event_logs(pilot: Pilot[Any]) -> None:
    """Pane 2 on a space's event logs over the two pinned days before PINNED_NOW (triage columns)."""
    from datetime import timedelta

    pane = await _browse_pane(pilot, "2")
    pane.preset = None
    pane.start, pane.end = PINNED_NOW - timedelta(days=2), PINNED_NOW
    pane.set_levels([pane.root_level(), pane.logs_level("acme-platform")])
    await wait_for(pilot, lambda: idle(pane)() and pane.level.started)
    await settle(pilot)


async def codecatalyst_query(pilot: Pilot[Any]) -> None:
    """Pane 2's event logs narrowed by a JMESPath query with a computed column (`:`)."""
    from tui.ui.widgets.virtual_table import QueryBar

    await codecatalyst_event_logs(pilot)
    await pilot.press("colon")
    bar = pilot.app.screen.query_one(QueryBar)
    await wait_for(pilot, lambda: bar.input.has_focus)
    await pilot.press(*"operationType=='MUTATION'; col who = userIdentity.userName")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not bar.scanning)
    await settle(pilot)


def _streams_worth_showing(factory: Any, domains: list[Any]) -> str:
    """The first domain having both an UNHEALTHY and a STOPPED event stream (else any bad one)."""
    from tui.services import customer_profiles as cp
    from tui.services.paging import Pager

    fallback = None
    for domain in domains:
        streams = Pager(partial(cp.list_event_streams, factory, domain.name)).items()
        levels = {s.health.level for s in streams}
        if {"unhealthy", "stopped"} <= levels:
            return str(domain.name)
        if fallback is None and levels - {"ok"}:
            fallback = str(domain.name)
    if fallback is None:
        raise LookupError("the demo data has no unhealthy or stopped event stream")
    return fallback


async def profiles_streams(pilot: Pilot[Any]) -> None:
    """Pane 3 opened on a domain's event streams, UNHEALTHY and STOPPED among them."""
    pane = await _browse_pane(pilot, "3")
    factory = pilot.app.ctx.factory  # type: ignore[attr-defined]
    domains = list(pane.level.items)
    name = await asyncio.to_thread(_streams_worth_showing, factory, domains)
    pane.table.move_to(next(i for i, d in enumerate(domains) if d.name == name))
    await pilot.press("enter")
    await wait_for(pilot, lambda: pane.level.crumb == f"domain {name}" and idle(pane)())
    await wait_for(pilot, lambda: pane.level.done)
    # The cursor on a healthy stream, so both the UNHEALTHY and the STOPPED row show their style.
    healthy = [i for i, s in enumerate(pane.level.items) if s.health.level == "ok"]
    if healthy:
        pane.table.move_to(healthy[0])
    await settle(pilot)


PARTNER_SOURCE = "aws.partner/example.com/orders"


async def show_form(pilot: Pilot[Any], pane: Any, selector: str) -> None:
    """Focus the entry list (no blinking text cursor) and scroll the form to ``selector``, at once.

    Filling fields focuses them and scrolls the form with an animation; left alone, where it
    stops depends on timing, so the scroll is reset without animation to a place chosen here.
    """
    pane.action_focus_list()
    await wait_for(pilot, lambda: pilot.app.focused is pane.query_one("#compose-list"))
    await pilot.wait_for_scheduled_animations()
    form = pane.query_one("#compose-form-view")
    form.scroll_home(animate=False, immediate=True)
    form.scroll_to_widget(pane.query_one(selector), animate=False, immediate=True)
    await pilot.pause()
    await settle(pilot)


async def _partner_entry(pilot: Pilot[Any], pane: Any, values: dict[str, str]) -> None:
    for field, text in values.items():
        await fill(pilot, pane, field, text)


async def partner_batch(pilot: Pilot[Any], *, broken: bool = False) -> None:
    """Pane 4 with a batch of entries; with ``broken`` the second one's Detail is not JSON."""
    pane = await open_pane(pilot, "4")
    await _partner_entry(
        pilot,
        pane,
        {
            "Source": PARTNER_SOURCE,
            "DetailType": "Order Created",
            "Detail": '{"orderId": "o-1041", "total": 59.9, "currency": "EUR"}',
            "Time": "2026-01-15T11:55:00Z",
            "Resources": "arn:aws:example:eu-west-1:123456789012:order/o-1041",
        },
    )
    await pilot.press("ctrl+n")
    await _partner_entry(
        pilot,
        pane,
        {
            "Source": PARTNER_SOURCE,
            "DetailType": "Order Shipped",
            "Detail": '{"orderId": "o-1041", "carrier": "UPS",'
            if broken
            else '{"orderId": "o-1041", "carrier": "UPS"}',
            "Time": "2026-01-15T11:58:30Z",
        },
    )
    await show_form(pilot, pane, "#entry-error-Detail" if broken else "#compose-result")


async def partner_error(pilot: Pilot[Any]) -> None:
    """Pane 4, the second entry's Detail broken: the error shows at its field."""
    await partner_batch(pilot, broken=True)


async def personalize_form(pilot: Pilot[Any]) -> None:
    """Pane 5 with a session header and two events ready to send."""
    pane = await open_pane(pilot, "5")
    for field, text in {
        "trackingId": "d2f5a1c4-0b7e-4e8a-9c3d-sandbox00001",
        "sessionId": "session-7f3a",
        "userId": "user-1042",
    }.items():
        await fill(pilot, pane, field, text, header=True)
    for field, text in {
        "eventType": "click",
        "sentAt": "2026-01-15T11:59:00Z",
        "itemId": "item-88",
        "properties": '{"device": "mobile", "page": "home"}',
    }.items():
        await fill(pilot, pane, field, text)
    await pilot.press("ctrl+n")
    for field, text in {
        "eventType": "purchase",
        "sentAt": "2026-01-15T11:59:40Z",
        "itemId": "item-88",
        "eventValue": "59.9",
    }.items():
        await fill(pilot, pane, field, text)
    await show_form(pilot, pane, "#compose-header")


HISTORY_MINUTES = (178, 171, 160, 131, 129, 128, 97, 66, 52, 51, 37, 18, 9, 4)
"""When the history scenes' batches were sent: minutes before PINNED_NOW, oldest first."""
HISTORY_FAILED = {128: "failed", 51: "unconfirmed"}
"""Which of them did not go through: one failed entry, one unconfirmed (the read timed out)."""


def _journal_history(pane: Any, kind: str) -> None:
    """Journal HISTORY_MINUTES' batches in ``pane``'s outbox as sent then, with their results.

    The journal stamps a batch with the clock; here the clock is pinned per batch, so the
    history, its density line and its preview are the same every day.
    """
    from datetime import timedelta
    from unittest import mock

    from tui.services import outbox as outbox_module

    context = {"profile": None, "region": "us-east-1", "endpoint": SHOWN_ENDPOINT}
    for n, minutes in enumerate(HISTORY_MINUTES):
        stamp = (PINNED_NOW - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
        verdict = HISTORY_FAILED.get(minutes, "sent")
        if kind == "partner-events":
            entries = [
                {
                    "Source": PARTNER_SOURCE,
                    "DetailType": "Order Created" if i == 0 else "Order Shipped",
                    "Detail": f'{{"orderId": "o-{1000 + n}", "step": {i}}}',
                }
                for i in range(1 + n % 3)
            ]
            request: dict[str, Any] = {"Entries": entries}
            results: dict[str, Any] = {
                "failed_count": int(verdict == "failed"),
                "unconfirmed_count": int(verdict == "unconfirmed"),
                "error": None,
                "entries": [{"EventId": f"e-{n}-{i}"} for i in range(len(entries))],
            }
            if verdict == "failed":
                results["entries"][-1] = {
                    "ErrorCode": "InternalFailure",
                    "ErrorMessage": "the event bus did not take it",
                }
            elif verdict == "unconfirmed":
                results["entries"][-1] = {"Unconfirmed": True, "ErrorMessage": "Read timeout"}
        else:
            events = [
                {"eventType": "click" if i == 0 else "purchase", "sentAt": stamp,
                 "eventId": f"ev-{n}-{i}", "itemId": f"item-{80 + n}"}
                for i in range(1 + n % 2)
            ]  # fmt: skip
            request = {"trackingId": "d2f5a1c4-0b7e-4e8a-9c3d-sandbox00001",
                       "sessionId": f"session-{n}", "eventList": events}  # fmt: skip
            results = {"sent": verdict == "sent", "unconfirmed": verdict == "unconfirmed",
                       "event_ids": [e["eventId"] for e in events], "error": None}  # fmt: skip
        with mock.patch.object(outbox_module, "_now", return_value=stamp):
            record = pane.outbox.record_batch(kind, request, context)
            pane.outbox.record_results(record.id, results, record=record)


async def _history(pilot: Pilot[Any], key: str, kind: str) -> None:
    from tui.ui.screens.history import HistoryScreen

    pane = await open_pane(pilot, key)
    _journal_history(pane, kind)
    pane.action_history()
    await wait_for(pilot, lambda: showing(pilot.app, HistoryScreen))
    await wait_for(pilot, lambda: pilot.app.screen.table.row_count == len(HISTORY_MINUTES))
    await settle(pilot)
    # The bucket cursor over the failed batch's bucket (z would jump the table there).
    bar = pilot.app.screen.table.density
    errors = [i for i, bucket in enumerate(bar.buckets()) if bucket.errors]
    await pilot.press("left_square_bracket")
    while bar.cursor is not None and errors and bar.cursor > errors[0]:
        await pilot.press("left_square_bracket")
    await pilot.press("z")
    await settle(pilot)


async def partner_history(pilot: Pilot[Any]) -> None:
    """Pane 4's history (f7): the sent batches, the density line above, a failed bucket chosen."""
    await _history(pilot, "4", "partner-events")


async def personalize_history(pilot: Pilot[Any]) -> None:
    """Pane 5's history (f7): the same screen over PutEvents batches."""
    await _history(pilot, "5", "personalize-events")


async def session_timeline(pilot: Pilot[Any]) -> None:
    """Pane 1's `V` on the demo's all-hands session, the cursor on its first error event."""
    from functools import partial

    from tui.services import ivs_realtime as ivs
    from tui.services.paging import Pager
    from tui.ui.widgets.timeline_view import TimelineView

    pane = await _browse_pane(pilot, "1")
    factory = pilot.app.ctx.factory  # type: ignore[attr-defined]
    stage = next(
        s
        for s in Pager(partial(ivs.list_stages, factory)).items()
        if s.name == "quarterly-all-hands"
    )
    session = next(Pager(partial(ivs.list_stage_sessions, factory, stage.arn)).items())
    pane.set_levels(pane.stack_for(stage.arn, session.session_id))
    await wait_for(pilot, lambda: idle(pane)() and bool(pane.level.items))
    await pilot.press("V")
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(TimelineView)))
    await pilot.press("n")
    await settle(pilot)


async def ivs_scope(pilot: Pilot[Any]) -> None:
    """Pane 1's stages across two demo profiles × two regions (`S`), PROFILE and REGION columns."""
    from tui.ui.screens.scope_picker import ScopeScreen
    from tui.ui.widgets.tick_list import TickList

    pane = await _browse_pane(pilot, "1")
    await pilot.press("S")
    await wait_for(pilot, lambda: showing(pilot.app, ScopeScreen))
    screen = pilot.app.screen
    screen.query_one("#scope-profiles", TickList).select("demo-staging")
    screen.query_one("#scope-regions", TickList).select("eu-central-1")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ScopeScreen))
    await wait_for(pilot, lambda: idle(pane)() and pane.table.row_count > 0 and pane.level.done)
    pilot.app.clear_notifications()
    await settle(pilot)


async def help_screen(pilot: Pilot[Any]) -> None:
    """The `?` screen over pane 1's stages: every key that applies there."""
    from tui.ui.screens.help import HelpScreen

    await ivs_stages(pilot)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: showing(pilot.app, HelpScreen))
    await settle(pilot)


# -- the script ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shot:
    """One screenshot: its file, its scene, the terminal size, and the theme (None: the default)."""

    filename: str
    scene: Scene
    size: tuple[int, int] = WIDE
    theme: str | None = None
    no_color: bool = False


SHOTS: list[Shot] = [
    Shot("ivs.svg", ivs_error_events),
    Shot("codecatalyst.svg", codecatalyst_spaces),
    Shot("codecatalyst-logs-80x24.svg", codecatalyst_event_logs, NARROW),
    Shot("query-80x24.svg", codecatalyst_query, NARROW),
    Shot("profiles.svg", profiles_streams),
    Shot("partner.svg", partner_batch),
    Shot("personalize.svg", personalize_form),
    Shot("inspector.svg", ivs_inspector),
    Shot("compose-error.svg", partner_error),
    Shot("history-80x24.svg", partner_history, NARROW),
    Shot("help.svg", help_screen),
    Shot("scope-80x24.svg", ivs_scope, NARROW),
    Shot("ivs-80x24.svg", ivs_error_events, NARROW),
    Shot("timeline-80x24.svg", session_timeline, NARROW),
    Shot("timeline.svg", session_timeline),
    *[Shot(f"theme-{name}.svg", profiles_streams, theme=name) for name in THEMES],
    Shot("theme-monochrome.svg", profiles_streams, no_color=True),
]


@contextmanager
def isolated_environment() -> Iterator[Path]:
    """Config, data and AWS files in a temporary home, AWS_* cleared: no user state in a picture."""
    saved = dict(os.environ)
    home = Path(tempfile.mkdtemp(prefix="eventdeck-screenshots-"))
    try:
        for var in list(os.environ):
            if var.startswith("AWS_") or var in ("NO_COLOR", "EVENTDECK_CONFIG"):
                del os.environ[var]
        for sub in ("config", "data", "state", "cache", ".aws"):
            (home / sub).mkdir()
        (home / ".aws" / "config").write_text("")
        (home / ".aws" / "credentials").write_text("")
        os.environ.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
            AWS_CONFIG_FILE=str(home / ".aws" / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        yield home
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)


def start_pinned_sandbox() -> Any:
    """The sandbox on port 4566 when free (the header then reads the same in every picture)."""
    from tui.sandbox import start_sandbox

    try:
        return start_sandbox(port=SHOWN_PORT, seed=SEED, now=PINNED_NOW)
    except OSError:
        print(f"port {SHOWN_PORT} is busy: the header will show another port", file=sys.stderr)
        return start_sandbox(port=0, seed=SEED, now=PINNED_NOW)


async def take(shot: Shot, sandbox: Any, home: Path, out_dir: Path) -> Path:
    """Run the real app on the sandbox, play the scene, save the screenshot."""
    from tui.app import EventdeckApp
    from tui.context import AppContext
    from tui.services.options import ConnectionOptions
    from tui.settings import Settings, update

    settings = Settings()
    if shot.theme is not None:
        settings = update(settings, **{"ui.theme": shot.theme})
    options = ConnectionOptions(
        region=sandbox.region, endpoint_url=sandbox.endpoint, ca_bundle=sandbox.ca_bundle
    )
    # A fresh data dir per shot: drafts of one scene must not show up in the next.
    data = Path(tempfile.mkdtemp(prefix="data-", dir=home))
    os.environ["XDG_DATA_HOME"] = str(data)
    if shot.no_color:
        os.environ["NO_COLOR"] = "1"  # Textual reads (and removes) it in App.__init__
    try:
        ctx = AppContext(
            options=options,
            settings=settings,
            settings_path=data / "config.toml",
            demo=sandbox,
        )
        app = EventdeckApp(ctx)
    finally:
        os.environ.pop("NO_COLOR", None)
    async with app.run_test(size=shot.size) as pilot:
        await shot.scene(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        app.save_screenshot(filename=shot.filename, path=str(out_dir))
    return out_dir / shot.filename


def svg_text(svg: str) -> str:
    """The visible text of a Rich SVG export, one line per terminal line (for the secret check)."""
    lines: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text[^>]* y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        lines.setdefault(y, []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(parts) for parts in lines.values())


def find_secrets(path: Path, secrets: list[str]) -> list[str]:
    text = path.read_text(encoding="utf-8")
    visible = svg_text(text)
    return [s for s in secrets if s and (s in text or s in visible)]


async def main_async(out_dir: Path, only: set[str]) -> int:
    from tui.sandbox import ACCESS_KEY_ID, SECRET_ACCESS_KEY

    out_dir.mkdir(parents=True, exist_ok=True)
    with isolated_environment() as home:
        sandbox = start_pinned_sandbox()
        try:
            for key, value in sandbox.env().items():
                if key != "AWS_ENDPOINT_URL":
                    os.environ[key] = value
            secrets = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, sandbox.bearer_token]
            failed = 0
            for shot in SHOTS:
                if only and shot.filename not in only:
                    continue
                path = await take(shot, sandbox, home, out_dir)
                leaked = find_secrets(path, secrets)
                if leaked:
                    path.unlink()
                    failed += 1
                    print(f"REFUSED {path.name}: it shows a credential of the sandbox")
                    continue
                print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        finally:
            sandbox.stop()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("names", nargs="*", help="only these files (e.g. ivs.svg)")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args.out, set(args.names)))


if __name__ == "__main__":
    sys.exit(main())
