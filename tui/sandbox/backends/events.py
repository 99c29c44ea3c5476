"""EventBridge for the sandbox: moto's events backend, with PutPartnerEvents done as AWS does it.

Why: moto 5.2.5 accepts an empty Entries list, validates nothing and answers PutPartnerEvents with
no result entries; AWS answers one result per input (EventId or ErrorCode/ErrorMessage) with a
FailedEntryCount, and rejects malformed requests with ValidationException. Every other EventBridge
operation (CreatePartnerEventSource, ListEventBuses, ...) is served by moto's own response class.

Partial failure on demand: an entry whose Detail is a JSON object with the key "sandbox_fail" is
failed with {"ErrorCode": <that value>, "ErrorMessage": ...} and is not recorded as received.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.request import Request
from moto.events.models import events_backends as moto_events_backends
from moto.events.responses import EventsHandler

from tui.sandbox.backends import partner_sources
from tui.sandbox.faults import protocol_error

SERVICE = "events"
ROUTE = "events"

ACCOUNT_ID = "123456789012"
MAX_ENTRIES = 20
MAX_ENTRY_BYTES = 256 * 1024
SOURCE_PATTERN = re.compile(r"aws\.partner(/[\.\-_A-Za-z0-9]+){2,}")
FAIL_MARKER = "sandbox_fail"


class RequestInvalid(Exception):
    """The whole request is rejected with ValidationException (HTTP 400)."""


class PartnerEventsBackend(BaseBackend):
    """The sandbox's PutPartnerEvents: AWS's validation and per-entry results, moto for delivery.

    Why: moto's own events backend (partner event sources, buses, rules) stays the state for
    everything else; only the operation moto gets wrong is replaced, and accepted entries whose
    source moto knows are still handed to moto so its rules and targets see them.
    """

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.received: list[dict[str, Any]] = []

    def put_partner_events(self, entries: Any) -> list[dict[str, Any]]:
        """Validate entries as AWS does, record the accepted ones and return one result each."""
        check_request(entries)
        results: list[dict[str, Any]] = []
        moto_backend = moto_events_backends[self.account_id][self.region_name]
        for entry in entries:
            problem = entry_problem(entry)
            if problem is not None:
                results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                continue
            event_id = str(uuid.uuid4())
            results.append({"EventId": event_id})
            self.received.append({"EventId": event_id, **entry, "ReceivedAt": time.time()})
            if entry["Source"] in moto_backend.partner_event_sources:
                moto_backend.put_partner_events([entry])
        return results


sandbox_backends: BackendDict[PartnerEventsBackend] = BackendDict(PartnerEventsBackend, "events")


def check_request(entries: Any) -> None:
    """Raise RequestInvalid for what AWS rejects as a whole: length, Source, Resources, total size.

    The 256 KB rule is on the whole request (the sum of entry sizes), as EventBridge applies it.
    """
    if not isinstance(entries, list):
        raise RequestInvalid(
            "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null"
        )
    if not 1 <= len(entries) <= MAX_ENTRIES:
        bound = (
            "greater than or equal to 1" if not entries else f"less than or equal to {MAX_ENTRIES}"
        )
        raise RequestInvalid(
            "1 validation error detected: Value '[PutPartnerEventsRequestEntry]' at 'entries' "
            f"failed to satisfy constraint: Member must have length {bound}"
        )
    errors: list[str] = []
    complete = 0
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            errors.append(
                f"Value at 'entries.{index}.member' failed to satisfy constraint: Member must be a structure"
            )
            continue
        source = entry.get("Source")
        where = f"'entries.{index}.member.source'"
        if isinstance(source, str) and not 1 <= len(source) <= 256:
            errors.append(
                f"Value '{source}' at {where} failed to satisfy constraint: Member must have length between 1 and 256"
            )
        elif isinstance(source, str) and not SOURCE_PATTERN.fullmatch(source):
            errors.append(
                f"Value '{source}' at {where} failed to satisfy constraint: Member must satisfy "
                r"regular expression pattern: aws\.partner(/[\.\-_A-Za-z0-9]+){2,}"
            )
        for rindex, resource in enumerate(entry.get("Resources") or [], start=1):
            if not isinstance(resource, str) or len(resource) > 2048:
                errors.append(
                    f"Value at 'entries.{index}.member.resources.{rindex}.member' failed to "
                    "satisfy constraint: Member must have length less than or equal to 2048"
                )
        if all(entry.get(key) for key in ("Source", "DetailType", "Detail")):
            complete += 1
    if errors:
        count = len(errors)
        plural = "s" if count > 1 else ""
        raise RequestInvalid(f"{count} validation error{plural} detected: " + "; ".join(errors))
    if complete == 0:
        raise RequestInvalid(
            "Parameters Source, DetailType and Detail are required: no entry in the request has all of them."
        )
    total = sum(entry_size(entry) for entry in entries)
    if total > MAX_ENTRY_BYTES:
        raise RequestInvalid(
            f"Total size of the entries in the request is over the limit: {total} bytes "
            f"(the limit is {MAX_ENTRY_BYTES} bytes)."
        )


def entry_size(entry: Mapping[str, Any]) -> int:
    """The entry size as EventBridge computes it (UTF-8 bytes of the fields, 14 for Time)."""
    size = 14 if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += len(value.encode("utf-8"))
    for resource in entry.get("Resources") or []:
        if isinstance(resource, str):
            size += len(resource.encode("utf-8"))
    return size


def entry_problem(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """Return (ErrorCode, ErrorMessage) if AWS would fail this entry alone, else None."""
    for key in ("Source", "DetailType", "Detail"):
        if not entry.get(key):
            return (
                "InvalidArgument",
                f"Parameter {key} is not valid. Reason: {key} is a required argument.",
            )
    if len(str(entry["DetailType"])) > 128:
        return (
            "InvalidArgument",
            "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters.",
        )
    if entry_size(entry) > MAX_ENTRY_BYTES:
        return (
            "InvalidArgument",
            "Parameter Entries is not valid. Reason: the entry exceeds the 256 KB size limit.",
        )
    try:
        detail = json.loads(entry["Detail"])
    except (TypeError, ValueError):
        return "MalformedDetail", "Detail is malformed."
    if not isinstance(detail, dict):
        return "MalformedDetail", "Detail is malformed: it must be a JSON object."
    if FAIL_MARKER in detail:
        return str(detail[FAIL_MARKER]), f"Entry failed on request ({FAIL_MARKER} in Detail)."
    return None


_lock = threading.Lock()


def _backend(headers: Mapping[str, str]) -> PartnerEventsBackend:
    return sandbox_backends[ACCOUNT_ID][_region(headers)]


def _region(headers: Mapping[str, str]) -> str:
    auth = headers.get("Authorization", "")
    match = re.search(r"Credential=[^/]*/[^/]*/([^/]+)/", auth)
    region = match.group(1) if match else "us-east-1"
    return region if region in sandbox_backends[ACCOUNT_ID] else "us-east-1"


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Serve one EventBridge (json protocol) request."""
    target = headers.get("X-Amz-Target", "")
    if target.rpartition(".")[2] == "PutPartnerEvents":
        return _put_partner_events(headers, body)
    if partner_sources.handles(target.rpartition(".")[2]):
        return partner_sources.handle(target.rpartition(".")[2], _region(headers), body)
    return _delegate(method, path, query, headers, body)


def _put_partner_events(
    headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return protocol_error(
            "json", 400, "SerializationException", "Request body is not valid JSON"
        )
    if not isinstance(payload, dict):
        return protocol_error(
            "json", 400, "SerializationException", "Request body must be a JSON object"
        )
    try:
        with _lock:
            results = _backend(headers).put_partner_events(payload.get("Entries"))
    except RequestInvalid as exc:
        return protocol_error("json", 400, "ValidationException", str(exc))
    failed = sum(1 for result in results if "ErrorCode" in result)
    out = json.dumps({"FailedEntryCount": failed, "Entries": results}).encode()
    return 200, _json_headers(), out


def _delegate(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    from urllib.parse import urlencode

    url = "https://events.amazonaws.com" + path
    if query:
        url += "?" + urlencode(query, doseq=True)
    request = Request.from_primitives(method, url, dict(headers), body)
    try:
        with _lock:
            status, out_headers, out_body = EventsHandler.dispatch(request, url, dict(headers))
    except NotImplementedError as exc:
        return protocol_error("json", 400, "UnknownOperationException", str(exc))
    raw = out_body.encode() if isinstance(out_body, str) else bytes(out_body or b"")
    clean = {
        k: str(v)
        for k, v in (out_headers or {}).items()
        if k.lower() not in ("content-length", "server", "date")
    }
    clean.setdefault("Content-Type", "application/x-amz-json-1.1")
    return int(status), clean, raw


def _json_headers() -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}


def received() -> list[dict[str, Any]]:
    """Every accepted PutPartnerEvents entry, oldest first, each with its EventId."""
    with _lock:
        out: list[dict[str, Any]] = []
        for account in sandbox_backends.values():
            for backend in account.values():
                out.extend(backend.received)
        return sorted(out, key=lambda item: item["ReceivedAt"])


def reset_received() -> None:
    """Forget received events but keep sources and buses."""
    with _lock:
        for account in sandbox_backends.values():
            for backend in account.values():
                backend.received.clear()


def reset() -> None:
    """Clear all EventBridge state."""
    with _lock:
        for backends in (sandbox_backends, moto_events_backends):
            for account in backends.values():
                account.reset()
    partner_sources.reset()


def load(data: dict[str, Any]) -> None:
    """Create the partner event sources listed under "partner_event_sources" if any.

    Why: a data file may want sources that forward to a partner bus. An item is a name, or
    {"Name", "Accounts": [ListPartnerEventSourceAccounts items]} for the list operations.
    """
    items = data.get("partner_event_sources", [])
    with _lock:
        backend = moto_events_backends[ACCOUNT_ID]["us-east-1"]
        for item in items:
            name = item if isinstance(item, str) else str(item["Name"])
            if name not in backend.partner_event_sources:
                backend.create_partner_event_source(name, ACCOUNT_ID)
    partner_sources.load(items)


def load_demo(seed: int, now: datetime | None = None) -> None:
    """The demo partner's event sources and their customer accounts (in all three states).

    Why: PutPartnerEvents needs no data, but the sources view and the pre-send warning do.
    """
    del seed
    partner_sources.load_demo(now)
