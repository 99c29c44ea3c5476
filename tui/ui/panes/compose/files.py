"""Batches in from outside the form: a file, the command line, the history, a skeleton, bulk import.

Why: each of these replaces the whole batch, and each must ask before it drops unsent work; one
object holds that rule. Every file and outbox access runs off the UI thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.errors import EventdeckError, InputError
from tui.services import cli_input
from tui.services.outbox import BatchRecord
from tui.ui.panes.compose.drafts import DraftKeeper
from tui.ui.panes.compose.host import ComposeHost
from tui.ui.panes.compose.raw import RawJson
from tui.ui.screens.bulk_import import BulkImportScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.history import HistoryScreen
from tui.ui.screens.prompt import PromptScreen
from tui.words import count, plural


def parse_inline_or_file(value: str, kind: str) -> dict[str, Any]:
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


def bulk_header(header: dict[str, Any]) -> dict[str, str]:
    """The header fields a bulk import starts from (the filled ones, as text)."""
    return {k: str(v) for k, v in header.items() if v}


class BatchFiles:
    """ctrl+o, f7, ctrl+g, f6 and the launch words: whole batches in, asking before unsent go."""

    def __init__(self, host: ComposeHost, raw: RawJson, drafts: DraftKeeper) -> None:
        self.host = host
        self.raw = raw
        self.drafts = drafts

    # -- replacing the batch -----------------------------------------------------------------
    def replace_batch(self, request: dict[str, Any], what: str) -> None:
        """Load a ``--cli-input-json`` request as the batch, asking first if that drops unsent work."""
        host = self.host
        header, forms = cli_input.request_to_forms(request, host.KIND)

        def apply() -> None:
            host.batch_model.selected = 0
            host.set_batch({**host.batch_model.header, **header}, forms)
            self.raw.show_if_open()
            host.set_status(f"Loaded {count(len(forms), host.NOUN)} from {what}")

        self.confirm_replace(what, apply)

    def confirm_replace(self, what: str, apply: Callable[[], None]) -> None:
        """Run ``apply`` (which replaces the batch) now, or after a yes if unsent work would go."""
        host = self.host
        if not host.batch_model.dirty():
            apply()
            return
        host.app.push_screen(
            ConfirmScreen(
                "Replace the current batch?",
                [
                    f"The current batch has unsent {plural(host.NOUN)}.",
                    f"Loading {what} replaces them.",
                ],
                confirm_label="Replace",
                danger=True,
            ),
            lambda ok: apply() if ok else None,
        )

    def apply_launch(self, params: dict[str, str]) -> None:
        """Open pre-filled from AWS CLI words (``--entries file://…``, ``--cli-input-json …``)."""
        host = self.host
        self.drafts.superseded = True
        header = host.launch_header(params)
        source = params.get("cli-input-json") or params.get("entries") or params.get("event-list")
        if not source:
            if header:
                host.set_batch({**host.batch_model.header, **header}, host.batch_model.entries)
            return
        kind = host.KIND

        def loaded(request: dict[str, Any]) -> None:
            self.drafts.loaded = True
            header_in, forms = cli_input.request_to_forms(request, kind)
            host.batch_model.selected = 0
            host.set_batch({**header_in, **header}, forms)
            self.raw.show_if_open()
            host.set_status(f"Loaded {count(len(forms), host.NOUN)} from the command line")

        host.run_file_job(lambda: parse_inline_or_file(source, kind), loaded, self.file_error)

    def file_error(self, err: EventdeckError) -> None:
        text = f"{err.message}" + (f" — {err.hint}" if err.hint else "")
        self.host.set_status(text, error=True)
        self.host.app.notify(text, title="Cannot load", severity="error", markup=False)

    def skeleton(self) -> None:
        """Fill the JSON view with the operation's input skeleton (like --generate-cli-skeleton).

        Asks first when the batch holds unsent work: the skeleton replaces it once taken back.
        """

        def apply() -> None:
            self.raw.enter(json.dumps(cli_input.skeleton(self.host.KIND), indent=2))
            self.host.set_status(
                "Skeleton: fill it in, then f2 takes it into the form (replacing the batch)"
            )

        self.confirm_replace("a skeleton", apply)

    # -- files and history -------------------------------------------------------------------
    def load_file(self) -> None:
        """Ask for a ``--cli-input-json`` file (or a JSON list of entries) and load it."""
        host = self.host

        def chosen(path: str | None) -> None:
            if path:
                kind = host.KIND
                host.run_file_job(
                    lambda: cli_input.load_request_file(path, kind),
                    lambda request: self.replace_batch(request, path),
                    self.file_error,
                )

        host.app.push_screen(
            PromptScreen(
                "Load a batch",
                "Path of a --cli-input-json file",
                placeholder="batch.json",
                paths=True,
            ),
            chosen,
        )

    def history(self) -> None:
        """Browse sent batches, newest first; one can be opened as a new draft."""
        host = self.host
        outbox, kind = host.outbox, host.KIND

        def opened(record: BatchRecord | None) -> None:
            if record is not None:
                self.replace_batch(record.request, f"the batch of {record.created_at}")

        def read() -> list[BatchRecord]:
            return [r for r in outbox.history(limit=500) if r.kind == kind]

        def show(records: list[BatchRecord]) -> None:
            host.app.push_screen(HistoryScreen(records, host.NOUN), opened)

        host.run_file_job(read, show)

    def bulk_import(self) -> None:
        """Send a JSON Lines file of any length as consecutive full batches, with progress."""
        host = self.host
        if host.refuse_read_only():
            return
        header = bulk_header(host.batch_model.header)
        host.app.push_screen(BulkImportScreen(host.ctx, host.outbox, host.KIND, header))
