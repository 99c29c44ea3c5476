"""CodeCatalyst sandbox backend: spaces and their event logs, including one lazily generated huge space.

Event logs are served newest first (the order of CloudTrail's LookupEvents, which backs them; the
API reference does not state an order). Every space's events sit behind one interface keyed by an
integer that grows with time, so time ranges are found by bisection or arithmetic, never a scan, and
next tokens are that key: stable even while the huge demo space keeps growing.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from moto.core.base_backend import BaseBackend

from tui.sandbox import demo
from tui.sandbox.backends import PerScope, load_scoped_demo
from tui.sandbox.backends.rest_json import (
    ApiError,
    Response,
    RestJsonService,
    decode_token,
    encode_token,
)

SERVICE = "codecatalyst"
ROUTE = "bearer"
_DEFAULT_MAX = 50  # not stated by the model (1..250); 50 matches the other list operations here
_SPACES_PAGE = 20  # ListSpaces has no maxResults: the service pages at its own size
_SCAN_BUDGET = 20_000  # keys examined per eventName-filtered request before answering with a token

_api = RestJsonService(SERVICE, error_key="message", validation_code="ValidationException")


class EventSource(Protocol):
    """Events addressed by keys that increase with eventTime."""

    def bounds(self, start: datetime, end: datetime) -> tuple[int, int]: ...
    def name_at(self, key: int) -> str: ...
    def item_at(self, key: int) -> dict[str, Any]: ...


class ListEventSource:
    """A materialised list of events, sorted oldest first so a key is a list index."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = sorted(items, key=lambda e: e["eventTime"])
        self.times = [e["eventTime"].timestamp() for e in self.items]

    def bounds(self, start: datetime, end: datetime) -> tuple[int, int]:
        """Indices [lo, hi) of events with start <= eventTime <= end."""
        return bisect.bisect_left(self.times, start.timestamp()), bisect.bisect_right(
            self.times, end.timestamp()
        )

    def name_at(self, key: int) -> str:
        return str(self.items[key]["eventName"])

    def item_at(self, key: int) -> dict[str, Any]:
        return self.items[key]


class CodeCatalystBackend(BaseBackend):
    """Spaces keyed by name; each has a summary and an event source."""

    def __init__(self, region_name: str = demo.REGION, account_id: str = demo.ACCOUNT) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.spaces: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        """Forget every space."""
        with self.lock:
            self.spaces.clear()

    def load(self, data: Mapping[str, Any]) -> None:
        """Add the spaces of a ``codecatalyst`` data section (replacing same-named ones)."""
        entry_shape = _api.shape("EventLogEntry")
        with self.lock:
            for raw in data.get("spaces", []):
                space = {
                    k: v for k, v in raw.items() if k not in ("event_logs", "event_log_source")
                }
                space.setdefault("regionName", demo.REGION)
                source = raw.get("event_log_source")
                if source is None:
                    source = ListEventSource(
                        [_api.from_data(entry_shape, e) for e in raw.get("event_logs", [])]
                    )
                space["source"] = source
                self.spaces[space["name"]] = space

    def space(self, name: str) -> dict[str, Any]:
        """The space, or the service's ResourceNotFoundException."""
        try:
            return self.spaces[name]
        except KeyError:
            raise ApiError("ResourceNotFoundException", f"Space {name} was not found.") from None


_scoped: PerScope[CodeCatalystBackend] = PerScope(CodeCatalystBackend)
backend = _scoped.get()  # the default account and region's (tests patch it)


def _list_spaces(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        spaces = [backend.spaces[name] for name in sorted(backend.spaces)]
    start = decode_token(params.get("nextToken"), "ValidationException") or 0
    end = start + _SPACES_PAGE
    return {
        "items": spaces[start:end],
        "nextToken": encode_token(end) if end < len(spaces) else None,
    }


def _list_event_logs(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    start, end = params["startTime"], params["endTime"]
    if start > end:
        raise ApiError("ValidationException", "startTime must be before endTime.")
    with backend.lock:
        source: EventSource = backend.space(params["spaceName"])["source"]
    lo, hi = source.bounds(start, end)
    cursor = decode_token(params.get("nextToken"), "ValidationException")
    key = hi - 1 if cursor is None else min(cursor, hi - 1)
    limit = int(params.get("maxResults", _DEFAULT_MAX))
    wanted = params.get("eventName")
    items: list[dict[str, Any]] = []
    budget = _SCAN_BUDGET
    while key >= lo and len(items) < limit and budget > 0:
        if wanted is None or source.name_at(key) == wanted:
            items.append(source.item_at(key))
        key -= 1
        budget -= 1
    return {"items": items, "nextToken": encode_token(key) if key >= lo else None}


_api.route("ListSpaces", _list_spaces)
_api.route("ListEventLogs", _list_event_logs)


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> Response:
    """Serve one HTTP request addressed to CodeCatalyst (the dispatcher has checked the bearer token)."""
    return _api.handle(method, path, query, headers, body)


def reset() -> None:
    """Clear all state (every account's and region's)."""
    _scoped.reset()


def load(data: dict[str, Any]) -> None:
    """Add the ``codecatalyst`` section of a --data file on top of what is loaded."""
    _scoped.get().load(data)


def load_demo(seed: int, now: datetime | None = None) -> None:
    """Add the demo spaces for ``seed``; the huge one keeps growing with the clock after ``now``.

    ``EVENTDECK_SANDBOX_LARGE_COUNT`` (a benchmark knob) sets how many logs the huge space holds
    over its 30 days (default 120,000): bench_scale pages a million.
    """
    count = int(os.environ.get("EVENTDECK_SANDBOX_LARGE_COUNT") or 120_000)
    _scoped.get().load(
        demo.codecatalyst(seed, now or datetime.now(UTC), large_count=count, live=now is None)
    )
    load_scoped_demo(
        "codecatalyst", seed, now or datetime.now(UTC), lambda data: _scoped.get().load(data)
    )
