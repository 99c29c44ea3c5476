"""The `?` help screen: every binding that applies where the focus is, under the user's words.

Why: Textual knows a binding's owner as a class (VirtualTable, IvsPane, Screen); the user knows
"the table", "this pane", "the app". Keys are grouped under those words, the header's symbols are
explained at the end, and the list takes two columns when the terminal is wide.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

Row = tuple[str, str, str]  # (group, keys, description)

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "full_stop": ".",
    "comma": ",",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "plus": "+",
    "minus": "-",
}

# Class name (anywhere in the owner's MRO) -> the word the user knows it by.
GROUPS = {
    "VirtualTable": "Tables",
    "InspectorScreen": "Inspector",
    "JsonView": "Inspector",
    "ComposePane": "Compose",
    "EntryList": "Compose",
    "ComposeForm": "Compose",
    "JsonEditor": "Text field",
    "Input": "Text field",
    "TextArea": "Text field",
    "OptionList": "Lists",
    "HelpScreen": "Help",
    "Screen": "App",
}
LAST_GROUPS = ("Text field", "App")

HEADER_INDICATORS: list[Row] = [
    ("Header", "⇅ 1/4", "AWS calls in flight / calls allowed at once"),
    ("Header", "+2 queued", "calls waiting for a free slot"),
    ("Header", "↻3", "retries so far (throttled or answered with a 5xx)"),
    ("Header", "✖ text", "the last call's error; cleared by the next call that succeeds"),
    ("Header", "⚑ address", "the endpoint is not AWS (a sandbox or a custom endpoint)"),
    ("Header", "DEMO", "talking to the built-in demo sandbox"),
    ("Header", "READ-ONLY", "--read-only: every send is refused"),
]

TWO_COLUMNS_AT = 110  # terminal columns from which the help takes two columns


def format_key(key: str) -> str:
    """A key as people write it ("question_mark" -> "?", "ctrl+s" stays "ctrl+s")."""
    return "+".join(KEY_NAMES.get(part, part) for part in key.split("+"))


def group_of(node: Any, action: str = "") -> str:
    """The user's word for the owner of a binding: "Tables", "Compose", a pane's title, "App".

    A key that an eventdeck widget inherits from Textual's (the entry list's cursor keys come
    from OptionList) is grouped with Textual's widget: it is not what the pane adds.
    """
    if isinstance(node, App):
        return "App"
    name = action.split("(", 1)[0].rpartition(".")[2]
    owner = next((c for c in type(node).__mro__ if f"action_{name}" in c.__dict__), None)
    if name and owner is not None and not owner.__module__.startswith("tui."):
        for cls in type(node).__mro__:  # the nearest of Textual's widgets the node is
            if not cls.__module__.startswith("tui.") and cls.__name__ in GROUPS:
                return GROUPS[cls.__name__]
    for cls in type(node).__mro__:
        if cls.__name__ in GROUPS:
            return GROUPS[cls.__name__]
    title = getattr(node, "TITLE", "")
    if isinstance(title, str) and title and type(node).__module__.startswith("tui.ui.panes"):
        return title
    name = type(node).__name__.removesuffix("Screen")
    words = "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(name))
    return words.strip().capitalize() or "App"


class HelpScreen(ModalScreen[None]):
    """Lists the bindings active on the screen below, as the keymap has them now."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("j", "scroll(1)", "Scroll down", id="help.down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", id="help.up", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 160; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, rows: list[Row], title: str, *, indicators: bool = True) -> None:
        super().__init__()
        self.rows = rows + (HEADER_INDICATORS if indicators else [])
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self.title_text
            scroll.border_subtitle = "j/k scroll · esc closes"
            yield Static(markup=False, id="help-keys")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.lay_out()

    def on_resize(self) -> None:
        self.lay_out()

    @property
    def two_columns(self) -> bool:
        return self.app.size.width >= TWO_COLUMNS_AT

    def lay_out(self) -> None:
        """One column, or two with the groups balanced by height, whole groups in each."""
        groups = self.grouped()
        left, right = groups, []
        if self.two_columns:
            total = sum(len(rows) + 2 for _, rows in groups)
            height = 0
            for index, (_, rows) in enumerate(groups):
                height += len(rows) + 2
                if height >= total / 2:
                    left, right = groups[: index + 1], groups[index + 1 :]
                    break
        key_width = min(18, max((len(r[1]) for r in self.rows), default=8))
        left_lines = self._lines(left, key_width)
        right_lines = self._lines(right, key_width)
        column = max((line.cell_length for line in left_lines), default=0) + 3
        lines = []
        for i in range(max(len(left_lines), len(right_lines))):
            first = left_lines[i] if i < len(left_lines) else Content("")
            if i < len(right_lines):
                first = first + " " * (column - first.cell_length) + right_lines[i]
            lines.append(first)
        self.query_one("#help-keys", Static).update(Content("\n").join(lines))

    def grouped(self) -> list[tuple[str, list[Row]]]:
        """The rows under their group, groups in first-seen order; editing keys and App last."""
        groups: dict[str, list[Row]] = {}
        for row in self.rows:
            groups.setdefault(row[0], []).append(row)
        order = [g for g in groups if g not in LAST_GROUPS and g != "Header"]
        order += [g for g in LAST_GROUPS if g in groups] + (
            ["Header"] if "Header" in groups else []
        )
        return [(g, groups[g]) for g in order]

    @staticmethod
    def _lines(groups: list[tuple[str, list[Row]]], key_width: int) -> list[Content]:
        lines: list[Content] = []
        for name, rows in groups:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(name, "bold $accent"))
            for _, keys, description in rows:
                lines.append(
                    Content.assemble((f"  {keys.ljust(key_width)}  ", "bold"), description)
                )
        return lines

    def action_scroll(self, step: int) -> None:
        scroll = self.query_one(VerticalScroll)
        if step > 0:
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)


def collect_bindings(screen_bindings: dict) -> list[Row]:  # type: ignore[type-arg]
    """(group, keys, description) for every described active binding, keys merged per action."""
    merged: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str]] = []
    for key, active in screen_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        group = group_of(active.node, binding.action)
        ident = (group, binding.description)
        if ident not in merged:
            merged[ident] = []
            order.append(ident)
        shown = format_key(key)
        if shown not in merged[ident]:
            merged[ident].append(shown)
    return [(group, ", ".join(merged[(group, d)]), d) for group, d in order]
