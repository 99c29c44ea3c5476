"""The settings screen: edit config.toml's common settings from the keyboard, check each at its field.

Why a screen and not only the file: on a jump host the user should not have to find the
platformdirs path and remember every key and limit. Every field is checked as it is typed with the
same rules that load the file (``tui.settings.update``), so the reason shows under the field; ctrl+s
saves through ``AppContext.remember`` (atomic, 0600, never over a broken file). A save that fails
leaves the settings as they were and says why; escape discards the edits. The keymap is shown
read-only: editing key chords in a form is error-prone and the file is the better place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from tui.errors import EventdeckError
from tui.settings import COLOR_MODES, PAGE_SIZE_MAX, Settings, update
from tui.ui.safe_text import safe_text, visible
from tui.ui.screens.dialog import DialogScreen
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.work import Work


@dataclass(frozen=True)
class Field:
    """One editable setting: its dotted key, its label, and how text becomes a value."""

    key: str
    label: str
    kind: str = "text"  # "text", "int", "theme" or "color"
    placeholder: str = ""

    @property
    def dom_id(self) -> str:
        return "setting-" + self.key.replace(".", "-")


FIELDS: tuple[Field, ...] = (
    Field("aws.profile", "Default profile", placeholder="AWS_PROFILE or default"),
    Field("aws.region", "Default region", placeholder="the profile's region"),
    Field("ui.theme", "Theme", kind="theme"),
    Field("ui.color", "Colour", kind="color"),
    Field("pages.ivs", "Page size: IVS", kind="int", placeholder=f"1-{PAGE_SIZE_MAX['ivs']}"),
    Field(
        "pages.codecatalyst",
        "Page size: CodeCatalyst",
        kind="int",
        placeholder=f"1-{PAGE_SIZE_MAX['codecatalyst']}",
    ),
    Field(
        "pages.customer_profiles",
        "Page size: Profiles",
        kind="int",
        placeholder=f"1-{PAGE_SIZE_MAX['customer_profiles']}",
    ),
    Field("workers.pool_size", "Worker threads", kind="int", placeholder="1-32"),
    Field("aws.max_attempts", "Retry attempts", kind="int", placeholder="1-20"),
    Field("codecatalyst.default_range", "CodeCatalyst range", placeholder="e.g. 24h, 7d, 30m"),
    Field("export.directory", "Export directory", placeholder="the data dir's exports"),
)
_BY_ID = {f.dom_id: f for f in FIELDS}


def current_value(settings: Settings, key: str) -> Any:
    """The value of a dotted key in ``settings``."""
    section, _, name = key.partition(".")
    return getattr(getattr(settings, section), name)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _parse(field: Field, text: str) -> Any:
    """The value ``update`` checks: ints for int fields when they parse, else the text as typed."""
    if field.kind == "int":
        stripped = text.strip()
        return int(stripped) if stripped.lstrip("-").isdigit() else stripped
    return text


@dataclass(frozen=True)
class SettingsSaved:
    """What the screen dismisses with after a save: the settings before and after, and the keys."""

    before: Settings
    after: Settings
    changed: frozenset[str]


class SettingsScreen(DialogScreen[SettingsSaved | None]):
    """Edit and save the common settings; ctrl+s saves, escape discards (dismisses with None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="settings.cancel"),
    ]

    def __init__(
        self,
        ctx: Any,
        *,
        themes: Sequence[str] | None = None,
        profiles: Sequence[str] = (),
    ) -> None:
        """``themes``: names to offer (default: the app's registered eventdeck and user themes);
        ``profiles``: completions for the profile field (the caller reads ~/.aws, not the screen)."""
        super().__init__()
        self.ctx = ctx
        self.initial: Settings = ctx.settings
        self.work = Work(self, group="settings-save")
        self._themes = list(themes) if themes is not None else None
        self._profiles = list(profiles)
        self.errors: dict[str, str] = {}
        self.status = ""

    # -- building ------------------------------------------------------------------------------
    def _theme_names(self) -> list[str]:
        if self._themes is not None:
            names = list(self._themes)
        else:
            names = sorted(
                name
                for name in self.app.available_themes
                if not name.startswith("textual-") and name != "eventdeck-monochrome"
            )
        current = self.initial.ui.theme
        return names if current in names else [current, *names]

    def _editor(self, field: Field) -> Widget:
        value = current_value(self.initial, field.key)
        if field.kind == "theme":
            return Select(
                [(visible(n), n) for n in self._theme_names()],
                value=value,
                allow_blank=False,
                compact=True,
                id=field.dom_id,
            )
        if field.kind == "color":
            return Select(
                [(mode, mode) for mode in COLOR_MODES],
                value=value,
                allow_blank=False,
                compact=True,
                id=field.dom_id,
            )
        suggester = None
        if field.key == "aws.profile" and self._profiles:
            suggester = SuggestFromList(self._profiles, case_sensitive=True)
        return Input(
            _as_text(value),
            placeholder=field.placeholder,
            compact=True,
            select_on_focus=False,
            suggester=suggester,
            id=field.dom_id,
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-dialog", classes="dialog") as dialog:
            dialog.border_title = "Settings"
            path = getattr(self.ctx, "settings_path", None)
            dialog.border_subtitle = safe_text(str(path)) if path else "not saved to a file"
            with VerticalScroll(id="settings-fields"):
                for field in FIELDS:
                    with Horizontal(classes="settings-row"):
                        yield Label(field.label, classes="settings-label")
                        yield self._editor(field)
                    yield FieldErrorLabel(field.key, id=f"{field.dom_id}-error")
                yield Static(self._keymap_text(), id="settings-keymap")
            yield Static("", id="settings-status")
            yield Static(
                "tab/shift+tab move · ctrl+s save · escape cancel", id="settings-hint", markup=False
            )

    def _keymap_text(self) -> Text:
        keymap = self.initial.keymap
        lines = ["Keymap (read-only here; edit [keymap] in config.toml, then restart):"]
        if keymap:
            lines += [f"  {visible(k)} = {visible(v)}" for k, v in sorted(keymap.items())]
        else:
            lines.append("  (no remapped keys)")
        return Text("\n").join(safe_text(line) for line in lines)

    def on_mount(self) -> None:
        self.query_one(f"#{FIELDS[0].dom_id}").focus()

    # -- checking at the field -----------------------------------------------------------------
    def field_text(self, field: Field) -> Any:
        widget = self.query_one(f"#{field.dom_id}")
        if isinstance(widget, Select):
            return widget.value
        assert isinstance(widget, Input)
        return widget.value

    def _check(self, field: Field) -> None:
        raw = self.field_text(field)
        try:
            update(self.initial, **{field.key: _parse(field, raw) if isinstance(raw, str) else raw})
        except ValueError as err:
            self.errors[field.key] = str(err)
        else:
            self.errors.pop(field.key, None)
        message = self.errors.get(field.key, "")
        self.query_one(f"#{field.dom_id}-error", FieldErrorLabel).show_message(message)
        self.query_one(f"#{field.dom_id}").set_class(bool(message), "-bad")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field = _BY_ID.get(event.input.id or "")
        if field is not None:
            self._check(field)
            self._set_status("")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        field = _BY_ID.get(event.select.id or "")
        if field is not None:
            self._check(field)
            self._set_status("")

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field (ctrl+s saves), as in most terminal forms."""
        event.stop()
        self.focus_next()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status = text
        status = self.query_one("#settings-status", Static)
        status.update(safe_text(text))
        status.set_class(error, "-error")

    # -- saving --------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the settings the screen opened with."""
        out: dict[str, Any] = {}
        for field in FIELDS:
            raw = self.field_text(field)
            value = _parse(field, raw) if isinstance(raw, str) else raw
            converted = current_value(update(self.initial, **{field.key: value}), field.key)
            if converted != current_value(self.initial, field.key):
                out[field.key] = value
        return out

    def action_save(self) -> None:
        """Check every field, then save the changed ones; a failed save changes nothing."""
        if self.work.busy:  # a save runs in a worker; a second ctrl+s meanwhile does nothing
            return
        for field in FIELDS:
            self._check(field)
        if self.errors:
            first = next(f for f in FIELDS if f.key in self.errors)
            count = len(self.errors)
            self._set_status(
                f"Not saved: {count} field{'s' if count > 1 else ''} to fix "
                f"({', '.join(self.errors)}).",
                error=True,
            )
            self.query_one(f"#{first.dom_id}").focus()
            return
        changes = self.changes()
        if not changes:
            self.dismiss(SettingsSaved(self.initial, self.ctx.settings, frozenset()))
            return
        if self.work.busy:  # a save is on its way to the disk
            return
        before = self.ctx.settings
        after = update(before, **changes)

        def write() -> None:
            # The one save path (serialised, atomic, 0600); it reports a problem, never raises.
            problem = self.ctx.remember(lambda _current: after)
            if problem:
                raise EventdeckError(problem)

        def saved(_: None) -> None:
            self.dismiss(SettingsSaved(before, after, frozenset(changes)))

        def not_saved(error: EventdeckError) -> None:
            self.ctx.settings = before  # not saved means not applied: the file stays the truth
            self._set_status(f"Not saved: {error}", error=True)

        # The write (fsync; slow on the NFS homes of jump hosts) runs off the event loop.
        self._set_status("Saving…")
        self.work.run(write, saved, not_saved, key="save", pooled=False)

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def action_cancel(self) -> None:
        """Discard the edits."""
        self.dismiss(None)
