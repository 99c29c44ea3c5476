"""A keyboard modal that picks one of a list (profiles, regions, themes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.ui.safe_text import visible


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one value; enter chooses, escape cancels (None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("j", "move(1)", "Down", show=False, id="choice.down"),
        Binding("k", "move(-1)", "Up", show=False, id="choice.up"),
    ]
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 60; max-width: 95%; height: auto; max-height: 80%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    ChoiceScreen OptionList { height: auto; max-height: 16; }
    ChoiceScreen .choice-header { color: $text-muted; margin: 0 0 1 0; }
    """

    def __init__(
        self,
        title: str,
        choices: list[str],
        current: str | None = None,
        *,
        notes: dict[str, str] | None = None,
        header: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current
        self.notes = notes or {}  # a dim note after a choice (the region picker: panes there)
        self.header = header  # plain text above the list

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.header:
                yield Static(Content(visible(self.header)), classes="choice-header")
            if not self.choices:
                yield Static("Nothing to choose from.", markup=False)
            options = [Option(self._label(c), id=str(i)) for i, c in enumerate(self.choices)]
            yield OptionList(*options)

    def _label(self, choice: str) -> Content:
        current = "  (current)" if choice == self.current else ""
        note = self.notes.get(choice)
        if not note:
            return Content(visible(choice) + current)
        width = max(len(visible(c)) for c in self.choices)
        return Content.assemble(
            visible(choice).ljust(width), ("  " + visible(note), "dim"), current
        )

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current in self.choices:
            option_list.highlighted = self.choices.index(self.current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)])

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
