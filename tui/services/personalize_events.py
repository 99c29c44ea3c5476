"""Send PutEvents requests: eventIds fixed before the first attempt, so no retry records twice.

PutEvents is all-or-nothing and Personalize keeps only the first event with a given eventId, so
every event gets its eventId (uuid4 when empty) *before* it is journaled or sent: a botocore retry,
a re-send after a crash, or a re-send from history all carry the same ids. That is also why
PutEvents keeps botocore's retries of read timeouts: a request that may have arrived is retried
with the same ids, and if no answer ever comes its events are *unconfirmed* (re-sending is safe).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tui.errors import EventdeckError
from tui.services.errormap import aws_call
from tui.services.model import PERSONALIZE_OPERATION, PERSONALIZE_SERVICE
from tui.services.outbox import Outbox
from tui.services.partner_events import journal_context, refuse_if_read_only
from tui.services.send_retry import may_have_arrived
from tui.services.sending import FAILED, SENT, UNCONFIRMED, send_journaled
from tui.services.validation import to_personalize_request

KIND = "personalize-events"


@dataclass(frozen=True)
class PersonalizeSendResult:
    """Whether the request was recorded (all or nothing), its eventIds, or the error."""

    sent: bool
    event_ids: tuple[str, ...]
    batch_id: str | None = None
    error: EventdeckError | None = None
    unconfirmed: bool = False  # no answer after the request may have arrived

    @property
    def status(self) -> str:
        """Sent, failed, or unconfirmed: the same for every event of the request."""
        return SENT if self.sent else UNCONFIRMED if self.unconfirmed else FAILED

    def to_journal(self) -> dict[str, Any]:
        """The JSON the outbox keeps for this result."""
        error = None
        if self.error is not None:
            error = {"type": type(self.error).__name__, "message": self.error.message,
                     "hint": self.error.hint}  # fmt: skip
        return {"sent": self.sent, "unconfirmed": self.unconfirmed,
                "event_ids": list(self.event_ids), "error": error}  # fmt: skip


def prepare_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``events`` with every missing or blank eventId filled with a new uuid4."""
    prepared = []
    for event in events:
        copy = dict(event)
        if not isinstance(copy.get("eventId"), str) or not copy["eventId"].strip():
            copy["eventId"] = str(uuid.uuid4())
        prepared.append(copy)
    return prepared


def prepare_request(request: dict[str, Any]) -> dict[str, Any]:
    """A copy of a PutEvents request whose events all carry an eventId."""
    copy = dict(request)
    if isinstance(copy.get("eventList"), list):
        copy["eventList"] = prepare_events(copy["eventList"])
    return copy


def send_personalize_request(
    factory: Any, params: dict[str, Any], *, batch_id: str | None = None
) -> PersonalizeSendResult:
    """Send validated PutEvents parameters (eventIds already set); errors are returned."""
    ids = tuple(str(e.get("eventId")) for e in params["eventList"])
    try:
        with aws_call(PERSONALIZE_SERVICE, PERSONALIZE_OPERATION, options=factory.options):
            factory.client(PERSONALIZE_SERVICE).put_events(**params)
    except EventdeckError as err:
        return PersonalizeSendResult(False, ids, batch_id, err, may_have_arrived(err))
    return PersonalizeSendResult(True, ids, batch_id)


def put_events(
    factory: Any, request: dict[str, Any], *, outbox: Outbox | None = None
) -> PersonalizeSendResult:
    """Fill eventIds, validate, journal (when an outbox is given), send, journal the result.

    ``request`` is the CLI-input shape {trackingId, userId, sessionId, eventList} with events as
    forms or API dicts. Raises ReadOnlyError under --read-only and ValidationFailed when anything is
    invalid; then nothing is journaled or sent. Callers that show the eventIds should call
    ``prepare_request`` themselves first and pass its result, so the form keeps the same ids.
    """
    refuse_if_read_only(factory, "PutEvents")
    params = to_personalize_request(prepare_request(request))
    context = journal_context(factory, PERSONALIZE_SERVICE)
    result, _ = send_journaled(
        factory, KIND, params, send_personalize_request, outbox=outbox, context=context
    )
    return result
