"""Small helpers for Pilot tests of the panes."""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import Callable

from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot

from tui.themes import VARIABLE_DEFAULTS
from tui.ui.styles import STYLESHEETS
from tui.ui.widgets.virtual_table import QueryBar


class StyledApp(App[None]):
    """A bare host app styled like eventdeck: its stylesheets and its theme variables.

    Why: eventdeck's widgets and screens carry no DEFAULT_CSS (their styles live in the App's
    CSS_PATH), so a test hosting one outside EventdeckApp loads the same stylesheets.
    """

    CSS_PATH = STYLESHEETS

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLE_DEFAULTS)


async def wait_for(
    pilot: Pilot,
    condition: Callable[[], bool],
    timeout: float = 60.0,
    message: Callable[[], str] | None = None,
) -> None:
    """Let the app run until ``condition()`` holds (AWS calls run in worker threads).

    ``timeout`` is a hang guard, not a speed check: generous, so a loaded machine never fails it.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                "condition not met in time" + (f": {message()}" if message else "")
            )
        await pilot.pause(0.02)
        await asyncio.sleep(0)


def showing(app: App, screen_type: type) -> bool:  # type: ignore[type-arg]
    """True when a ``screen_type`` is on top *and* mounted, so its widgets can be queried.

    Why: a pushed screen is on the stack before it has composed; a loaded machine can run the
    test's next line in between, and a query for one of its fields then finds nothing.
    """
    screen = app.screen
    return isinstance(screen, screen_type) and screen.is_mounted


def table_lines(table) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of every rendered line of a VirtualTable's body (header included)."""
    body = table.body
    return [body.render_line(y).text for y in range(body.scrollable_content_region.height)]


def idle(pane) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    """True when the pane has no page in flight and its level has started."""
    return lambda: not pane.fetching and pane.level is not None and pane.level.started


async def open_screen(pilot: Pilot, screen_type: type, *keys: str) -> None:  # type: ignore[type-arg]
    """Once the pane is idle, press ``keys`` and wait until ``screen_type`` is on top."""
    app = pilot.app
    await wait_for(pilot, idle(app.current_pane))  # type: ignore[attr-defined]
    await pilot.press(*keys)
    await wait_for(pilot, lambda: showing(app, screen_type))


async def open_query_bar(pilot: Pilot, root: DOMNode) -> QueryBar:  # type: ignore[type-arg]
    """Press ``:`` and wait until the query bar under ``root`` (the app, or a table) has the focus."""
    await pilot.press("colon")
    bar = root.query_one(QueryBar)
    await wait_for(pilot, lambda: bar.input.has_focus)
    return bar


async def load_every_page(pilot: Pilot, pane) -> None:  # type: ignore[no-untyped-def]
    """Page a browse pane's level to its end (G until done), waiting for each page."""
    await wait_for(pilot, idle(pane))
    while not pane.level.done:
        await pilot.press("G")
        await wait_for(pilot, idle(pane))


def osc52_payloads(out: list[str]) -> list[str]:
    """The texts that the OSC 52 sequences in ``out`` (what the app wrote) put on the clipboard."""
    found = []
    for data in out:
        for match in re.finditer("\x1b]52;c;([A-Za-z0-9+/=]*)\x07", data):
            found.append(base64.b64decode(match.group(1)).decode("utf-8"))
    return found


def launch_event_logs(app_ctx, space: str = "acme-platform") -> None:  # type: ignore[no-untyped-def]
    """Start the app on a space's CodeCatalyst event logs of the last 30 days (AWS CLI words)."""
    from tui.args import LaunchTarget

    app_ctx.launch = LaunchTarget(
        "codecatalyst", "codecatalyst list-event-logs", {"space-name": space}
    )
    app_ctx.launch.params.update({"start-time": "-30d", "end-time": "now"})


async def load_all(pilot: Pilot, pane) -> None:  # type: ignore[no-untyped-def]
    """Press G until the pane's level has loaded every page."""
    await wait_for(pilot, idle(pane))
    while not pane.level.done:
        await pilot.press("G")
        await wait_for(pilot, idle(pane))


# The keys ``burst`` takes by name, with the character the terminal sends for each (None: none).
NAMED_KEYS: dict[str, str | None] = {
    "tab": "\t",
    "shift+tab": None,
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x7f",
    "up": None,
    "down": None,
    "space": " ",
    "colon": ":",
    "comma": ",",
    "f6": None,
    "ctrl+n": None,
}


async def burst(pilot: Pilot, *parts: str) -> None:  # type: ignore[type-arg]
    """Deliver keys as one burst from the terminal (a paste, tmux send-keys, a slow SSH link).

    Why: ``pilot.press`` waits for the app to go idle after every key, which hides any race
    between a key and the focus change an earlier key asked for. Here every key is queued to the
    app at once, as the driver does when one read from the terminal holds them all; then the
    test waits for the app's key order to have handed every key on (a typed character may still
    be in its field's queue: wait for the value). A part named in ``NAMED_KEYS`` is one key, any other part
    is typed character by character.
    """
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    order = getattr(app, "key_order", None)  # None on the code before keys were put in order
    received = order.received if order is not None else 0
    keys: list[events.Key] = []
    for part in parts:
        if part in NAMED_KEYS:
            keys.append(events.Key(part, NAMED_KEYS[part]))
            continue
        for char in part:
            keys.append(events.Key(char if char.isalnum() else _character_to_key(char), char))
    for key in keys:
        app.post_message(key)
    if order is not None:  # every key received and handed on
        await wait_for(pilot, lambda: order.received >= received + len(keys) and order.idle)
    await pilot.pause()
