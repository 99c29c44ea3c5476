"""Amazon Personalize Events for the sandbox: PutEvents (rest-json, POST /events), validated.

Why: moto has no personalize-events; the sandbox checks a request as the service does (the model's
required members and lengths, `properties` a JSON string that parses to an object without the
reserved keys) so that what the app validates client-side is confirmed by a server.

Errors: model constraint violations -> 400 ValidationException ("1 validation error detected: ...",
as AWS's request validation words it); a well-formed request whose `properties` does not parse to
a JSON object or uses a reserved key -> 400 InvalidInputException (the error the model declares).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from tui.sandbox.faults import protocol_error

SERVICE = "personalize-events"
ROUTE = "personalize"

ACCOUNT_ID = "123456789012"
RESERVED_PROPERTIES = (
    "userid",
    "sessionid",
    "eventtype",
    "timestamp",
    "recommendationid",
    "impression",
)
_SOURCE_PATTERN = re.compile(r"^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$")


class Invalid(Exception):
    """A request the service rejects; carries the error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class PersonalizeEventsBackend(BaseBackend):
    """Per account and region: the events accepted by PutEvents, in arrival order."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.received: list[dict[str, Any]] = []
        self.seen_ids: set[tuple[str, str]] = set()
        self.repeats = 0

    def put_events(self, request: Mapping[str, Any]) -> None:
        """Validate a PutEvents request and record its events, all or nothing.

        An event whose eventId this tracker already has is accepted but not recorded again
        (counted in ``repeats``): Personalize uses only the first event with a given eventId, which
        is what makes a retried or re-sent PutEvents harmless.
        """
        validate(request)
        common = {
            "trackingId": request["trackingId"],
            "sessionId": request["sessionId"],
            "userId": request.get("userId"),
        }
        now = time.time()
        for event in request["eventList"]:
            recorded = {**common, **event, "ReceivedAt": now}
            recorded.setdefault("eventId", str(uuid.uuid4()))
            key = (str(request["trackingId"]), str(recorded["eventId"]))
            if key in self.seen_ids:
                self.repeats += 1
                continue
            self.seen_ids.add(key)
            self.received.append(recorded)


# moto knows the regions of "personalize" (the signing name); personalize-events has the same.
backends: BackendDict[PersonalizeEventsBackend] = BackendDict(
    PersonalizeEventsBackend, "personalize"
)
_lock = threading.Lock()


def _length(value: Any, where: str, low: int, high: int, errors: list[str]) -> None:
    if not isinstance(value, str):
        errors.append(f"Value at '{where}' failed to satisfy constraint: Member must be a string")
    elif not low <= len(value) <= high:
        errors.append(
            f"Value '{value[:64]}' at '{where}' failed to satisfy constraint: Member must have "
            f"length {'greater than or equal to ' + str(low) if len(value) < low else 'less than or equal to ' + str(high)}"
        )


def _required(obj: Mapping[str, Any], key: str, where: str, errors: list[str]) -> bool:
    if obj.get(key) is None:
        errors.append(
            f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
        )
        return False
    return True


def validate(request: Mapping[str, Any]) -> None:
    """Raise Invalid unless the request is one Personalize would accept."""
    errors: list[str] = []
    for key in ("trackingId", "sessionId"):
        if _required(request, key, key, errors):
            _length(request[key], key, 1, 256, errors)
    if request.get("userId") is not None:
        _length(request["userId"], "userId", 1, 256, errors)
    events = request.get("eventList")
    if events is None:
        errors.append(
            "Value null at 'eventList' failed to satisfy constraint: Member must not be null"
        )
        events = []
    elif not isinstance(events, list) or not 1 <= len(events) <= 10:
        bound = "greater than or equal to 1" if not events else "less than or equal to 10"
        errors.append(
            f"Value at 'eventList' failed to satisfy constraint: Member must have length {bound}"
        )
        events = []
    for index, event in enumerate(events, start=1):
        _validate_event(event, f"eventList.{index}.member", errors)
    if errors:
        count = len(errors)
        raise Invalid(
            "ValidationException",
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors),
        )
    for index, event in enumerate(events, start=1):
        _check_properties(event.get("properties"), f"eventList.{index}.member.properties")


def _validate_event(event: Any, where: str, errors: list[str]) -> None:
    if not isinstance(event, dict):
        errors.append(
            f"Value at '{where}' failed to satisfy constraint: Member must be a structure"
        )
        return
    if _required(event, "eventType", f"{where}.eventType", errors):
        _length(event["eventType"], f"{where}.eventType", 1, 256, errors)
    if _required(event, "sentAt", f"{where}.sentAt", errors) and not isinstance(
        event["sentAt"], (int, float)
    ):
        errors.append(
            f"Value at '{where}.sentAt' failed to satisfy constraint: Member must be a timestamp"
        )
    for key, high in (
        ("eventId", 256),
        ("itemId", 256),
        ("recommendationId", 40),
        ("properties", 1024),
    ):
        if event.get(key) is not None:
            _length(event[key], f"{where}.{key}", 1, high, errors)
    value = event.get("eventValue")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        errors.append(
            f"Value at '{where}.eventValue' failed to satisfy constraint: Member must be a number"
        )
    impression = event.get("impression")
    if impression is not None:
        if not isinstance(impression, list) or not 1 <= len(impression) <= 25:
            errors.append(
                f"Value at '{where}.impression' failed to satisfy constraint: Member must have "
                "length between 1 and 25"
            )
        else:
            for position, item in enumerate(impression, start=1):
                _length(item, f"{where}.impression.{position}.member", 1, 256, errors)
    attribution = event.get("metricAttribution")
    if attribution is not None:
        source_where = f"{where}.metricAttribution.eventAttributionSource"
        if not isinstance(attribution, dict):
            errors.append(
                f"Value at '{where}.metricAttribution' failed to satisfy constraint: Member must be a structure"
            )
        elif _required(attribution, "eventAttributionSource", source_where, errors):
            source = attribution["eventAttributionSource"]
            _length(source, source_where, 0, 1024, errors)
            if isinstance(source, str) and not _SOURCE_PATTERN.match(source):
                errors.append(
                    f"Value '{source}' at '{source_where}' failed to satisfy constraint: Member "
                    r"must satisfy regular expression pattern: ^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$"
                )


def _check_properties(properties: Any, where: str) -> None:
    if properties is None:
        return
    try:
        parsed = json.loads(properties)
    except ValueError:
        raise Invalid(
            "InvalidInputException", f"Invalid properties at {where}: not valid JSON."
        ) from None
    if not isinstance(parsed, dict):
        raise Invalid(
            "InvalidInputException", f"Invalid properties at {where}: must be a JSON object."
        )
    for key in parsed:
        if str(key).lower() in RESERVED_PROPERTIES:
            raise Invalid(
                "InvalidInputException",
                f"Invalid properties at {where}: {key!r} is a reserved keyword and cannot be a property.",
            )


def _region(headers: Mapping[str, str]) -> str:
    match = re.search(r"Credential=[^/]*/[^/]*/([^/]+)/", headers.get("Authorization", ""))
    region = match.group(1) if match else "us-east-1"
    return region if region in backends[ACCOUNT_ID] else "us-east-1"


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Serve POST /events (PutEvents); anything else is an unknown operation."""
    del query
    if method != "POST" or path.rstrip("/") != "/events":
        return protocol_error(
            "rest-json", 404, "UnknownOperationException", f"No operation at {method} {path}"
        )
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return protocol_error(
            "rest-json", 400, "SerializationException", "Request body is not valid JSON"
        )
    if not isinstance(payload, dict):
        return protocol_error(
            "rest-json", 400, "SerializationException", "Request body must be a JSON object"
        )
    try:
        with _lock:
            backends[ACCOUNT_ID][_region(headers)].put_events(payload)
    except Invalid as exc:
        return protocol_error("rest-json", 400, exc.code, str(exc))
    return 200, {"x-amzn-RequestId": str(uuid.uuid4())}, b""


def received() -> list[dict[str, Any]]:
    """Every accepted event, oldest first, with its request's trackingId, sessionId and userId."""
    with _lock:
        out = [
            item for account in backends.values() for b in account.values() for item in b.received
        ]
    return sorted(out, key=lambda item: item["ReceivedAt"])


def repeats() -> int:
    """How many events arrived again with an eventId already recorded (and were dropped)."""
    with _lock:
        return sum(b.repeats for account in backends.values() for b in account.values())


def reset_received() -> None:
    """Forget received events (and the eventIds seen)."""
    with _lock:
        for account in backends.values():
            for backend in account.values():
                backend.received.clear()
                backend.seen_ids.clear()
                backend.repeats = 0


def reset() -> None:
    """Clear all state (received events are the only state)."""
    reset_received()


def load(data: dict[str, Any]) -> None:
    """Nothing to load: PutEvents writes only; accepted for symmetry with the other backends."""
    del data


def load_demo(seed: int) -> None:
    """No demo data: PutEvents needs none."""
    del seed
