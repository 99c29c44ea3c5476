"""Sending a batch: refuse when read-only, validate, confirm what goes where, send, keep results.

Why one object: ctrl+s, ctrl+r and every other send of the pane take the same path (validate →
confirm → the service's sending path through ``call_aws``, which journals the batch in the outbox
before the call and the results after it → per-entry results in the batch).
"""

from __future__ import annotations

from tui.errors import EventdeckError, ReadOnlyError
from tui.services.outbox import service_of
from tui.services.partner_events import refuse_if_read_only
from tui.ui.panes.compose.batch import Result, result_failed, result_unconfirmed
from tui.ui.panes.compose.host import ComposeHost
from tui.ui.screens.confirm import ConfirmScreen
from tui.words import count, plural


class SendFlow:
    """ctrl+s and ctrl+r of one compose pane."""

    def __init__(self, host: ComposeHost) -> None:
        self.host = host

    def refuse_read_only(self) -> bool:
        """True (and said) when this session may not send: --read-only."""
        host = self.host
        try:
            refuse_if_read_only(host.ctx.factory, host.OPERATION_NAME)
        except ReadOnlyError as err:
            text = f"{err.message} {err.hint or ''}".strip()
            host.set_status(text, error=True)
            host.app.notify(text, title="Read-only", severity="error", markup=False)
            return True
        return False

    def send_unsent(self) -> None:
        """Send every entry not yet sent (after validation and a confirmation)."""
        host, batch = self.host, self.host.batch_model
        unsent, unconfirmed = batch.unsent(), len(batch.unconfirmed())
        if not unsent and unconfirmed:
            host.set_status(
                f"{count(unconfirmed, host.NOUN)} unconfirmed (no answer came back); "
                "ctrl+r re-sends them after asking"
            )
            return
        self.request(unsent)

    def resend(self) -> None:
        """Re-send the entries whose last send failed, and (after asking) the unconfirmed ones."""
        again = self.host.batch_model.to_resend()
        if not again:
            self.host.set_status(f"No failed or unconfirmed {plural(self.host.NOUN)} to re-send")
            return
        self.request(again)

    def request(self, indexes: list[int]) -> None:
        """Validate, then confirm sending ``indexes``; nothing is sent without a yes."""
        host, batch = self.host, self.host.batch_model
        if self.refuse_read_only():
            return
        if batch.sending:
            host.set_status("A send is already in flight; wait for its results", error=True)
            return
        if not indexes:
            host.set_status(f"Every {host.NOUN} of this batch was sent; N starts a new batch")
            return
        batch.send_attempted = True  # from now on every error shows at its field
        host.show_all()
        if batch.errors:
            first = batch.errors[0]
            if first.entry is not None:
                batch.selected = first.entry
                host.show_all()
            host.set_status(
                f"Not sent: {count(len(batch.errors), 'problem')}; first: {first}", error=True
            )
            return
        title, lines, unconfirmed = self._summary(indexes)

        def confirm(warnings: list[str], danger: bool) -> None:
            host.app.push_screen(
                ConfirmScreen(
                    title,
                    [*warnings, *lines],
                    confirm_label="Send",
                    danger=danger or bool(unconfirmed),
                ),
                lambda ok: self.send(indexes) if ok else None,
            )

        host.before_confirm(indexes, confirm)

    def _summary(self, indexes: list[int]) -> tuple[str, list[str], int]:
        """The confirmation's title and lines, and how many of ``indexes`` are unconfirmed."""
        host = self.host
        noun, operation = host.NOUN, host.OPERATION_NAME
        lines = [
            f"{count(len(indexes), noun)} with {operation}",
            *host.ctx.destination_lines(service_of(host.KIND)),
            f"Size:     {host.payload_size(indexes):,} bytes",
            *host.summary_lines(),
        ]
        title = f"Send {count(len(indexes), noun)}?"
        unconfirmed = sum(1 for i in indexes if result_unconfirmed(host.batch_model.results[i]))
        if unconfirmed and host.RESEND_MAY_DOUBLE:
            title = f"Re-send {count(unconfirmed, 'unconfirmed ' + noun)}? They may arrive twice"
            lines[:0] = [
                f"{unconfirmed} of these were sent and got no answer: AWS may have recorded "
                "them already.",
                f"{operation} has no idempotency key: re-sending may deliver them twice.",
                "",
            ]
        elif unconfirmed:
            lines.append(
                f"{count(unconfirmed, 'unconfirmed ' + noun)} keep their eventIds: "
                "Personalize keeps only one of each."
            )
        return title, lines, unconfirmed

    def send(self, indexes: list[int]) -> None:
        """Send ``indexes`` now, in a pooled worker (the confirmation said yes)."""
        host = self.host
        try:
            job = host.make_send(indexes)
        except EventdeckError as err:
            host.set_status(str(err), error=True)
            return
        host.sends_in_flight += 1
        host.batch_model.begin_send(indexes)
        host.show_list()
        host.set_status(f"Sending {count(len(indexes), host.NOUN)}…")
        host.call_aws(
            job,
            lambda results: self._sent(indexes, results),
            self._not_sent,
            group=f"send-{host.PANE_ID}",
            description=f"{host.OPERATION_NAME} ({len(indexes)})",
        )

    def _sent(self, indexes: list[int], results: list[Result]) -> None:
        host = self.host
        host.sends_in_flight -= 1
        # Where the sent entries stand now (entries may have been added or deleted meanwhile).
        landed, edited = host.batch_model.finish_send(results)
        failed = sum(1 for r in results if result_failed(r))
        unconfirmed = sum(1 for r in results if result_unconfirmed(r))
        host.show_all()
        host.after_sent(landed)
        if edited:
            host.set_status(
                f"{count(edited, host.NOUN)} changed while sending: the change is not sent yet "
                "(what was sent is in the history, f7)",
                error=True,
            )
            host.changed()
            return
        if unconfirmed:
            host.set_status(
                f"{unconfirmed} of {len(indexes)} unconfirmed: sent, but no answer came back, so "
                f"AWS may have them; {failed} failed. ctrl+r re-sends after asking",
                error=True,
            )
        elif failed:
            host.set_status(
                f"{failed} of {len(indexes)} failed; fix or press ctrl+r to re-send them",
                error=True,
            )
        else:
            host.set_status(f"Sent {count(len(indexes), host.NOUN)}")
        host.changed()

    def _not_sent(self, err: EventdeckError) -> None:
        """Nothing was sent (refused before the call): say why, keep the batch as it was."""
        host = self.host
        host.sends_in_flight -= 1
        host.batch_model.finish_send()
        host.show_all()
        host.set_status(f"Not sent: {err.message}", error=True)
