"""The compose base of panes 4 and 5: a batch list beside an entry editor, validated live, sent safely.

Both sends share one life: the form is validated by the service layer at every keystroke (each
error shown at its field), ``ctrl+s`` confirms what goes where and sends in a worker (the service
journals the batch in the outbox before the call and the results after it), per-entry results
stay beside each entry, and ``ctrl+r`` re-sends only the failed ones. The batch autosaves as a draft.
Subclasses say what an entry is (fields, validation, the service call). The pane owns and
composes the parts: the ``Batch`` model, the ``SendFlow``, the ``DraftKeeper``, the ``RawJson``
view, ``BatchFiles`` and ``Recovery``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import ContentSwitcher, OptionList, Static, TextArea
from textual.worker import Worker

from tui.services.outbox import Outbox
from tui.services.validation import FieldError
from tui.ui.panes.base import ErrorHandler, Pane, ResultHandler
from tui.ui.panes.compose.batch import (
    Batch,
    Entry,
    Result,
    result_failed,
    result_ok,
    result_unconfirmed,
)
from tui.ui.panes.compose.drafts import DraftKeeper
from tui.ui.panes.compose.files import BatchFiles
from tui.ui.panes.compose.host import Proceed
from tui.ui.panes.compose.raw import RawJson
from tui.ui.panes.compose.recovery import Recovery
from tui.ui.panes.compose.send import SendFlow
from tui.ui.safe_text import safe_text
from tui.ui.widgets.compose_form import ComposeForm, FieldSpec
from tui.ui.widgets.entry_list import EntryList, EntryRow
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.widgets.json_editor import JsonEditor
from tui.words import count

if TYPE_CHECKING:
    from tui.context import AppContext


class ComposePane(Pane):
    """A batch of entries to send with one AWS operation; subclasses describe the entries."""

    KIND: ClassVar[str] = ""  # outbox kind and cli_input operation ("partner-events", ...)
    OPERATION_NAME: ClassVar[str] = ""  # "PutPartnerEvents"
    NOUN: ClassVar[str] = "entry"
    MAX_ENTRIES: ClassVar[int] = 20
    # True when re-sending an unconfirmed entry may deliver it twice (no idempotency key).
    RESEND_MAY_DOUBLE: ClassVar[bool] = True
    ENTRY_FIELDS: ClassVar[list[FieldSpec]] = []
    HEADER_FIELDS: ClassVar[list[FieldSpec]] = []

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose.send"),
        # ctrl+ keys: they work from any field without typing into it.
        Binding("ctrl+r", "resend_failed", "Re-send failed", id="compose.resend_failed"),
        Binding("ctrl+n", "add", "Add", id="compose.add"),
        Binding("ctrl+t", "duplicate", "Duplicate", id="compose.duplicate"),
        Binding("x", "delete", "Delete", id="compose.delete", show=False),
        Binding("u", "undelete", "Undo delete", id="compose.undelete", show=False),
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
        self.batch_model = Batch(self.new_entry, self.MAX_ENTRIES)
        self.sends_in_flight = 0  # sends and re-sends running (the app asks before quitting)
        self._outbox: Outbox | None = None
        self.sender = SendFlow(self)
        self.drafts = DraftKeeper(self)
        self.raw = RawJson(self, self)
        self.files = BatchFiles(self, self.raw, self.drafts)
        self.recovery = Recovery(self, self.drafts)

    # -- the batch, read-only (tests and the app read these) -----------------------------------
    @property
    def header(self) -> Entry:
        return self.batch_model.header

    @property
    def entries(self) -> list[Entry]:
        return self.batch_model.entries

    @property
    def results(self) -> list[Result | None]:
        return self.batch_model.results

    @property
    def selected(self) -> int:
        return self.batch_model.selected

    @property
    def json_mode(self) -> bool:
        return self.raw.open

    # -- what subclasses provide -------------------------------------------------------------
    def new_entry(self) -> Entry:
        """A fresh entry form (override)."""
        return {}

    def validate(self) -> list[FieldError]:
        """Every problem of the batch and its header (override; from tui.services.validation)."""
        return []

    def entry_label(self, entry: Entry) -> str:
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

    def before_confirm(self, indexes: list[int], proceed: Proceed) -> None:
        """Call ``proceed(warning lines, danger)`` to confirm; a pane may check AWS first (override)."""
        proceed([], False)

    def launch_header(self, params: dict[str, str]) -> Entry:
        """Header fields from launch parameters (override)."""
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
        self.show_all()

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

    # -- lifecycle (Pane) --------------------------------------------------------------------
    def first_load(self) -> None:
        self.recovery.start()

    def reload(self) -> None:
        """Profile or region changed: keep the batch and any send in flight; look at the outbox."""
        if self.activated:
            self.recovery.check()

    def save_unsaved(self) -> None:
        self.drafts.save_unsaved()

    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        self.files.apply_launch(params)

    def run_unpooled(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None,
        *,
        group: str,
        description: str,
    ) -> Worker[Any]:
        """A worker outside the call pool, for work whose own calls each take a pool slot."""
        return self._run_job(fn, on_result, on_error, group=group, description=description)

    def refuse_read_only(self) -> bool:
        return self.sender.refuse_read_only()

    # -- state -> screen ---------------------------------------------------------------------
    def show_all(self) -> None:
        """Validate, then refresh the list, the editor of the selected entry and the status."""
        self.batch_model.errors = self.validate()
        self.show_list()
        self.show_selected()

    def show_list(self) -> None:
        rows = [
            EntryRow(self.entry_label(entry), *self.batch_model.row_state(i))
            for i, entry in enumerate(self.batch_model.entries)
        ]
        entry_list = self.query_one("#compose-list", EntryList)
        entry_list.set_rows(rows, self.batch_model.selected)
        entry_list.border_subtitle = f"{len(rows)}/{self.MAX_ENTRIES}"
        message, error = self.batch_model.status(self.NOUN, {s.name for s in self.HEADER_FIELDS})
        self.set_status(message, error=error)

    def show_selected(self) -> None:
        form = self.query_one("#compose-entry", ComposeForm)
        form.load(self.batch_model.entries[self.batch_model.selected])
        self._show_errors()
        if self.HEADER_FIELDS:
            self.query_one("#compose-header", ComposeForm).load(self.batch_model.header)
        self._show_result()

    def _show_errors(self) -> None:
        entry = self.query_one("#compose-entry", ComposeForm)
        entry.show_errors(self.batch_model.field_errors(self.batch_model.selected))
        if self.HEADER_FIELDS:
            header = self.query_one("#compose-header", ComposeForm)
            header.show_errors(self.batch_model.field_errors(None))

    def _show_result(self) -> None:
        result = self.batch_model.results[self.batch_model.selected]
        box = self.query_one("#compose-result", Static)
        title = f"{self.NOUN.title()} {self.batch_model.selected + 1} of {len(self.batch_model.entries)}"
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

    def changed(self) -> None:
        """Something in the batch changed: the draft is saved within a second."""
        self.drafts.changed()

    def set_batch(
        self, header: Entry, entries: list[Entry], results: list[Result | None] | None = None
    ) -> None:
        """Replace the whole batch (a draft, a file, the raw JSON, history)."""
        self.batch_model.replace(header, entries, results)
        self.show_all()
        self.changed()

    def _rearranged(self) -> None:
        self.show_all()
        self.changed()

    # -- edits -------------------------------------------------------------------------------
    def on_compose_form_edited(self, event: ComposeForm.Edited) -> None:
        event.stop()
        index = None if event.form.id == "compose-header" else self.batch_model.selected
        if self.batch_model.edit(index, event.field, event.value):
            self._show_result()  # a sent entry edited: a new entry now
        self.batch_model.errors = self.validate()
        self.show_list()
        self._show_errors()
        self.changed()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "compose-list" and self.batch_model.select(event.option_index):
            self.show_selected()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an entry: edit it (focus its first field)."""
        if event.option_list.id == "compose-list":
            self.focus_first_field()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "compose-raw":
            self.raw.edited()

    def focus_first_field(self) -> None:
        """Put the cursor in the first field of the selected entry (to type it)."""
        self.query_one("#compose-entry", ComposeForm).field_widget(
            self.ENTRY_FIELDS[0].name
        ).focus()

    # -- actions -----------------------------------------------------------------------------
    def action_send(self) -> None:
        """Validate, confirm what goes where, then send every entry not yet sent."""
        if self.raw.open and not self.raw.apply():
            return
        self.sender.send_unsent()

    def action_resend_failed(self) -> None:
        """Re-send the entries whose last send failed, and (after asking) the unconfirmed ones."""
        self.sender.resend()

    def _room(self) -> bool:
        if self.batch_model.full:
            self.set_status(
                f"A batch holds at most {count(self.MAX_ENTRIES, self.NOUN)}; use bulk import (f6) for more",
                error=True,
            )
            return False
        return True

    def action_add(self) -> None:
        """Add a new entry after the selected one."""
        if self._room():
            self.batch_model.add()
            self._rearranged()
            if not isinstance(self.app.focused, EntryList):
                self.focus_first_field()  # typing on: the new entry, from its first field

    def action_duplicate(self) -> None:
        """Copy the selected entry (without its result or generated id) after it."""
        if self._room():
            self.batch_model.duplicate()
            self._rearranged()

    def action_delete(self) -> None:
        """Delete the selected entry (the last one is emptied instead)."""
        if self.batch_model.selected in self.batch_model.sending:
            self.set_status("That entry is being sent; wait for its result", error=True)
            return
        at = self.batch_model.selected
        kept = self.batch_model.delete()
        self._rearranged()
        if kept:
            self.set_status(f"Deleted {self.NOUN} {at + 1}: u puts it back")

    def action_undelete(self) -> None:
        """Put the last deleted entry back where it stood."""
        if not self.batch_model.deleted:
            self.set_status(f"No deleted {self.NOUN} to put back")
            return
        at = self.batch_model.undelete()
        if at is None:
            self._room()  # full: says so, and how to send more
            return
        self._rearranged()
        self.set_status(f"{self.NOUN.capitalize()} {at + 1} put back")

    def action_move(self, delta: int) -> None:
        """Move the selected entry up or down the batch."""
        if self.batch_model.move(delta):
            self._rearranged()

    def action_new_batch(self) -> None:
        """Start an empty batch (the current one is in the history if it was sent)."""
        if self.batch_model.sending:
            self.set_status("A send is in flight; start a new batch once it is back", error=True)
            return

        def start() -> None:
            self.batch_model.start_new()
            self._rearranged()

        # Unsent work is not dropped by one key: asked first, as loading a file over it is.
        self.files.confirm_replace("a new, empty batch", start)

    def action_focus_list(self) -> None:
        self.query_one("#compose-list", EntryList).focus()

    def action_toggle_json(self) -> None:
        """Switch the whole batch between the form and its ``--cli-input-json`` JSON, both ways."""
        self.raw.toggle()

    def action_skeleton(self) -> None:
        """Fill the JSON view with the operation's input skeleton (like --generate-cli-skeleton)."""
        self.files.skeleton()

    def action_load_file(self) -> None:
        """Load a batch from a ``--cli-input-json`` file (or a JSON list of entries)."""
        self.files.load_file()

    def action_history(self) -> None:
        """Browse sent batches, newest first; one can be opened as a new draft."""
        self.files.history()

    def action_bulk_import(self) -> None:
        """Send a JSON Lines file of any length as consecutive full batches, with progress."""
        self.files.bulk_import()
