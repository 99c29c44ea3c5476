"""Customer Profiles browsing: domains → event streams → GetEventStream, with a health summary.

The question an operator asks here is "is the export stream healthy, and since when not?", so
every stream carries a ``StreamHealth`` that folds State and the destination Status into one verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.services.errormap import call
from tui.services.jsonable import jsonable
from tui.services.paging import Page

SERVICE = "customer-profiles"


@dataclass(frozen=True, slots=True)
class StreamHealth:
    """One verdict per stream: ``level`` is "ok", "unhealthy" or "stopped" (worst wins).

    ``since`` is when it went bad (StoppedSince / UnhealthySince), ``summary`` a line for the table.
    """

    level: str
    state: str
    destination_status: str
    since: datetime | None
    summary: str
    message: str | None = None

    @property
    def flagged(self) -> bool:
        return self.level != "ok"


def stream_health(
    state: str | None,
    destination: dict[str, Any] | None,
    stopped_since: datetime | None,
    message: str | None = None,
) -> StreamHealth:
    """Fold State (RUNNING/STOPPED) and destination Status (HEALTHY/UNHEALTHY) into one verdict."""
    dest = destination or {}
    state = state or "UNKNOWN"
    status = str(dest.get("Status") or "UNKNOWN")
    unhealthy_since = dest.get("UnhealthySince")
    if state == "STOPPED":
        since = stopped_since
        summary = "STOPPED" + (f" since {_fmt(since)}" if since else "")
        if status == "UNHEALTHY":
            summary += "; destination UNHEALTHY"
        return StreamHealth("stopped", state, status, since, summary, message)
    if status == "UNHEALTHY":
        since = unhealthy_since
        summary = "destination UNHEALTHY" + (f" since {_fmt(since)}" if since else "")
        return StreamHealth("unhealthy", state, status, since, summary, message)
    if state == "RUNNING" and status == "HEALTHY":
        return StreamHealth("ok", state, status, None, "RUNNING, destination HEALTHY", message)
    return StreamHealth("unhealthy", state, status, None, f"{state}, destination {status}", message)


def _fmt(value: datetime) -> str:
    return (
        value.strftime("%Y-%m-%d %H:%M %Z").strip() if isinstance(value, datetime) else str(value)
    )


@dataclass(frozen=True, slots=True)
class Domain:
    """A ListDomains item."""

    name: str
    created_at: datetime | None
    last_updated_at: datetime | None
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> Domain:
        return cls(
            name=item["DomainName"],
            created_at=item.get("CreatedAt"),
            last_updated_at=item.get("LastUpdatedAt"),
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class EventStreamSummary:
    """A ListEventStreams item."""

    domain_name: str
    name: str
    arn: str
    state: str
    destination_uri: str
    health: StreamHealth
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> EventStreamSummary:
        dest = item.get("DestinationSummary") or {}
        return cls(
            domain_name=item.get("DomainName", ""),
            name=item.get("EventStreamName", ""),
            arn=item.get("EventStreamArn", ""),
            state=item.get("State", ""),
            destination_uri=dest.get("Uri", ""),
            health=stream_health(item.get("State"), dest, item.get("StoppedSince")),
            raw=jsonable(item),
        )


@dataclass(frozen=True, slots=True)
class EventStream:
    """A GetEventStream result (the detail view)."""

    domain_name: str
    name: str
    arn: str
    created_at: datetime | None
    state: str
    destination_uri: str
    health: StreamHealth
    tags: dict[str, str] = field(compare=False, hash=False)
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_api(cls, name: str, response: dict[str, Any]) -> EventStream:
        item = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        dest = item.get("DestinationDetails") or {}
        return cls(
            domain_name=item.get("DomainName", ""),
            name=name,
            arn=item.get("EventStreamArn", ""),
            created_at=item.get("CreatedAt"),
            state=item.get("State", ""),
            destination_uri=dest.get("Uri", ""),
            health=stream_health(
                item.get("State"), dest, item.get("StoppedSince"), dest.get("Message")
            ),
            tags=dict(item.get("Tags") or {}),
            raw=jsonable(item),
        )


def list_domains(
    factory: Any, token: str | None = None, max_results: int | None = None
) -> Page[Domain]:
    """One page of ListDomains."""
    resp = call(factory, SERVICE, "ListDomains", NextToken=token, MaxResults=max_results)
    return Page([Domain.from_api(i) for i in resp.get("Items", [])], resp.get("NextToken") or None)


def list_event_streams(
    factory: Any, domain_name: str, token: str | None = None, max_results: int | None = None
) -> Page[EventStreamSummary]:
    """One page of ListEventStreams for ``domain_name``."""
    resp = call(
        factory,
        SERVICE,
        "ListEventStreams",
        resource=f"domain {domain_name}",
        DomainName=domain_name,
        NextToken=token,
        MaxResults=max_results,
    )
    return Page(
        [EventStreamSummary.from_api(i) for i in resp.get("Items", [])],
        resp.get("NextToken") or None,
    )


def get_event_stream(factory: Any, domain_name: str, event_stream_name: str) -> EventStream:
    """GetEventStream: the stream's detail, with its destination's health message."""
    resp = call(
        factory,
        SERVICE,
        "GetEventStream",
        resource=f"event stream {event_stream_name} in domain {domain_name}",
        DomainName=domain_name,
        EventStreamName=event_stream_name,
    )
    return EventStream.from_api(event_stream_name, resp)
