"""Helpers for the compose-pane Pilot tests: start the app on the sandbox, fill fields like a user."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

from tests.ui.helpers import showing
from tui.app import EventdeckApp
from tui.context import AppContext
from tui.ui.panes.compose.pane import ComposePane


def make_app(options: Any, **ctx: Any) -> EventdeckApp:
    from tui.settings import Settings

    ctx.setdefault("settings", Settings())
    return EventdeckApp(AppContext(options=options, **ctx))


async def open_pane(pilot: Any, key: str) -> ComposePane:
    """Show pane ``key`` and wait until its draft and outbox have been read."""
    await pilot.press(key)
    pane = pilot.app.current_pane
    assert isinstance(pane, ComposePane)
    # Its first load reads the draft and the outbox in file jobs of its Work: when the draft is
    # loaded and no job is left, both have been read (and their handlers have run).
    for _ in range(500):
        if pane.drafts.loaded and not pane.work.busy:
            break
        await pilot.pause(0.02)
    assert pane.drafts.loaded and not pane.work.busy
    await pilot.pause()
    return pane


async def fill(
    pilot: Any, pane: ComposePane, field: str, text: str, *, header: bool = False
) -> None:
    """Put ``text`` in a field as a paste would (posting the widget's Changed message)."""
    prefix = "header" if header else "entry"
    widget = pane.query_one(f"#{prefix}-field-{field}")
    widget.focus()
    if isinstance(widget, TextArea):
        widget.load_text(text)
    else:
        assert isinstance(widget, Input)
        widget.value = text
    await pilot.pause()


async def type_text(pilot: Any, pane: ComposePane, field: str, text: str) -> None:
    """Type ``text`` key by key at the end of a field, as a user does."""
    widget = pane.query_one(f"#entry-field-{field}")
    widget.focus()
    await pilot.press("end")
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])
    await pilot.pause()


def error_at(pane: ComposePane, field: str, *, header: bool = False) -> str:
    prefix = "header" if header else "entry"
    return pane.query_one(f"#{prefix}-error-{field}").message  # type: ignore[attr-defined]


def is_invalid(pane: ComposePane, field: str) -> bool:
    return pane.query_one(f"#entry-field-{field}").has_class("-invalid")


async def wait_until(pilot: Any, condition: Any, timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds; ``timeout`` is a hang guard, not a speed check."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def send_confirmed(pilot: Any, key: str = "ctrl+s") -> None:
    """Press the send key and confirm the summary with y."""
    from tui.ui.screens.confirm import ConfirmScreen

    await pilot.press(key)
    await pilot.pause()
    # Pane 4 asks who receives the sources before it confirms: wait for the dialog.
    await wait_until(pilot, lambda: showing(pilot.app, ConfirmScreen))
    await pilot.press("y")
    await pilot.pause()


async def to_list(pilot: Any, pane: ComposePane) -> None:
    """Escape back to the entry list (a JSON editor takes the first escape to leave itself)."""
    entry_list = pane.query_one("#compose-list")
    for _ in range(3):
        if pilot.app.focused is entry_list:
            return
        await pilot.press("escape")
        await pilot.pause()
    assert pilot.app.focused is entry_list
