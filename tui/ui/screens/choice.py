"""A keyboard modal that picks one of a list (profiles, regions, time ranges), filtered as you type.

Why: a region list has 30+ names and a profile list can be longer; typing "eu-w" should leave
the few that match instead of making the user scroll.
"""

from __future__ import annotations

from functools import cached_property

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.ui.safe_text import visible
from tui.ui.screens.dialog import DialogScreen


def matches(choice: str, query: str) -> bool:
    """True when every word of ``query`` occurs in ``choice`` (case-insensitive)."""
    text = choice.casefold()
    return all(word in text for word in query.casefold().split())


class ChoiceScreen(DialogScreen[str | None]):
    """Pick one value: type to filter, up/down (j/k in the list) to move, enter chooses."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="choice.down_arrow"),
        Binding("up", "move(-1)", "Up", show=False, id="choice.up_arrow"),
        Binding("j", "move(1)", "Down", show=False, id="choice.down"),
        Binding("k", "move(-1)", "Up", show=False, id="choice.up"),
    ]

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
        self.shown: list[int] = list(range(len(choices)))  # indexes of the choices listed
        self.notes = notes or {}  # a dim note after a choice (the region picker: panes there)
        self.header = header  # plain text above the list

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -overlay") as box:
            box.border_title = self.title_text
            box.border_subtitle = "type to filter · enter choose · esc cancel"
            if self.header:
                yield Static(Content(visible(self.header)), classes="choice-header")
            yield Input(placeholder="type to filter", id="choice-filter", compact=True)
            yield Static("Nothing to choose from.", id="choice-none", markup=False)
            yield OptionList()

    @cached_property
    def _note_width(self) -> int:
        """The widest choice, once: notes line up after it (per label it made 300 profiles O(n²))."""
        return max((len(visible(c)) for c in self.choices), default=0)

    def _label(self, choice: str) -> Content:
        current = "  (current)" if choice == self.current else ""
        note = self.notes.get(choice)
        if not note:
            return Content(visible(choice) + current)
        width = self._note_width
        return Content.assemble(
            visible(choice).ljust(width), ("  " + visible(note), "dim"), current
        )

    def on_mount(self) -> None:
        self._fill("")
        if self.current in self.choices:
            self.query_one(OptionList).highlighted = self.choices.index(self.current)
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        self.shown = [i for i, c in enumerate(self.choices) if matches(c, query)]
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(Option(self._label(self.choices[i]), id=str(i)) for i in self.shown)
        if self.shown:
            option_list.highlighted = 0
        self.query_one("#choice-none", Static).display = not self.shown

    @on(Input.Changed, "#choice-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#choice-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None and self.shown:
            self.dismiss(self.choices[self.shown[option_list.highlighted]])

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
