"""Pane 5: compose and send Amazon Personalize interaction events (PutEvents), 1–10 per request.

eventIds are generated when empty *before* the journal and the call, and kept in the form, so a
re-send (R, crash recovery, history) carries the same ids and cannot record an event twice.
``properties`` is edited as a JSON object and sent as the JSON string the API wants.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from textual.suggester import Suggester, SuggestFromList

from tui.services.personalize_events import PersonalizeSendResult, prepare_request, put_events
from tui.services.validation import (
    FieldError,
    ValidationFailed,
    to_personalize_request,
    validate_personalize_request,
)
from tui.ui.panes.compose.batch import Result, result_ok
from tui.ui.panes.compose.pane import ComposePane
from tui.ui.widgets.compose_form import FieldSpec


def personalize_results(result: PersonalizeSendResult) -> list[Result]:
    """PutEvents is all or nothing: every event gets its eventId, or every one the same error."""
    if result.sent:
        return [{"EventId": event_id} for event_id in result.event_ids]
    message = result.error.message if result.error is not None else "not recorded"
    if result.unconfirmed:
        message = f"{message} Re-sending is safe: the eventIds are kept."
        return [{"Unconfirmed": True, "ErrorMessage": message, "eventId": i}
                for i in result.event_ids]  # fmt: skip
    code = type(result.error).__name__ if result.error is not None else "Failed"
    return [{"ErrorCode": code, "ErrorMessage": message, "eventId": i} for i in result.event_ids]


class PersonalizePane(ComposePane):
    """Personalize events: trackingId, sessionId, userId, then 1–10 events."""

    PANE_ID = "personalize"
    KEY = "5"
    TITLE = "Personalize events"
    SHORT_TITLE = "Personalize"
    KIND = "personalize-events"
    OPERATION_NAME = "PutEvents"
    NOUN = "event"
    RESEND_MAY_DOUBLE = False  # the eventIds are kept: Personalize keeps one of each
    MAX_ENTRIES = 10
    HEADER_FIELDS: ClassVar[list[FieldSpec]] = [
        FieldSpec(
            "trackingId", "trackingId", placeholder="the event tracker's tracking id", required=True
        ),
        FieldSpec("sessionId", "sessionId", placeholder="session-1", required=True),
        FieldSpec("userId", "userId (remembered per profile)", placeholder="optional"),
    ]
    ENTRY_FIELDS: ClassVar[list[FieldSpec]] = [
        FieldSpec("eventType", "eventType", placeholder="click, watch, purchase…", required=True),
        FieldSpec("sentAt", "sentAt", placeholder="now, -5m, 2024-05-01T12:00:00Z", required=True),
        FieldSpec("itemId", "itemId", placeholder="optional"),
        FieldSpec("eventValue", "eventValue (a number)", placeholder="optional, e.g. 4.5"),
        FieldSpec("eventId", "eventId", placeholder="generated at send when empty, then kept"),
        FieldSpec("properties", "properties (JSON object as a string, ≤ 1,024 chars)", kind="json"),
        FieldSpec("impression", "impression (item ids, one per line, ≤ 25)", kind="lines"),
        FieldSpec("recommendationId", "recommendationId", placeholder="optional"),
        FieldSpec("metricAttribution", "metricAttribution source", placeholder="optional"),
    ]

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        recent = self._recent_user_ids()
        self.batch_model.header = {
            "trackingId": "",
            "sessionId": "",
            "userId": recent[0] if recent else "",
        }

    def _recent_user_ids(self) -> tuple[str, ...]:
        recent = getattr(getattr(self.ctx.settings, "recent", None), "user_ids", None) or {}
        return tuple(recent.get(str(self.ctx.resolved.profile.value), ()))

    def suggesters(self) -> dict[str, Suggester]:
        ids = self._recent_user_ids()
        return {"userId": SuggestFromList(ids)} if ids else {}

    def new_entry(self) -> dict[str, Any]:
        return {"eventType": "", "sentAt": "now", "itemId": "", "eventValue": "", "eventId": "",
                "properties": "", "impression": "", "recommendationId": "",
                "metricAttribution": ""}  # fmt: skip

    def _request(self, indexes: list[int]) -> dict[str, Any]:
        return {
            **self.batch_model.header,
            "eventList": [self.batch_model.entries[i] for i in indexes],
        }

    def validate(self) -> list[FieldError]:
        return validate_personalize_request(
            self._request(list(range(len(self.batch_model.entries))))
        )

    def entry_label(self, entry: dict[str, Any]) -> str:
        parts = [str(entry.get(k) or "").strip() for k in ("eventType", "itemId")]
        return " ".join(p for p in parts if p)

    def payload_size(self, indexes: list[int]) -> int:
        try:
            params = to_personalize_request(self._request(indexes))
        except ValidationFailed:
            return 0
        return len(json.dumps(params, default=str).encode("utf-8"))

    def summary_lines(self) -> list[str]:
        return [
            f"Tracking: {self.batch_model.header.get('trackingId')}",
            f"Session:  {self.batch_model.header.get('sessionId')}  User: {self.batch_model.header.get('userId') or '-'}",
        ]

    def make_send(self, indexes: list[int]) -> Callable[[], list[Result]]:
        request = prepare_request(json.loads(json.dumps(self._request(indexes))))
        for index, event in zip(indexes, request["eventList"], strict=True):
            self.batch_model.entries[index]["eventId"] = event[
                "eventId"
            ]  # kept: a re-send reuses it
        self.show_selected()
        self.changed()
        factory, outbox = self.ctx.factory, self.outbox
        return lambda: personalize_results(put_events(factory, request, outbox=outbox))

    def after_sent(self, indexes: list[int]) -> None:
        from tui.settings import remember_user_id

        user_id = str(self.batch_model.header.get("userId") or "").strip()
        if not user_id or self.ctx.settings is None:
            return
        if not any(result_ok(self.batch_model.results[i]) for i in indexes):
            return
        profile = str(self.ctx.resolved.profile.value)
        self.remember(
            lambda s: remember_user_id(s, profile, user_id),
            "Could not remember the userId",
            severity="information",
        )

    def launch_header(self, params: dict[str, str]) -> dict[str, Any]:
        names = {"tracking-id": "trackingId", "session-id": "sessionId", "user-id": "userId"}
        return {api: params[cli] for cli, api in names.items() if params.get(cli)}
