"""Send PutPartnerEvents batches: validate, journal, send, and align per-entry results to the input.

PutPartnerEvents answers per entry (EventId, or ErrorCode and ErrorMessage) with a
FailedEntryCount, so the result keeps one row per input entry in input order: the UI marks failed
entries and re-sends only those. Pre-send refusals (read-only, invalid input) raise; anything AWS
or the network does is *returned* in the result, so a batch always has an outcome to journal.

PutPartnerEvents has no idempotency key. A call that ended without an answer after the request may
have reached AWS (a read timeout, a connection closed mid-call) is neither retried (see
send_retry) nor called failed: its entries are *unconfirmed*, and re-sending them may deliver them
twice, which the UI says before it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore import exceptions as bce

from tui.errors import EventdeckError, ReadOnlyError
from tui.services.errormap import aws_call
from tui.services.model import PARTNER_OPERATION, PARTNER_SERVICE
from tui.services.outbox import Outbox
from tui.services.send_retry import may_have_arrived
from tui.services.sending import FAILED, SENT, UNCONFIRMED, send_journaled
from tui.services.validation import to_partner_request

KIND = "partner-events"


@dataclass(frozen=True)
class PartnerEntryResult:
    """The outcome of one input entry: an EventId, an ErrorCode and ErrorMessage, or unconfirmed."""

    index: int
    event_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    unconfirmed: bool = False

    @property
    def ok(self) -> bool:
        return self.error_code is None and self.event_id is not None

    @property
    def status(self) -> str:
        """Sent, failed, or unconfirmed (sent, no answer came back: may have reached AWS)."""
        return SENT if self.ok else UNCONFIRMED if self.unconfirmed else FAILED


@dataclass(frozen=True)
class PartnerSendResult:
    """Per-entry results aligned to the input; ``error`` set when the whole call failed."""

    entries: tuple[PartnerEntryResult, ...]
    failed_count: int
    batch_id: str | None = None
    error: EventdeckError | None = None

    @property
    def failed_indexes(self) -> list[int]:
        """Input positions of the entries that failed for sure (safe to re-send)."""
        return [r.index for r in self.entries if r.status == FAILED]

    @property
    def unconfirmed_indexes(self) -> list[int]:
        """Input positions of the entries that may have reached AWS (a re-send may double them)."""
        return [r.index for r in self.entries if r.status == UNCONFIRMED]

    @property
    def unconfirmed_count(self) -> int:
        return len(self.unconfirmed_indexes)

    def to_journal(self) -> dict[str, Any]:
        """The JSON the outbox keeps for this result (``failed_count`` excludes unconfirmed)."""
        return {
            "failed_count": self.failed_count,
            "unconfirmed_count": self.unconfirmed_count,
            "error": None if self.error is None else {
                "type": type(self.error).__name__, "message": self.error.message,
                "hint": self.error.hint,
            },
            "entries": [entry_journal(r) for r in self.entries],
        }  # fmt: skip


def entry_journal(result: PartnerEntryResult) -> dict[str, Any]:
    """One entry's result as the journal and the compose pane keep it."""
    if result.ok:
        return {"EventId": result.event_id}
    if result.unconfirmed:
        return {"Unconfirmed": True, "ErrorMessage": result.error_message}
    return {"ErrorCode": result.error_code, "ErrorMessage": result.error_message}


def refuse_if_read_only(factory: Any, what: str) -> None:
    """Raise ReadOnlyError before anything is journaled or sent when --read-only is on."""
    if factory.options.read_only:
        raise ReadOnlyError(
            f"Not sent: eventdeck runs with --read-only, which refuses {what}.",
            hint="Restart without --read-only to send.",
        )


def journal_context(factory: Any, service: str = PARTNER_SERVICE, **extra: Any) -> dict[str, Any]:
    """Where a batch goes (profile, region, endpoint, as resolved): what the journal keeps."""
    return {**factory.destination(service), **extra}


def align_results(n: int, response: dict[str, Any]) -> tuple[PartnerEntryResult, ...]:
    """One result per input entry, in input order; a missing answer counts as a failure."""
    answers = response.get("Entries") or []
    results = []
    for i in range(n):
        answer = answers[i] if i < len(answers) else {}
        if answer.get("ErrorCode") or not answer.get("EventId"):
            results.append(PartnerEntryResult(
                i, None, answer.get("ErrorCode") or "NoResult",
                answer.get("ErrorMessage") or "AWS returned no result for this entry",
            ))  # fmt: skip
        else:
            results.append(PartnerEntryResult(i, answer["EventId"]))
    return tuple(results)


def unconfirmed_message(err: EventdeckError) -> str:
    """Why an entry is unconfirmed, said once, with what re-sending it risks."""
    cause = err.__cause__
    what = (
        "no answer came within the read timeout"
        if isinstance(cause, bce.ReadTimeoutError)
        else "the connection closed before the answer"
    )
    return (
        f"sent once, {what}, not retried: EventBridge may have the entries; "
        "re-sending them may deliver them twice."
    )


def send_partner_request(
    factory: Any, params: dict[str, Any], *, batch_id: str | None = None
) -> PartnerSendResult:
    """Send already-validated PutPartnerEvents parameters; AWS/network errors are returned."""
    n = len(params["Entries"])
    try:
        with aws_call(PARTNER_SERVICE, PARTNER_OPERATION, options=factory.options):
            response = factory.client(PARTNER_SERVICE).put_partner_events(**params)
    except EventdeckError as err:
        if may_have_arrived(err):
            message = unconfirmed_message(err)
            unknown = tuple(
                PartnerEntryResult(i, None, None, message, unconfirmed=True) for i in range(n)
            )
            return PartnerSendResult(unknown, 0, batch_id, err)
        failed = tuple(
            PartnerEntryResult(i, None, type(err).__name__, err.message) for i in range(n)
        )
        return PartnerSendResult(failed, n, batch_id, err)
    entries = align_results(n, response)
    return PartnerSendResult(entries, sum(not r.ok for r in entries), batch_id)


def put_partner_events(
    factory: Any, entries: list[dict[str, Any]], *, outbox: Outbox | None = None
) -> PartnerSendResult:
    """Validate, journal (when an outbox is given), send, journal the results.

    Raises ReadOnlyError under --read-only and ValidationFailed (``.errors``: every FieldError)
    when any entry is invalid; in both cases nothing is journaled or sent.
    """
    refuse_if_read_only(factory, "PutPartnerEvents")
    params = to_partner_request(entries)
    context = journal_context(factory)
    result, _ = send_journaled(
        factory, KIND, params, send_partner_request, outbox=outbox, context=context
    )
    return result
