"""The hint line at the bottom: the keys that matter where the focus is, fitted to the width.

Why: Textual's Footer lays out every shown binding and cuts the last one mid-word at 80 columns
("Y Copy JSO"). This line takes the bindings nearest the focus first (the focused widget's, then
its pane's, then the app's), always keeps ``?`` (help, which lists the rest), and drops whole hints
that do not fit instead of cutting one. Keys that a focused text field would type are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.ui.format import format_key

HELP_ACTIONS = frozenset({"help", "app.help"})
TAIL_ACTIONS = frozenset({"quit_app", "app.quit_app"})  # shown last, only when there is room
GAP = "  "


@dataclass(frozen=True)
class Hint:
    """One key and what it does, as the line shows it."""

    key: str
    description: str

    @property
    def text(self) -> str:
        return f"{self.key} {self.description}"


def is_text_field(widget: object) -> bool:
    """Whether ``widget`` is one of Textual's text fields (an Input or a TextArea, or a subclass).

    Why by name for TextArea: importing it costs ~25 ms of the launch, and the first screen has
    none; a TextArea can only be focused once its module is loaded anyway.
    """
    if isinstance(widget, Input):
        return True
    return any(
        cls.__name__ == "TextArea" and cls.__module__.startswith("textual.")
        for cls in type(widget).__mro__
    )


def short_key(key: str) -> str:
    """The compact form of a key for the hint line ("ctrl+s" -> "^s", "question_mark" -> "?")."""
    shown = format_key(key)
    return "^" + shown[5:] if shown.startswith("ctrl+") and "+" not in shown[5:] else shown


def types_into(key: str) -> bool:
    """True when ``key`` would type a character into a focused text field (x, R, ?, space)."""
    return len(format_key(key)) == 1 or key in ("space", "enter", "tab", "backspace")


def fit_hints(hints: list[Hint], width: int, *, always: list[Hint], tail: list[Hint]) -> list[Hint]:
    """Hints in priority order that fit ``width`` whole: ``always`` first, then ``hints``, then ``tail``.

    Why: a hint cut mid-word tells the user nothing; a lower-priority hint is dropped instead,
    and a shorter one after it may still fit. ``always`` is shown even when nothing else fits.
    """
    chosen: list[Hint] = list(always)
    used = sum(len(h.text) for h in chosen) + len(GAP) * max(0, len(chosen) - 1)
    for hint in [*hints, *tail]:
        cost = len(hint.text) + (len(GAP) if chosen else 0)
        if used + cost <= width:
            chosen.append(hint)
            used += cost
    order = {id(h): i for i, h in enumerate([*hints, *always, *tail])}
    return sorted(chosen, key=lambda h: order[id(h)])


class HintLine(Static):
    """The one-line key hints of a screen, rebuilt when its bindings or the width change."""

    def __init__(self) -> None:
        super().__init__("", markup=False)
        self._pending = False
        self.text = ""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.rebuild()

    def on_unmount(self) -> None:
        if self.is_attached:
            self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.rebuild()

    def _bindings_changed(self, screen: Screen) -> None:  # type: ignore[type-arg]
        """Rebuild once per burst of changes (they come several at a time on focus moves)."""
        if self._pending:
            return
        self._pending = True

        def flush() -> None:
            self._pending = False
            self.rebuild()

        self.call_after_refresh(flush)

    def hints(self) -> tuple[list[Hint], list[Hint], list[Hint]]:
        """(focused hints in priority order, the help hint, the tail hints) for the screen now."""
        focused = self.screen.focused
        typing = is_text_field(focused)
        seen: set[str] = set()
        hints: list[Hint] = []
        always: list[Hint] = []
        tail: list[Hint] = []
        for key, active in self.screen.active_bindings.items():
            binding: Binding = active.binding
            node = active.node
            action = binding.action
            if action in HELP_ACTIONS:
                if not always and not (typing and types_into(key)):
                    always.append(Hint(short_key(key), "Help"))
                continue
            if not binding.show or not binding.description or not active.enabled:
                continue
            if typing and node is not focused and types_into(key):
                continue  # this key would type into the field instead
            hidden = getattr(node, "hidden_hints", None)
            if callable(hidden) and action in hidden():
                continue
            if action in seen:
                continue
            seen.add(action)
            hint = Hint(short_key(key), binding.description)
            (tail if action in TAIL_ACTIONS else hints).append(hint)
        if self.app.ENABLE_COMMAND_PALETTE:
            tail.append(Hint("^p", "Palette"))
        return hints, always, tail

    def rebuild(self) -> None:
        # A rebuild queued by a burst of binding changes can run after the screen was dismissed
        # (escape from the inspector): the widget is still mounted but has no screen any more.
        if not self.is_mounted or not self.is_attached:
            return
        hints, always, tail = self.hints()
        width = max(0, self.size.width - 2)  # the padding
        chosen = fit_hints(hints, width, always=always, tail=tail)
        text = GAP.join(h.text for h in chosen)
        if text != self.text:
            self.text = text
            parts: list[str | tuple[str, str]] = []
            for hint in chosen:
                parts += [GAP] if parts else []
                parts += [(hint.key, "bold"), f" {hint.description}"]
            self.update(Content.assemble(*parts))
