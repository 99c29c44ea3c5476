"""Sending for the compose panes: refuse when read-only, confirm what goes where, send, show results.

A mixin of ComposePane (like ComposeFlows) so that the pane file stays about one thing; the send
itself runs in a pooled worker through ``call_aws`` and the service journals it in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from tui.errors import EventdeckError, ReadOnlyError
from tui.services.outbox import service_of
from tui.services.partner_events import refuse_if_read_only
from tui.services.validation import FieldError
from tui.ui.screens.confirm import ConfirmScreen
from tui.words import count, plural

Result = dict[str, Any]  # {"EventId"}, {"ErrorCode", "ErrorMessage"} or {"Unconfirmed", ...}


def result_ok(result: Result | None) -> bool:
    """True when ``result`` is a success (an EventId and no ErrorCode)."""
    return bool(result) and not result.get("ErrorCode") and bool(result.get("EventId"))  # type: ignore[union-attr]


def result_failed(result: Result | None) -> bool:
    return bool(result) and bool(result.get("ErrorCode"))  # type: ignore[union-attr]


def result_unconfirmed(result: Result | None) -> bool:
    """True when the entry was sent but no answer came back: it may have reached AWS."""
    return bool(result) and bool(result.get("Unconfirmed"))  # type: ignore[union-attr]


class ComposeSending:
    """ctrl+s and ctrl+r: validate, confirm, send in a worker, record per-entry results."""

    NOUN: ClassVar[str]
    # True when re-sending an unconfirmed entry may deliver it twice (no idempotency key).
    RESEND_MAY_DOUBLE: ClassVar[bool] = True
    PANE_ID: ClassVar[str]
    OPERATION_NAME: ClassVar[str]
    KIND: ClassVar[str]  # outbox kind: the confirmation names its service's endpoint
    results: list[Any]
    errors: list[FieldError]
    selected: int
    json_mode: bool
    sends_in_flight: int
    _sending: set[int]
    _send_attempted: bool
    ctx: Any
    app: Any
    call_aws: Any
    set_status: Any
    apply_raw: Any
    payload_size: Any
    summary_lines: Any
    after_sent: Any
    changed: Any
    _show_all: Any
    _show_list: Any
    make_send: Callable[[list[int]], Callable[[], list[Result]]]

    # -- sending -----------------------------------------------------------------------------
    def _refuse_read_only(self) -> bool:
        try:
            refuse_if_read_only(self.ctx.factory, self.OPERATION_NAME)
        except ReadOnlyError as err:
            text = f"{err.message} {err.hint or ''}".strip()
            self.set_status(text, error=True)
            self.app.notify(text, title="Read-only", severity="error", markup=False)
            return True
        return False

    def action_send(self) -> None:
        """Validate, confirm what goes where, then send every entry not yet sent."""
        if self.json_mode and not self.apply_raw():
            return
        unsent = [
            i for i, r in enumerate(self.results) if not result_ok(r) and not result_unconfirmed(r)
        ]
        unconfirmed = sum(1 for r in self.results if result_unconfirmed(r))
        if not unsent and unconfirmed:
            self.set_status(
                f"{count(unconfirmed, self.NOUN)} unconfirmed (no answer came back); "
                "ctrl+r re-sends them after asking"
            )
            return
        self._request_send(unsent)

    def action_resend_failed(self) -> None:
        """Re-send the entries whose last send failed, and (after asking) the unconfirmed ones."""
        again = [i for i, r in enumerate(self.results) if result_failed(r) or result_unconfirmed(r)]
        if not again:
            self.set_status(f"No failed or unconfirmed {plural(self.NOUN)} to re-send")
            return
        self._request_send(again)

    def _request_send(self, indexes: list[int]) -> None:
        if self._refuse_read_only():
            return
        if self._sending:
            self.set_status("A send is already in flight; wait for its results", error=True)
            return
        if not indexes:
            self.set_status(f"Every {self.NOUN} of this batch was sent; N starts a new batch")
            return
        self._send_attempted = True  # from now on every error shows at its field
        self._show_all()
        if self.errors:
            first = self.errors[0]
            if first.entry is not None:
                self.selected = first.entry
                self._show_all()
            self.set_status(
                f"Not sent: {count(len(self.errors), 'problem')}; first: {first}", error=True
            )
            return
        lines = [
            f"{count(len(indexes), self.NOUN)} with {self.OPERATION_NAME}",
            *self.ctx.destination_lines(service_of(self.KIND)),
            f"Size:     {self.payload_size(indexes):,} bytes",
            *self.summary_lines(),
        ]
        title = f"Send {count(len(indexes), self.NOUN)}?"
        unconfirmed = sum(1 for i in indexes if result_unconfirmed(self.results[i]))
        if unconfirmed and self.RESEND_MAY_DOUBLE:
            title = (
                f"Re-send {count(unconfirmed, 'unconfirmed ' + self.NOUN)}? They may arrive twice"
            )
            lines[:0] = [
                f"{unconfirmed} of these were sent and got no answer: AWS may have recorded "
                "them already.",
                f"{self.OPERATION_NAME} has no idempotency key: re-sending may deliver them twice.",
                "",
            ]
        elif unconfirmed:
            lines.append(
                f"{count(unconfirmed, 'unconfirmed ' + self.NOUN)} keep their eventIds: "
                "Personalize keeps only one of each."
            )

        def confirm(warnings: list[str], danger: bool) -> None:
            self.app.push_screen(
                ConfirmScreen(
                    title,
                    [*warnings, *lines],
                    confirm_label="Send",
                    danger=danger or bool(unconfirmed),
                ),
                lambda ok: self._send(indexes) if ok else None,
            )

        self.before_confirm(indexes, confirm)

    def before_confirm(
        self, indexes: list[int], proceed: Callable[[list[str], bool], None]
    ) -> None:
        """Call ``proceed(warning lines, danger)`` to confirm; a pane may check AWS first (override)."""
        proceed([], False)

    def _send(self, indexes: list[int]) -> None:
        try:
            job = self.make_send(indexes)
        except EventdeckError as err:
            self.set_status(str(err), error=True)
            return
        self.sends_in_flight += 1
        self._sending = set(indexes)
        self._show_list()
        self.set_status(f"Sending {count(len(indexes), self.NOUN)}…")
        self.call_aws(
            job,
            lambda results: self._sent(indexes, results),
            lambda err: self._send_failed(err),
            group=f"send-{self.PANE_ID}",
            description=f"{self.OPERATION_NAME} ({len(indexes)})",
        )

    def _sent(self, indexes: list[int], results: list[Result]) -> None:
        self.sends_in_flight -= 1
        self._sending = set()
        for index, result in zip(indexes, results, strict=True):
            self.results[index] = result
        failed = sum(1 for r in results if result_failed(r))
        unconfirmed = sum(1 for r in results if result_unconfirmed(r))
        self._show_all()
        self.after_sent(indexes)
        if unconfirmed:
            self.set_status(
                f"{unconfirmed} of {len(indexes)} unconfirmed: sent, but no answer came back, so "
                f"AWS may have them; {failed} failed. ctrl+r re-sends after asking",
                error=True,
            )
        elif failed:
            self.set_status(
                f"{failed} of {len(indexes)} failed; fix or press ctrl+r to re-send them",
                error=True,
            )
        else:
            self.set_status(f"Sent {count(len(indexes), self.NOUN)}")
        self.changed()

    def _send_failed(self, err: EventdeckError) -> None:
        """Nothing was sent (refused before the call): say why, keep the batch as it was."""
        self.sends_in_flight -= 1
        self._sending = set()
        self._show_all()
        self.set_status(f"Not sent: {err.message}", error=True)
