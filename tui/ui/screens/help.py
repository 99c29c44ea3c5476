"""The `?` help screen: every binding that applies where the focus is, grouped by owner."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def format_key(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "escape": "esc",
        "full_stop": ".",
        "less_than_sign": "<",
        "greater_than_sign": ">",
    }
    return "+".join(names.get(part, part) for part in key.split("+"))


class HelpScreen(ModalScreen[None]):
    """Lists the bindings active on the screen below, as the keymap has them now."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, rows: list[tuple[str, str, str]], title: str) -> None:
        super().__init__()
        self.rows = rows  # (owner, keys, description)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self.title_text
            scroll.border_subtitle = "esc closes"
            yield Static(self._render_rows(), markup=False)

    def _render_rows(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        owner = None
        width = max((len(keys) for _, keys, _ in self.rows), default=8)
        for row_owner, keys, description in self.rows:
            if row_owner != owner:
                owner = row_owner
                parts.append((f"\n{owner}\n", "bold $accent"))
            parts.append((f"  {keys.ljust(width)}  ", "bold"))
            parts.append(f"{description}\n")
        return Content.assemble(*parts)


def collect_bindings(screen_bindings: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """(owner, keys, description) for every described active binding, keys merged per action."""
    merged: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str]] = []
    for key, active in screen_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        owner = type(active.node).__name__
        ident = (owner, binding.description)
        if ident not in merged:
            merged[ident] = []
            order.append(ident)
        merged[ident].append(format_key(key))
    return [(owner, ", ".join(merged[(owner, d)]), d) for owner, d in order]
