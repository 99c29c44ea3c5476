"""CodeCatalyst browsing: spaces → event logs in a time range, with payloads decoded.

CodeCatalyst authenticates with a bearer token (see ``tui.services.auth``), and ListEventLogs
requires a start and end time; the presets and RFC 3339 parsing here are what the pane offers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.errors import InputError
from tui.services.errormap import call
from tui.services.jsonable import RawOnDemand, jsonable
from tui.services.paging import Page
from tui.services.timeinput import parse_time

SERVICE = "codecatalyst"

PRESETS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
PRESET_LABELS = {
    "1h": "last hour",
    "24h": "last 24 hours",
    "7d": "last 7 days",
    "30d": "last 30 days",
}


@dataclass(frozen=True, slots=True)
class Space:
    """A ListSpaces item."""

    name: str
    region_name: str
    display_name: str
    description: str
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> Space:
        return cls(
            name=item["name"],
            region_name=item.get("regionName", ""),
            display_name=item.get("displayName") or "",
            description=item.get("description") or "",
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class EventLog(RawOnDemand):
    """A ListEventLogs item with the columns the pane shows."""

    id: str
    event_name: str
    event_time: datetime | None
    operation_type: str
    user_name: str
    project_name: str
    source_ip: str
    error_code: str | None
    event_source: str
    item: dict[str, Any] = field(compare=False, hash=False, repr=False)  # as botocore parsed it
    _raw: dict[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_mutation(self) -> bool:
        return self.operation_type == "MUTATION"

    @property
    def is_error(self) -> bool:
        return bool(self.error_code)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> EventLog:
        user = item.get("userIdentity") or {}
        project = item.get("projectInformation") or {}
        return cls(
            id=item.get("id", ""),
            event_name=item.get("eventName", ""),
            event_time=item.get("eventTime"),
            operation_type=item.get("operationType", ""),
            user_name=user.get("userName") or user.get("principalId") or "",
            project_name=project.get("name") or "",
            source_ip=item.get("sourceIpAddress") or "",
            error_code=item.get("errorCode") or None,
            event_source=item.get("eventSource", ""),
            item=item,
        )

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> EventLog:
        """The log again from its ``raw`` dict (times as ISO 8601 text), keeping that dict as is.

        Why: a view of a million logs keeps only their raw JSON and revives one when it is shown.
        """
        when = raw.get("eventTime")
        log = cls.from_api({**raw, "eventTime": _parse_iso(when)} if isinstance(when, str) else raw)
        object.__setattr__(log, "_raw", raw)
        return log


def _parse_iso(text: str) -> datetime | str:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text


def list_spaces(factory: Any, token: str | None = None) -> Page[Space]:
    """One page of ListSpaces (the API takes no page size)."""
    resp = call(factory, SERVICE, "ListSpaces", nextToken=token)
    return Page([Space.from_api(i) for i in resp.get("items", [])], resp.get("nextToken") or None)


def list_event_logs(
    factory: Any,
    space_name: str,
    start_time: datetime,
    end_time: datetime,
    token: str | None = None,
    max_results: int | None = None,
    *,
    event_name: str | None = None,
) -> Page[EventLog]:
    """One page of ListEventLogs for ``space_name`` between ``start_time`` and ``end_time``.

    ``event_name`` is keyword-only so ``Pager(partial(list_event_logs, f, space, start, end,
    event_name=...))`` still passes the token in the right place.
    """
    resp = call(
        factory,
        SERVICE,
        "ListEventLogs",
        resource=f"space {space_name}",
        spaceName=space_name,
        startTime=start_time,
        endTime=end_time,
        eventName=event_name or None,
        nextToken=token,
        maxResults=max_results,
    )
    return Page(
        [EventLog.from_api(i) for i in resp.get("items", [])], resp.get("nextToken") or None
    )


def decode_payload(payload: dict[str, Any] | None) -> object:
    """A request/response payload's ``data``: JSON-decoded when contentType says JSON.

    Falls back to the string itself when the content type is not JSON or the data does not parse,
    so the inspector always has something to show.
    """
    if not payload:
        return None
    data = payload.get("data")
    content_type = str(payload.get("contentType") or "").lower()
    if isinstance(data, str) and "json" in content_type:
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def decoded_item(log: EventLog) -> dict[str, Any]:
    """The raw event log with request/response payload ``data`` decoded (for the inspector)."""
    item = dict(log.raw)
    for key in ("requestPayload", "responsePayload"):
        payload = item.get(key)
        if isinstance(payload, dict) and "data" in payload:
            item[key] = {**payload, "data": decode_payload(payload)}
    return item


def time_range(preset: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """(start, end) for a preset ("1h", "24h", "7d", "30d") ending ``now`` (UTC)."""
    if preset not in PRESETS:
        raise InputError(
            f"Unknown time range {preset!r}: use one of {', '.join(PRESETS)}", location="range"
        )
    end = (now or datetime.now(UTC)).astimezone(UTC)
    return end - PRESETS[preset], end


def parse_range(
    start: str | datetime, end: str | datetime, *, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """Parse RFC 3339 (or relative, e.g. "-2h") start and end; start must come before end."""
    start_dt = parse_time(start, field="start time", now=now)
    end_dt = parse_time(end, field="end time", now=now)
    if start_dt >= end_dt:
        raise InputError(
            f"The start time ({start_dt.isoformat()}) must be before the end time "
            f"({end_dt.isoformat()}).",
            location="start time",
        )
    return start_dt, end_dt


@functools.cache
def model_event_names() -> tuple[str, ...]:
    """The operation names of botocore's CodeCatalyst model: the event names an API call logs."""
    from tui.services.resolve import data_session

    model = data_session().get_service_model(SERVICE)
    return tuple(sorted(model.operation_names))


def match_event_name(text: str, known: Iterable[str]) -> str:
    """``text`` spelled as a known event name when it matches one ignoring case, else as typed.

    Why: ListEventLogs matches eventName exactly, so "deletedevenvironment" finds nothing; the
    user meant DeleteDevEnvironment, and an empty result would wrongly blame the range.
    """
    wanted = text.strip()
    folded = wanted.casefold()
    names = list(known)
    if wanted in names:
        return wanted
    for name in names:
        if name.casefold() == folded:
            return name
    return wanted
