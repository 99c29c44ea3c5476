"""The payload inspector: one item as highlighted JSON, searchable, copyable, writable to a file.

This is where triage ends ("what exactly did AWS say?"), so it shows the item whole however big it
is (``JsonView`` renders only the visible lines), and it gets the item out of the terminal in the
three ways an operator needs: the JSON to the clipboard (``y``), the JSON to a file (``w``, for
payloads too big for OSC 52), and the AWS CLI command that fetches it again (``c``).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.errors import EventdeckError
from tui.fsutil import atomic_write_bytes, make_private_dir
from tui.ui.clipboard import copy_and_notify, human_size
from tui.ui.safe_text import safe_text, visible
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.hint_line import HintLine
from tui.ui.widgets.json_view import JsonView
from tui.ui.work import Work

INCREMENTAL_SEARCH_LINES = 50_000
"""Below this many lines the search runs on every keystroke; above it, on enter only."""


def write_atomic(path: Path, text: str) -> int:
    """Write ``text`` to ``path`` through a temporary file and a rename; the bytes written.

    A crash or a full disk mid-write leaves either the old file or the new one, never half. The
    file is private (0600), and holds no terminal control: ``text`` is the JSON view's text, whose
    controls are JSON-escaped; anything else is escaped visibly here, so ``cat`` of it is safe.
    """
    raw = (visible(text, keep_newlines=True) + "\n").encode("utf-8")
    atomic_write_bytes(path, raw)
    return len(raw)


def validate_write_path(value: str, export_dir: Path | None = None) -> str | None:
    """Why ``value`` cannot be written to (empty, a directory, no such folder), or None.

    ``export_dir`` may be missing (a fresh machine): it is created when the file is written.
    """
    if not value.strip():
        return "Enter a file path."
    path = Path(value.strip()).expanduser()
    if path.is_dir():
        return "That is a directory; add a file name."
    if not path.parent.is_dir() and not _is_export_dir(path.parent, export_dir):
        return f"No such folder: {path.parent}"
    return None


def _is_export_dir(folder: Path, export_dir: Path | None) -> bool:
    return export_dir is not None and folder.absolute() == export_dir.expanduser().absolute()


def decode_json_payloads(value: object) -> object:
    """``value`` with every ``{contentType: *json*, data: "<json text>"}`` payload's data parsed.

    CodeCatalyst event logs carry request and response payloads as JSON *strings*; shown raw they
    are one unreadable escaped line. Data that does not parse is left as it was; ``value`` itself
    is not modified.
    """
    if isinstance(value, list):
        return [decode_json_payloads(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: decode_json_payloads(item) for key, item in value.items()}
    content_type, data = result.get("contentType"), result.get("data")
    if isinstance(content_type, str) and "json" in content_type.lower() and isinstance(data, str):
        with contextlib.suppress(ValueError):
            result["data"] = json.loads(data)
    return result


def default_file_name(title: str) -> str:
    """A file name made from the inspector title: lower case, safe characters only."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-.").lower()[:60]
    return f"{slug or 'item'}.json"


@dataclass
class InspectorMemory:
    """What inspectors remember for the rest of the app's run: the last path written to."""

    last_write_path: Path | None = None


def inspector_memory(app: App[Any]) -> InspectorMemory:
    """The app's InspectorMemory (made on first use), so each app remembers its own path.

    Why on the app, not a class attribute: two apps in one process (tests, the screenshot
    script) must not offer each other's paths.
    """
    memory = getattr(app, "inspector_memory", None)
    if not isinstance(memory, InspectorMemory):
        memory = InspectorMemory()
        app.inspector_memory = memory  # type: ignore[attr-defined]
    return memory


class InspectorScreen(Screen[None]):
    """A full screen showing one item as JSON, with search, copy, write and copy-CLI actions.

    JSON payloads held as strings (CodeCatalyst's ``requestPayload.data``) are shown, copied and
    written decoded unless ``decode_payloads`` is False.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="inspector.close"),
        Binding("q", "close", "Close", show=False, id="inspector.quit"),
        Binding("slash", "search", "Search", key_display="/", id="inspector.search"),
        Binding("n", "next_match", "Next", show=False, id="inspector.next_match"),
        Binding("N", "previous_match", "Prev", show=False, id="inspector.previous_match"),
        Binding("y", "copy", "Copy JSON", id="inspector.copy"),
        Binding("w", "write", "Write", id="inspector.write"),
        Binding("c", "copy_cli", "Copy CLI", id="inspector.copy_cli"),
    ]

    def __init__(
        self,
        title: str,
        value: object,
        cli_command: str | None = None,
        *,
        export_dir: Path | None = None,
        decode_payloads: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = decode_json_payloads(value) if decode_payloads else value
        self.cli_command = cli_command
        self.export_dir = export_dir
        self.work = Work(self, group="inspector-write")

    def compose(self) -> ComposeResult:
        yield Static(safe_text(self.title_text), id="inspector-title")
        yield JsonView(self.value, id="inspector-view")
        yield Static("", id="inspector-status")
        yield Input(placeholder="search (enter: done, escape: clear)", id="inspector-search")
        yield HintLine()

    @property
    def view(self) -> JsonView:
        """The JSON view this screen shows."""
        return self.query_one("#inspector-view", JsonView)

    def on_mount(self) -> None:
        self.view.focus()
        self._show_summary()

    def _status(self, text: str) -> None:
        self.query_one("#inspector-status", Static).update(safe_text(text))

    def _show_summary(self) -> None:
        view = self.view
        size = human_size(len(view.text.encode("utf-8", errors="surrogatepass")))
        self._status(f"{len(view.lines):,} lines · {size}")

    # -- search ------------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search field (it keeps the previous query)."""
        self.add_class("-searching")
        self.query_one("#inspector-search", Input).focus()

    def _close_search(self, clear: bool) -> None:
        search = self.query_one("#inspector-search", Input)
        if clear:
            search.value = ""
            self.view.clear_search()
            self._show_summary()
        self.remove_class("-searching")
        self.view.focus()

    @on(Input.Changed, "#inspector-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if len(self.view.lines) <= INCREMENTAL_SEARCH_LINES:
            self.view.search(event.value)

    @on(Input.Submitted, "#inspector-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value != self.view.search_query or len(self.view.lines) > INCREMENTAL_SEARCH_LINES:
            self.view.search(event.value)
        self._close_search(clear=not event.value)

    @on(JsonView.SearchUpdated)
    def _search_updated(self, event: JsonView.SearchUpdated) -> None:
        if not event.query:
            self._show_summary()
            return
        query = visible(event.query)
        if event.count == 0:
            self._status(f"No match for “{query}”")
            return
        more = "+" if event.truncated else ""
        position = 0 if event.index is None else event.index + 1
        noun = "match" if event.count == 1 else "matches"
        self._status(f"{position:,} of {event.count:,}{more} {noun} for “{query}” · n/N")

    def action_next_match(self) -> None:
        """Jump to the next match."""
        if self.view.next_match() is None:
            self.notify("No search; press / to search", timeout=3)

    def action_previous_match(self) -> None:
        """Jump to the previous match."""
        if self.view.previous_match() is None:
            self.notify("No search; press / to search", timeout=3)

    # -- leaving -----------------------------------------------------------------------------

    def action_close(self) -> None:
        """Close the search field if it is open, otherwise the inspector."""
        if self.has_class("-searching"):
            self._close_search(clear=True)
        else:
            self.dismiss(None)

    # -- getting the item out ----------------------------------------------------------------

    def action_copy(self) -> None:
        """Copy the whole item as JSON to the system clipboard (OSC 52)."""
        copy_and_notify(self.app, self.view.text, "item JSON", multiline=True)

    def action_copy_cli(self) -> None:
        """Copy the AWS CLI command that reproduces the request behind this view."""
        if self.cli_command is None:
            self.notify(
                "No AWS CLI command is available for this view",
                severity="warning",
                timeout=5,
                markup=False,
            )
            return
        copy_and_notify(self.app, self.cli_command, "AWS CLI command")

    def _default_path(self) -> Path:
        remembered = inspector_memory(self.app).last_write_path
        if remembered is not None:
            return remembered
        folder = self.export_dir if self.export_dir is not None else Path.cwd()
        return folder / default_file_name(self.title_text)

    def action_write(self) -> None:
        """Ask for a path, then write the item's JSON there atomically."""
        prompt = PromptScreen(
            "Write JSON to a file",
            "Path (the file is replaced if it exists):",
            value=str(self._default_path()),
            validator=lambda value: validate_write_path(value, self.export_dir),
            paths=True,
        )
        self.app.push_screen(prompt, self._path_chosen)

    def _path_chosen(self, value: str | None) -> None:
        if value is None:
            return
        path = Path(value.strip()).expanduser().absolute()
        inspector_memory(self.app).last_write_path = path
        self._write(path, self.view.text)

    def _write(self, path: Path, text: str) -> None:
        export_dir = self.export_dir

        def write() -> str:
            try:
                if _is_export_dir(path.parent, export_dir):
                    make_private_dir(path.parent)
                written = write_atomic(path, text)
            except OSError as error:
                raise EventdeckError(f"Could not write {path}: {error.strerror or error}") from None
            return f"Wrote {human_size(written)} to {path}"

        self.work.run(
            write,
            lambda message: self._written(message, True),
            lambda error: self._written(error.message, False),
            key="write",
            pooled=False,
            exclusive=True,
        )

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def _written(self, message: str, ok: bool) -> None:
        self.notify(
            visible(message),
            title="Written" if ok else "Not written",
            severity="information" if ok else "error",
            timeout=6 if ok else 10,
            markup=False,
        )
