"""The compose base of panes 4 and 5: a batch list beside an entry editor, validated live, sent safely.

Both sends share one life: the form is validated by the service layer at every keystroke (each
error shown at its field), ``ctrl+s`` confirms what goes where and sends in a worker (the service
journals the batch in the outbox before the call and the results after it), per-entry results
stay beside each entry, and ``ctrl+r`` re-sends only the failed ones. The batch autosaves as a draft.
Subclasses say what an entry is (fields, validation, the service call); the side flows (raw
JSON, files, history, recovery, bulk import) live in ``ComposeFlows``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widgets import ContentSwitcher, OptionList, Static

from tui.errors import EventdeckError
from tui.services.outbox import Outbox
from tui.services.validation import FieldError
from tui.ui.panes.base import Pane
from tui.ui.safe_text import safe_text
from tui.ui.widgets.compose_flows import ComposeFlows
from tui.ui.widgets.compose_form import ComposeForm, FieldSpec, field_of
from tui.ui.widgets.compose_send import (
    ComposeSending,
    Result,
    result_failed,
    result_ok,
    result_unconfirmed,
)
from tui.ui.widgets.entry_list import EntryList, EntryRow
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.widgets.json_editor import JsonEditor
from tui.words import count

if TYPE_CHECKING:
    from tui.context import AppContext

AUTOSAVE_SECONDS = 1.0


class ComposePane(ComposeSending, ComposeFlows, Pane):
    """A batch of entries to send with one AWS operation; subclasses describe the entries."""

    KIND: ClassVar[str] = ""  # outbox kind and cli_input operation ("partner-events", ...)
    OPERATION_NAME: ClassVar[str] = ""  # "PutPartnerEvents"
    NOUN: ClassVar[str] = "entry"
    MAX_ENTRIES: ClassVar[int] = 20
    ENTRY_FIELDS: ClassVar[list[FieldSpec]] = []
    HEADER_FIELDS: ClassVar[list[FieldSpec]] = []

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose.send"),
        # ctrl+ keys: they work from any field without typing into it.
        Binding("ctrl+r", "resend_failed", "Re-send failed", id="compose.resend_failed"),
        Binding("ctrl+n", "add", "Add", id="compose.add"),
        Binding("ctrl+t", "duplicate", "Duplicate", id="compose.duplicate"),
        Binding("x", "delete", "Delete", id="compose.delete", show=False),
        Binding("alt+up,K", "move(-1)", "Move up", id="compose.move_up", show=False),
        Binding("alt+down,J", "move(1)", "Move down", id="compose.move_down", show=False),
        Binding("f2", "toggle_json", "Form/JSON", id="compose.toggle_json"),
        Binding("ctrl+g", "skeleton", "Skeleton", id="compose.skeleton", show=False),
        Binding("ctrl+o", "load_file", "Load file", id="compose.load_file", show=False),
        Binding("f6", "bulk_import", "Bulk import", id="compose.bulk_import", show=False),
        Binding("f7", "history", "History", id="compose.history", show=False),
        Binding("N", "new_batch", "New batch", id="compose.new_batch", show=False),
        # priority: a multi-line field would take escape to move to the next field instead.
        Binding(
            "escape", "focus_list", "Entries", id="compose.focus_list", show=False, priority=True
        ),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.header: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = [self.new_entry()]
        self.results: list[Result | None] = [None]
        self.selected = 0
        self.errors: list[FieldError] = []
        self.sends_in_flight = 0
        self.json_mode = False
        self._outbox: Outbox | None = None
        self._save_timer: Timer | None = None
        # Draft writes run in file workers; the lock and counters keep an older draft from
        # landing after a newer one.
        self._draft_lock = threading.Lock()
        self._draft_taken = 0
        self._draft_written = 0
        self._draft_failing = False
        self._sending: set[int] = set()
        self._draft_loaded = False
        # "X is required" under a field nobody has typed in yet is noise; it shows once the field
        # was edited or a send was tried. Every other error shows as soon as it exists.
        self._touched: set[tuple[int | None, str]] = set()
        self._send_attempted = False

    # -- what subclasses provide -------------------------------------------------------------
    def new_entry(self) -> dict[str, Any]:
        """A fresh entry form (override)."""
        return {}

    def validate(self) -> list[FieldError]:
        """Every problem of the batch and its header (override; from tui.services.validation)."""
        return []

    def entry_label(self, entry: dict[str, Any]) -> str:
        """The short label of an entry in the list (override)."""
        return ""

    def payload_size(self, indexes: list[int]) -> int:
        """Bytes that the selected entries weigh in the request (override)."""
        return 0

    def summary_lines(self) -> list[str]:
        """Extra lines for the send confirmation (override)."""
        return []

    def make_send(self, indexes: list[int]) -> Callable[[], list[Result]]:
        """A worker function sending ``indexes`` and returning one result per index (override)."""
        raise NotImplementedError

    def after_sent(self, indexes: list[int]) -> None:
        """Remember what is worth remembering after a send came back (override)."""

    def suggesters(self) -> dict[str, Suggester]:
        """Completion for fields from remembered values (override)."""
        return {}

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="compose-body"):
            yield EntryList(id="compose-list")
            with ContentSwitcher(initial="compose-form-view", id="compose-switcher"):
                # Not focusable itself: tab goes from the list straight to the first field.
                with VerticalScroll(id="compose-form-view", can_focus=False):
                    if self.HEADER_FIELDS:
                        yield ComposeForm(
                            self.HEADER_FIELDS, prefix="header", id="compose-header",
                            suggesters=self.suggesters(),
                        )  # fmt: skip
                    yield Static("", id="compose-result")
                    yield ComposeForm(
                        self.ENTRY_FIELDS, prefix="entry", id="compose-entry",
                        suggesters=self.suggesters(),
                    )  # fmt: skip
                with Vertical(id="compose-json-view"):
                    yield JsonEditor("", id="compose-raw")
                    yield FieldErrorLabel("raw", id="compose-raw-error")
        yield Static("", id="compose-status")

    def on_mount(self) -> None:
        self.query_one("#compose-list", EntryList).border_title = f"{self.NOUN.title()} list"
        self._show_all()

    def on_unmount(self) -> None:
        """Quitting keeps the draft: save it now, synchronously (the app is going away)."""
        self.save_unsaved()

    def hidden_hints(self) -> set[str]:
        """Actions the hint line leaves out: in a --read-only session the send keys only refuse."""
        return {"send", "resend_failed", "bulk_import"} if self.ctx.options.read_only else set()

    def focus_default(self) -> None:
        self.query_one("#compose-list", EntryList).focus()

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(self.ctx.outbox_root)
        return self._outbox

    # -- state -> screen ---------------------------------------------------------------------
    def _show_all(self) -> None:
        """Validate, then refresh the list, the editor of the selected entry and the status."""
        self.errors = self.validate()
        self._show_list()
        self._show_selected()

    def _field_errors(self, index: int | None) -> dict[str, str]:
        """The errors to show at the fields of entry ``index`` (None: the header)."""
        values = self.header if index is None else self.entries[index]
        return {
            name: message
            for name, message in self._entry_errors(index).items()
            if self._send_attempted
            or (index, name) in self._touched
            or str(values.get(name) or "").strip()
        }

    def _entry_errors(self, index: int | None) -> dict[str, str]:
        found: dict[str, str] = {}
        for error in self.errors:
            if error.entry == index:
                name = field_of(error.field)
                found[name] = f"{found[name]}; {error.message}" if name in found else error.message
        return found

    def _show_list(self) -> None:
        rows = []
        for i, entry in enumerate(self.entries):
            result = self.results[i]
            if i in self._sending:
                rows.append(EntryRow(self.entry_label(entry), "sending", "sending…"))
            elif result_failed(result):
                text = f"{result.get('ErrorCode')}: {result.get('ErrorMessage') or ''}"  # type: ignore[union-attr]
                rows.append(EntryRow(self.entry_label(entry), "failed", text))
            elif result_unconfirmed(result):
                rows.append(EntryRow(self.entry_label(entry), "unconfirmed", "unconfirmed"))
            elif result_ok(result):
                rows.append(EntryRow(self.entry_label(entry), "sent", f"{result['EventId']}"))  # type: ignore[index]
            elif self._entry_errors(i):
                rows.append(EntryRow(self.entry_label(entry), "invalid"))
            else:
                rows.append(EntryRow(self.entry_label(entry), "new"))
        entry_list = self.query_one("#compose-list", EntryList)
        entry_list.set_rows(rows, self.selected)
        entry_list.border_subtitle = f"{len(self.entries)}/{self.MAX_ENTRIES}"
        batch = [e.message for e in self.errors if e.entry is None and field_of(e.field) not in {
            s.name for s in self.HEADER_FIELDS}]  # fmt: skip
        invalid = sum(1 for i in range(len(self.entries)) if self._entry_errors(i))
        if batch:
            self.set_status("; ".join(batch), error=True)
        elif invalid:
            self.set_status(
                f"{count(invalid, self.NOUN)} {'needs' if invalid == 1 else 'need'} fixing "
                "before ctrl+s can send",
                error=True,
            )
        elif self._unsent_count():
            self.set_status(f"Ready: ctrl+s sends {count(self._unsent_count(), self.NOUN)}")
        elif any(result_unconfirmed(r) for r in self.results):
            unconfirmed = sum(1 for r in self.results if result_unconfirmed(r))
            self.set_status(
                f"{count(unconfirmed, self.NOUN)} unconfirmed (sent, no answer came back); "
                "ctrl+r re-sends them after asking",
                error=True,
            )
        else:
            self.set_status(f"Every {self.NOUN} of this batch was sent; N starts a new batch")

    def _show_selected(self) -> None:
        form = self.query_one("#compose-entry", ComposeForm)
        form.load(self.entries[self.selected])
        form.show_errors(self._field_errors(self.selected))
        if self.HEADER_FIELDS:
            header = self.query_one("#compose-header", ComposeForm)
            header.load(self.header)
            header.show_errors(self._field_errors(None))
        self._show_result()

    def _show_result(self) -> None:
        result = self.results[self.selected]
        box = self.query_one("#compose-result", Static)
        title = f"{self.NOUN.title()} {self.selected + 1} of {len(self.entries)}"
        box.set_class(result_ok(result), "-sent")
        box.set_class(result_failed(result), "-failed")
        box.set_class(result_unconfirmed(result), "-unconfirmed")
        if result_ok(result):
            box.update(safe_text(f"{title} · sent · EventId {result['EventId']}"))  # type: ignore[index]
        elif result_failed(result):
            assert result is not None
            message = f"{result['ErrorCode']}: {result.get('ErrorMessage') or ''}"
            box.update(safe_text(f"{title} · FAILED · {message} (ctrl+r re-sends failed)"))
        elif result_unconfirmed(result):
            assert result is not None
            message = str(result.get("ErrorMessage") or "no answer came back")
            box.update(
                safe_text(f"{title} · UNCONFIRMED · {message} (ctrl+r re-sends after asking)")
            )
        else:
            box.update(safe_text(title))

    def set_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#compose-status", Static)
        status.update(safe_text(message))
        status.set_class(error, "-error")

    def _unsent_count(self) -> int:
        return sum(1 for r in self.results if not result_ok(r) and not result_unconfirmed(r))

    # -- edits -------------------------------------------------------------------------------
    def on_compose_form_edited(self, event: ComposeForm.Edited) -> None:
        event.stop()
        if event.form.id == "compose-header":
            self.header[event.field] = event.value
            self._touched.add((None, event.field))
        else:
            self.entries[self.selected][event.field] = event.value
            self._touched.add((self.selected, event.field))
            result = self.results[self.selected]
            if (result_ok(result) or result_unconfirmed(result)) and (
                self.selected not in self._sending
            ):
                self.results[self.selected] = None  # a sent entry edited: a new entry now
                self._show_result()
        self.errors = self.validate()
        self._show_list()
        self.query_one("#compose-entry", ComposeForm).show_errors(self._field_errors(self.selected))
        if self.HEADER_FIELDS:
            self.query_one("#compose-header", ComposeForm).show_errors(self._field_errors(None))
        self.changed()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "compose-list" or event.option_index == self.selected:
            return
        if 0 <= event.option_index < len(self.entries):
            self.selected = event.option_index
            self._show_selected()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an entry: edit it (focus its first field)."""
        if event.option_list.id == "compose-list":
            self.focus_first_field()

    def focus_first_field(self) -> None:
        """Put the cursor in the first field of the selected entry (to type it)."""
        self.query_one("#compose-entry", ComposeForm).field_widget(
            self.ENTRY_FIELDS[0].name
        ).focus()

    def changed(self) -> None:
        """Something in the batch changed: save the draft within a second, even while typing on.

        A throttle, not a debounce: the timer is not restarted by later changes, so steady typing
        followed by a kill -9 loses at most the last second (a debounce saved nothing at all).
        """
        if self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_draft_now)

    def save_draft_now(self) -> None:
        """Write the draft as it is now, in a file worker (writes land in the order taken)."""
        self._save_timer = None
        if not self._draft_loaded:  # never write over the saved draft before it was read
            self.changed()
            return
        self._draft_taken += 1
        taken, draft, outbox = self._draft_taken, self.draft(), self.outbox

        def write() -> None:
            with self._draft_lock:
                if taken < self._draft_written:
                    return  # a newer draft is already on disk
                outbox.save_draft(self.KIND, draft)
                self._draft_written = taken

        self.run_file_job(write, self._draft_saved, self._draft_not_saved)

    def _draft_saved(self, _result: None) -> None:
        if self._draft_failing:
            self._draft_failing = False
            self.set_status("Draft saved again")

    def _draft_not_saved(self, err: EventdeckError) -> None:
        """Say that the draft was not saved (not an "AWS call failed"); the batch stays on screen."""
        self.set_status(err.message, error=True)
        if not self._draft_failing:  # once per failing spell, not once a second
            self.app.notify(str(err), title="Draft not saved", severity="error", markup=False)
        self._draft_failing = True

    def save_unsaved(self) -> None:
        """Write the draft now, on this thread (the app is stopping: quit, SIGHUP, SIGTERM)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self._draft_loaded:
            return
        with contextlib.suppress(EventdeckError), self._draft_lock:
            self.outbox.save_draft(self.KIND, self.draft())
            self._draft_taken += 1
            self._draft_written = self._draft_taken

    def draft(self) -> dict[str, Any]:
        """The whole pane state as the outbox keeps it (entries, header, results, selection)."""
        return json.loads(json.dumps({
            "header": self.header, "entries": self.entries, "results": self.results,
            "selected": self.selected,
        }))  # fmt: skip

    def set_batch(
        self,
        header: dict[str, Any],
        entries: list[dict[str, Any]],
        results: list[Result | None] | None = None,
    ) -> None:
        """Replace the whole batch (a draft, a file, the raw JSON, history)."""
        self.header = dict(header)
        self.entries = [dict(e) for e in entries] or [self.new_entry()]
        given = list(results or [])
        self.results = [given[i] if i < len(given) else None for i in range(len(self.entries))]
        self.selected = min(self.selected, len(self.entries) - 1)
        self._show_all()
        self.changed()

    def _edit_list(
        self, entries: list[dict[str, Any]], results: list[Result | None], selected: int
    ) -> None:
        self.entries, self.results = entries, results
        self.selected = max(0, min(selected, len(entries) - 1))
        self._show_all()
        self.changed()

    # -- list actions ------------------------------------------------------------------------
    def _room(self) -> bool:
        if len(self.entries) >= self.MAX_ENTRIES:
            self.set_status(
                f"A batch holds at most {count(self.MAX_ENTRIES, self.NOUN)}; use bulk import (f6) for more",
                error=True,
            )
            return False
        return True

    def action_add(self) -> None:
        """Add a new entry after the selected one."""
        if self._room():
            at = self.selected + 1
            self._edit_list(
                [*self.entries[:at], self.new_entry(), *self.entries[at:]],
                [*self.results[:at], None, *self.results[at:]], at,
            )  # fmt: skip
            if not isinstance(self.app.focused, EntryList):
                self.focus_first_field()  # typing on: the new entry, from its first field

    def action_duplicate(self) -> None:
        """Copy the selected entry (without its result or generated id) after it."""
        if self._room():
            at = self.selected + 1
            copy = {k: v for k, v in self.entries[self.selected].items() if k != "eventId"}
            self._edit_list(
                [*self.entries[:at], copy, *self.entries[at:]],
                [*self.results[:at], None, *self.results[at:]], at,
            )  # fmt: skip

    def action_delete(self) -> None:
        """Delete the selected entry (the last one is emptied instead)."""
        if self.selected in self._sending:
            self.set_status("That entry is being sent; wait for its result", error=True)
            return
        if len(self.entries) == 1:
            self._edit_list([self.new_entry()], [None], 0)
            return
        at = self.selected
        self._edit_list(
            self.entries[:at] + self.entries[at + 1 :],
            self.results[:at] + self.results[at + 1 :],
            at,
        )

    def action_move(self, delta: int) -> None:
        """Move the selected entry up or down the batch."""
        at, to = self.selected, self.selected + delta
        if self._sending or not 0 <= to < len(self.entries):
            return
        entries, results = list(self.entries), list(self.results)
        entries[at], entries[to] = entries[to], entries[at]
        results[at], results[to] = results[to], results[at]
        self._edit_list(entries, results, to)

    def action_new_batch(self) -> None:
        """Start an empty batch (the current one is in the history if it was sent)."""
        if self._sending:
            return
        self.selected = 0
        self._touched.clear()
        self._send_attempted = False
        self.set_batch(self.header, [self.new_entry()])

    def action_focus_list(self) -> None:
        self.query_one("#compose-list", EntryList).focus()

    def reload(self) -> None:
        """Profile or region changed: keep the batch and any send in flight; look at the outbox."""
        if self.activated:
            self.check_outbox()
