"""The command palette's entries for the keys active where the focus is.

Why apart from the App: the App lists its own commands (``get_system_commands``); which of the
focused widgets' bindings deserve an entry, and how each is described, is a rule of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui.ui.format import format_key


def binding_commands(app: App[None], screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
    """eventdeck's own actions active where the focus is, runnable from the palette.

    A text field's editing keys (Textual's Input and TextArea) are not actions worth a
    palette entry; each entry says where it applies and its key, in the help's words.
    """
    from tui.ui.screens.help import group_of  # the help screen loads when first wanted

    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        node = active.node
        if not binding.description or binding.description in seen:
            continue
        if node is app or not type(node).__module__.startswith("tui."):
            continue  # the app's own are listed by the App; Textual's widgets' are editing keys
        seen.add(binding.description)

        async def run(action: str = binding.action, node: object = node) -> None:
            await app.run_action(action, node)  # type: ignore[arg-type]

        yield SystemCommand(binding.description, f"{group_of(node)} · {format_key(key)}", run)
