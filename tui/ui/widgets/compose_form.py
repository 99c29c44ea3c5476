"""The editor of one entry (or of a request's header): labelled fields, each with its error line.

Why: both compose panes edit flat records of text fields, multi-line lists and JSON objects; one
widget builds them from a field list, reports edits, and shows each validation error at its field
(the field gets the ``-invalid`` class, the message appears right under it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, TextArea

from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.widgets.json_editor import JsonEditor

FieldKind = Literal["line", "lines", "json"]


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its API name, label, kind (one line, one item per line, JSON) and hint."""

    name: str
    label: str
    kind: FieldKind = "line"
    placeholder: str = ""
    required: bool = False


class ComposeForm(Vertical):
    """Fields built from ``specs``; posts ``Edited`` when the user changes one."""

    class Edited(Message):
        """The user changed ``field`` of the form to ``value``."""

        def __init__(self, form: ComposeForm, field: str, value: str) -> None:
            super().__init__()
            self.form = form
            self.field = field
            self.value = value

        @property
        def control(self) -> ComposeForm:
            return self.form

    def __init__(
        self,
        specs: list[FieldSpec],
        *,
        prefix: str,
        suggesters: dict[str, Suggester] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.specs = specs
        self.suggesters = suggesters or {}
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        yield FieldErrorLabel("entry", id=f"{self.prefix}-error-entry")
        for spec in self.specs:
            mark = " *" if spec.required else ""
            label = Label(f"{spec.label}{mark}", classes="field-label")
            label.set_class(spec.required, "-required")
            yield label
            yield self._make_widget(spec)
            yield FieldErrorLabel(spec.name, id=f"{self.prefix}-error-{spec.name}")

    def _make_widget(self, spec: FieldSpec) -> Widget:
        widget_id = f"{self.prefix}-field-{spec.name}"
        if spec.kind == "json":
            editor = JsonEditor("", id=widget_id)
            editor.border_title = spec.placeholder or None
            return editor
        if spec.kind == "lines":
            area = TextArea("", id=widget_id, classes="-lines", soft_wrap=True)
            area.border_title = spec.placeholder or None
            return area
        return Input(
            placeholder=spec.placeholder,
            id=widget_id,
            suggester=self.suggesters.get(spec.name),
            compact=True,  # one line a field: the whole form fits at 80x24
        )

    # -- access ----------------------------------------------------------------------------
    def field_widget(self, name: str) -> Widget:
        return self.query_one(f"#{self.prefix}-field-{name}")

    def error_label(self, name: str) -> FieldErrorLabel:
        return self.query_one(f"#{self.prefix}-error-{name}", FieldErrorLabel)

    def load(self, values: dict[str, Any]) -> None:
        """Show ``values`` (missing: empty) without reporting them as edits."""
        with self.prevent(Input.Changed, TextArea.Changed):
            for spec in self.specs:
                raw = values.get(spec.name)
                text = "" if raw is None else str(raw)
                widget = self.field_widget(spec.name)
                if isinstance(widget, TextArea):
                    if widget.text != text:
                        widget.load_text(text)
                elif isinstance(widget, Input) and widget.value != text:
                    widget.value = text

    def values(self) -> dict[str, str]:
        """The text of every field."""
        out: dict[str, str] = {}
        for spec in self.specs:
            widget = self.field_widget(spec.name)
            out[spec.name] = widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each field named in ``errors`` invalid with its message; clear the others."""
        known = {spec.name for spec in self.specs}
        general = [m for f, m in errors.items() if f not in known]
        for spec in self.specs:
            message = errors.get(spec.name, "")
            self.error_label(spec.name).show_message(message)
            self.field_widget(spec.name).set_class(bool(message), "-invalid")
        self.error_label("entry").show_message("\n".join(general))

    # -- events ----------------------------------------------------------------------------
    def _report(self, widget: Widget | None, value: str) -> None:
        if widget is None or not widget.id:
            return
        name = widget.id.removeprefix(f"{self.prefix}-field-")
        self.post_message(self.Edited(self, name, value))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._report(event.input, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._report(event.text_area, event.text_area.text)
