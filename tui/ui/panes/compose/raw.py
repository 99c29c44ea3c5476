"""The raw JSON view of a batch: the whole batch as ``--cli-input-json``, editable both ways.

Why: people paste requests from scripts and the AWS CLI; the JSON and the form are two views of
one batch, and the JSON goes back to the form only once it is valid (the problem shown at the
editor otherwise, nothing lost).
"""

from __future__ import annotations

import json
from typing import Any

from textual.widget import Widget
from textual.widgets import ContentSwitcher

from tui.errors import InputError
from tui.services import cli_input
from tui.ui.panes.compose.batch import same_entry
from tui.ui.panes.compose.host import ComposeHost
from tui.ui.widgets.field_error import FieldErrorLabel
from tui.ui.widgets.json_editor import JsonEditor


class RawJson:
    """f2: switch the pane between the form and the JSON of its batch."""

    def __init__(self, host: ComposeHost, root: Widget) -> None:
        self.host = host
        self.root = root  # where the pane's switcher and editor are mounted
        self.open = False

    def text(self) -> str:
        """The batch as the request JSON the AWS CLI takes."""
        batch = self.host.batch_model
        request = cli_input.forms_to_request(batch.header, batch.entries, self.host.KIND)
        return json.dumps(request, indent=2, ensure_ascii=False)

    def toggle(self) -> None:
        """Open the JSON of the batch, or take the JSON back into the form and go back to it."""
        if not self.open:
            self.enter(self.text())
            return
        if self.apply():
            self.open = False
            self.root.query_one("#compose-switcher", ContentSwitcher).current = "compose-form-view"
            self.root.query_one("#compose-list").focus()

    def enter(self, text: str) -> None:
        """Show ``text`` in the JSON view and focus it."""
        raw = self.root.query_one("#compose-raw", JsonEditor)
        raw.load_text(text)
        self.open = True
        self.root.query_one("#compose-switcher", ContentSwitcher).current = "compose-json-view"
        raw.focus()
        self.host.set_status("Raw --cli-input-json of the batch: f2 goes back to the form")

    def show_if_open(self) -> None:
        """The JSON view, when open, shows the batch just loaded (not what it showed before)."""
        if self.open:
            self.enter(self.text())

    def _parse(self) -> tuple[dict[str, Any] | None, str]:
        text = self.root.query_one("#compose-raw", JsonEditor).text
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        try:
            return cli_input.check_request_shape(document, self.host.KIND, "the JSON"), ""
        except InputError as err:
            return None, err.message

    def _show_problem(self, problem: str) -> None:
        self.root.query_one("#compose-raw-error", FieldErrorLabel).show_message(problem)
        self.root.query_one("#compose-raw", JsonEditor).set_class(bool(problem), "-invalid")

    def apply(self) -> bool:
        """Take the JSON back into the batch; False (error shown at the editor) if it cannot.

        Entries that did not change keep their results; changed ones are new entries.
        """
        host = self.host
        request, problem = self._parse()
        self._show_problem(problem)
        if request is None:
            host.set_status(f"The JSON cannot go back to the form: {problem}", error=True)
            return False
        header, forms = cli_input.request_to_forms(request, host.KIND)
        old = list(zip(host.batch_model.entries, host.batch_model.results, strict=True))
        unchanged = [i < len(old) and same_entry(old[i][0], f) for i, f in enumerate(forms)]
        results = [old[i][1] if same else None for i, same in enumerate(unchanged)]
        # An unchanged entry goes back as itself, so a send in flight still finds it.
        entries = [old[i][0] if unchanged[i] else f for i, f in enumerate(forms)]
        host.set_batch(header, entries, results)
        return True

    def edited(self) -> None:
        """The JSON was edited: show at once whether it can go back to the form."""
        if self.open:
            self._show_problem(self._parse()[1])
