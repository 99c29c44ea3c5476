"""The side flows of a compose pane: raw JSON, skeleton, files, history, crash recovery, bulk import.

Why: these move whole batches in and out of the form; keeping them apart from the editing and
sending core keeps each file readable. This is a mixin for ``ComposePane`` (it uses the pane's
state and its ``call_aws`` / ``run_file_job``); every file and outbox access runs off the UI thread.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from textual.widgets import ContentSwitcher, TextArea

from tui.errors import EventdeckError, InputError
from tui.services import cli_input
from tui.services.bulk import BulkSender, BulkTally
from tui.services.bulk_jobs import discard_import, mark_unconfirmed
from tui.services.outbox import BatchRecord, service_of
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.widgets.json_editor import JsonEditor
from tui.words import count, plural

if TYPE_CHECKING:
    from tui.ui.panes.compose import ComposePane  # noqa: F401 - the class this mixes into


StartState = tuple[dict[str, Any] | None, list[BatchRecord], list[dict[str, Any]], list[str]]


def _parse_inline_or_file(value: str, kind: str) -> dict[str, Any]:
    """A launch parameter: ``file://path`` (or a path) loaded and shape-checked, or inline JSON."""
    text = value.strip()
    if text[:1] in ("[", "{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"the inline JSON is not valid: {exc.msg} (column {exc.colno})"
            ) from None
        if isinstance(document, list):
            document = {"Entries" if kind == cli_input.PARTNER else "eventList": document}
        return cli_input.check_request_shape(document, kind, "the inline JSON")
    return cli_input.load_request_file(text, kind)


class ComposeFlows:
    """Batch-level flows shared by the Partner and Personalize panes (mixed into ComposePane)."""

    # Provided by ComposePane / Pane (declared for readers and type checkers).
    KIND: ClassVar[str]
    NOUN: ClassVar[str]
    PANE_ID: ClassVar[str]
    header: dict[str, Any]
    entries: list[dict[str, Any]]
    results: list[Any]
    selected: int
    json_mode: bool
    sends_in_flight: int
    _draft_loaded: bool
    _sending: set[int]
    _launched: bool = False
    ctx: Any
    app: Any
    outbox: Any
    query_one: Any
    run_file_job: Any
    call_aws: Any
    _run_job: Any
    set_status: Any
    set_batch: Any
    new_entry: Any
    _refuse_read_only: Any

    # -- start: draft and outbox -------------------------------------------------------------
    def first_load(self) -> None:
        """Bring back the autosaved draft, then offer any batch a crash left unanswered."""
        outbox = self.outbox
        kind = self.KIND

        def read() -> StartState:
            pending = [r for r in outbox.pending() if r.kind == kind]
            jobs = [job for job in outbox.unfinished_jobs() if job.get("kind") == kind]
            draft = outbox.load_draft(kind)
            return draft, pending, jobs, list(outbox.warnings)

        self.run_file_job(read, self._start_state_read, self._start_state_failed)

    def _start_state_read(self, state: StartState) -> None:
        draft, pending, jobs, warnings = state
        if draft and not self._launched:
            entries = [e for e in draft.get("entries") or [] if isinstance(e, dict)]
            results = draft.get("results") or []
            self.selected = int(draft.get("selected") or 0) if entries else 0
            self.set_batch(draft.get("header") or {}, entries, results)
        self._draft_loaded = True
        for warning in warnings:
            self.app.notify(warning, title="Outbox", severity="warning", markup=False)
        if jobs:
            # An import cut off by a crash: resuming re-sends its pending batches too.
            self._offer_resume(jobs[0])
        elif pending:
            self._offer_recovery(pending)

    def _offer_resume(self, job: dict[str, Any]) -> None:
        from tui.ui.screens.bulk_import import BulkImportScreen
        from tui.ui.screens.confirm import ConfirmScreen
        from tui.ui.screens.resume_import import ResumeImportScreen

        recorded = job.get("destination") or {}
        if not self.ctx.same_destination(recorded, service_of(self.KIND)):
            now = self.ctx.describe_destination(self.ctx.destination(service_of(self.KIND)))
            self.app.push_screen(
                ConfirmScreen(
                    "Interrupted import for another destination",
                    [
                        f"File: {job.get('source')}",
                        f"It was sending to {self.ctx.describe_destination(recorded)}.",
                        f"eventdeck now sends to {now}: it is not resumed here.",
                        "It is kept; start eventdeck with its profile, region and endpoint "
                        "to resume it.",
                    ],
                    confirm_label="OK",
                ),
                lambda _ok: self.set_status("Interrupted import kept for its own destination"),
            )
            return
        batches = self.outbox.job_batches(str(job.get("id")))
        outbox = self.outbox

        def chosen(choice: str | None) -> None:
            if choice in ("resume", "resume-resend"):
                if self._refuse_read_only():
                    return
                header = {k: str(v) for k, v in self.header.items() if v}
                self.app.push_screen(
                    BulkImportScreen(
                        self.ctx, self.outbox, self.KIND, header, resume_job=job,
                        resend_unconfirmed=choice == "resume-resend",
                    )
                )  # fmt: skip
            elif choice == "discard":
                self.run_file_job(
                    lambda: discard_import(outbox, str(job.get("id"))),
                    lambda n: self.set_status(
                        f"Import discarded; {count(n, 'cut-off ' + self.NOUN)} kept as unconfirmed. "
                        "Importing the file again skips what was delivered."
                    ),
                )
            else:
                self.set_status("Interrupted import kept; it is offered again at next start")

        self.app.push_screen(ResumeImportScreen(job, batches), chosen)

    def _start_state_failed(self, err: EventdeckError) -> None:
        self._draft_loaded = True
        self.set_status(f"Could not read the outbox: {err.message}", error=True)

    def check_outbox(self) -> None:
        """Look for pending batches again (after a profile or region switch)."""
        kind = self.KIND
        outbox = self.outbox
        self.run_file_job(
            lambda: [r for r in outbox.pending() if r.kind == kind],
            lambda pending: (
                self._offer_recovery(pending)
                if any(self._sendable(r) for r in pending) and not self._sending
                else None
            ),
        )

    def _sendable(self, record: BatchRecord) -> bool:
        """True when ``record`` was journaled for where this pane's calls go now."""
        return bool(self.ctx.same_destination(record.context, service_of(self.KIND)))

    def _offer_recovery(self, pending: list[BatchRecord]) -> None:
        """List every pending batch; those journaled for another destination are held, not sent."""
        from tui.ui.screens.outbox_recovery import OutboxRecoveryScreen

        held = {
            r.id: self.ctx.describe_destination(r.context) for r in pending if not self._sendable(r)
        }
        now = self.ctx.describe_destination(self.ctx.destination(service_of(self.KIND)))
        self.app.push_screen(
            OutboxRecoveryScreen(pending, self.NOUN, held=held, current=now),
            self._recovery_chosen,
        )

    def _recovery_chosen(self, choice: tuple[str, list[BatchRecord]] | None) -> None:
        if not choice:
            self.set_status(
                "Pending batches kept in the outbox; they are offered again at next start"
            )
            return
        action, records = choice
        if action == "discard":
            outbox = self.outbox
            # Not re-sent, not forgotten: the journal keeps them as unconfirmed.
            self.run_file_job(
                lambda: mark_unconfirmed(outbox, records),
                lambda n: self.set_status(
                    f"Not re-sent: {count(n, self.NOUN)} kept in the history as unconfirmed"
                ),
            )
            return
        if self._refuse_read_only():
            return
        # Never elsewhere: only batches journaled for the current destination are re-sent.
        records = [r for r in records if self._sendable(r)]
        if not records:
            self.set_status("No pending batch is for the current profile, region and endpoint")
            return
        sender = BulkSender(self.ctx.factory, self.KIND, outbox=self.outbox, workers=2)
        self.sends_in_flight += 1
        self.set_status(f"Re-sending {count(len(records), 'pending batch')}…")
        # The sending path takes its own CallPool slot per batch: this job must not hold one.
        self._run_job(
            lambda: sender.send_records(records),
            self._recovered,
            self._recover_failed,
            group=f"send-{self.PANE_ID}",
            description=f"re-send {len(records)} pending",
        )

    def _recovered(self, tally: BulkTally) -> None:
        self.sends_in_flight -= 1
        text = (
            f"Re-sent {count(tally.batches, 'pending batch')}: {tally.sent} sent, {tally.failed} failed, "
            f"{tally.unconfirmed} unconfirmed"
        )
        bad = bool(tally.failed or tally.unconfirmed)
        self.set_status(text, error=bad)
        self.app.notify(text, title="Outbox", severity="error" if bad else "information")

    def _recover_failed(self, err: EventdeckError) -> None:
        self.sends_in_flight -= 1
        self.set_status(f"Re-send failed: {err.message}; the batches stay pending", error=True)

    # -- replacing the batch -----------------------------------------------------------------
    def _dirty(self) -> bool:
        """True when the batch holds something typed and not yet sent."""
        from tui.ui.panes.compose import result_ok

        blank = self.new_entry()
        return any(
            not result_ok(self.results[i])
            and {k: v for k, v in e.items() if k != "sentAt" and k != "Time"}
            != {k: v for k, v in blank.items() if k != "sentAt" and k != "Time"}
            for i, e in enumerate(self.entries)
        )

    def replace_batch(self, request: dict[str, Any], what: str) -> None:
        """Load a ``--cli-input-json`` request as the batch, asking first if that drops unsent work."""
        header, forms = cli_input.request_to_forms(request, self.KIND)

        def apply() -> None:
            self.selected = 0
            self.set_batch({**self.header, **header}, forms)
            self._show_raw_if_open()
            self.set_status(f"Loaded {count(len(forms), self.NOUN)} from {what}")

        self._confirm_replace(what, apply)

    def _confirm_replace(self, what: str, apply: Any) -> None:
        """Run ``apply`` (which replaces the batch) now, or after a yes if unsent work would go."""
        if not self._dirty():
            apply()
            return
        from tui.ui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(
                "Replace the current batch?",
                [
                    f"The current batch has unsent {plural(self.NOUN)}.",
                    f"Loading {what} replaces them.",
                ],
                confirm_label="Replace",
                danger=True,
            ),
            lambda ok: apply() if ok else None,
        )

    def _show_raw_if_open(self) -> None:
        """The JSON view, when open, shows the batch just loaded (not what it showed before)."""
        if self.json_mode:
            self._enter_json(self.raw_text())

    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        """Open pre-filled from AWS CLI words (``--entries file://…``, ``--cli-input-json …``)."""
        self._launched = True
        header = self.launch_header(params)
        source = params.get("cli-input-json") or params.get("entries") or params.get("event-list")
        if not source:
            if header:
                self.set_batch({**self.header, **header}, self.entries)
            return
        kind = self.KIND

        def loaded(request: dict[str, Any]) -> None:
            self._draft_loaded = True
            header_in, forms = cli_input.request_to_forms(request, kind)
            self.selected = 0
            self.set_batch({**header_in, **header}, forms)
            self._show_raw_if_open()
            self.set_status(f"Loaded {count(len(forms), self.NOUN)} from the command line")

        self.run_file_job(lambda: _parse_inline_or_file(source, kind), loaded, self._file_error)

    def launch_header(self, params: dict[str, str]) -> dict[str, Any]:
        """Header fields from launch parameters (override)."""
        return {}

    def _file_error(self, err: EventdeckError) -> None:
        text = f"{err.message}" + (f" — {err.hint}" if err.hint else "")
        self.set_status(text, error=True)
        self.app.notify(text, title="Cannot load", severity="error", markup=False)

    # -- raw JSON ----------------------------------------------------------------------------
    def raw_text(self) -> str:
        request = cli_input.forms_to_request(self.header, self.entries, self.KIND)
        return json.dumps(request, indent=2, ensure_ascii=False)

    def action_toggle_json(self) -> None:
        """Switch the whole batch between the form and its ``--cli-input-json`` JSON, both ways."""
        switcher = self.query_one("#compose-switcher", ContentSwitcher)
        if not self.json_mode:
            self._enter_json(self.raw_text())
            return
        if self.apply_raw():
            self.json_mode = False
            switcher.current = "compose-form-view"
            self.query_one("#compose-list").focus()

    def _enter_json(self, text: str) -> None:
        raw = self.query_one("#compose-raw", JsonEditor)
        raw.load_text(text)
        self.json_mode = True
        self.query_one("#compose-switcher", ContentSwitcher).current = "compose-json-view"
        raw.focus()
        self.set_status("Raw --cli-input-json of the batch: f2 goes back to the form")

    def _parse_raw(self) -> tuple[dict[str, Any] | None, str]:
        text = self.query_one("#compose-raw", JsonEditor).text
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        try:
            return cli_input.check_request_shape(document, self.KIND, "the JSON"), ""
        except InputError as err:
            return None, err.message

    def apply_raw(self) -> bool:
        """Take the raw JSON back into the form; False (error shown at the editor) if it cannot."""
        request, problem = self._parse_raw()
        label = self.query_one("#compose-raw-error", FieldErrorLabel)
        label.show_message(problem)
        self.query_one("#compose-raw", JsonEditor).set_class(bool(problem), "-invalid")
        if request is None:
            self.set_status(f"The JSON cannot go back to the form: {problem}", error=True)
            return False
        header, forms = cli_input.request_to_forms(request, self.KIND)
        old = list(zip(self.entries, self.results, strict=True))
        results = [
            old[i][1] if i < len(old) and old[i][0] == f else None for i, f in enumerate(forms)
        ]
        self.header = {}
        self.set_batch(header, forms, results)
        return True

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id != "compose-raw" or not self.json_mode:
            return
        _, problem = self._parse_raw()
        self.query_one("#compose-raw-error", FieldErrorLabel).show_message(problem)
        event.text_area.set_class(bool(problem), "-invalid")

    def action_skeleton(self) -> None:
        """Fill the JSON view with the operation's input skeleton (like --generate-cli-skeleton).

        Asks first when the batch holds unsent work: the skeleton replaces it once taken back.
        """

        def apply() -> None:
            self._enter_json(json.dumps(cli_input.skeleton(self.KIND), indent=2))
            self.set_status(
                "Skeleton: fill it in, then f2 takes it into the form (replacing the batch)"
            )

        self._confirm_replace("a skeleton", apply)

    # -- files and history -------------------------------------------------------------------
    def action_load_file(self) -> None:
        """Load a batch from a ``--cli-input-json`` file (or a JSON list of entries)."""
        from tui.ui.screens.prompt import PromptScreen

        def chosen(path: str | None) -> None:
            if path:
                kind = self.KIND
                self.run_file_job(
                    lambda: cli_input.load_request_file(path, kind),
                    lambda request: self.replace_batch(request, path),
                    self._file_error,
                )

        self.app.push_screen(
            PromptScreen(
                "Load a batch",
                "Path of a --cli-input-json file",
                placeholder="batch.json",
                paths=True,
            ),
            chosen,
        )

    def action_history(self) -> None:
        """Browse sent batches, newest first; one can be opened as a new draft."""
        from tui.ui.screens.history import HistoryScreen

        outbox, kind = self.outbox, self.KIND

        def opened(record: BatchRecord | None) -> None:
            if record is not None:
                self.replace_batch(record.request, f"the batch of {record.created_at}")

        self.run_file_job(
            lambda: [r for r in outbox.history(limit=500) if r.kind == kind],
            lambda records: self.app.push_screen(HistoryScreen(records, self.NOUN), opened),
        )

    def action_bulk_import(self) -> None:
        """Send a JSON Lines file of any length as consecutive full batches, with progress."""
        from tui.ui.screens.bulk_import import BulkImportScreen

        if self._refuse_read_only():
            return
        header = {k: str(v) for k, v in self.header.items() if v}
        self.app.push_screen(BulkImportScreen(self.ctx, self.outbox, self.KIND, header))
