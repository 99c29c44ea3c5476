"""Customer Profiles sandbox backend: domains and their event streams (read side).

Routes, validation and the wire format come from botocore's customer-profiles model (rest-json,
GET with path and querystring members, epoch-second timestamps, ``Message`` in error bodies).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from moto.core.base_backend import BaseBackend

from tui.sandbox import demo
from tui.sandbox.backends import PerScope, load_scoped_demo
from tui.sandbox.backends.rest_json import ApiError, Response, RestJsonService, page

SERVICE = "customer-profiles"
ROUTE = "profile"
_DEFAULT_MAX = 100  # the model's maxSize100; AWS returns up to 100 when max-results is omitted

_api = RestJsonService(SERVICE, error_key="Message", validation_code="BadRequestException")


class CustomerProfilesBackend(BaseBackend):
    """Domains keyed by name; each holds its event streams keyed by name."""

    def __init__(self, region_name: str = demo.REGION, account_id: str = demo.ACCOUNT) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.domains: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        """Forget every domain."""
        with self.lock:
            self.domains.clear()

    def load(self, data: Mapping[str, Any]) -> None:
        """Add the domains of a ``customer_profiles`` data section (replacing same-named ones)."""
        domain_shape = _api.shape("ListDomainItem")
        stream_shape = _api.shape("GetEventStreamResponse")
        with self.lock:
            for raw in data.get("domains", []):
                domain = _api.from_data(
                    domain_shape, {k: v for k, v in raw.items() if k != "event_streams"}
                )
                name = domain["DomainName"]
                domain.setdefault("CreatedAt", datetime.now(UTC))
                domain.setdefault("LastUpdatedAt", domain["CreatedAt"])
                streams: dict[str, dict[str, Any]] = {}
                for raw_stream in raw.get("event_streams", []):
                    stream = _api.from_data(stream_shape, raw_stream)
                    stream.setdefault("DomainName", name)
                    stream_name = (
                        stream.get("EventStreamName")
                        or str(stream["EventStreamArn"]).rsplit("/", 1)[-1]
                    )
                    stream["EventStreamName"] = stream_name
                    streams[stream_name] = stream
                domain["event_streams"] = streams
                self.domains[name] = domain

    def domain(self, name: str) -> dict[str, Any]:
        """The domain, or the service's ResourceNotFoundException."""
        try:
            return self.domains[name]
        except KeyError:
            raise ApiError("ResourceNotFoundException", f"Domain {name} does not exist.") from None


_scoped: PerScope[CustomerProfilesBackend] = PerScope(CustomerProfilesBackend)
backend = _scoped.get()  # the default account and region's (tests patch it)


def _summary(stream: dict[str, Any]) -> dict[str, Any]:
    """An EventStreamSummary: the stored GetEventStream output with DestinationDetails summarised."""
    details = stream.get("DestinationDetails") or {}
    summary = dict(stream)
    summary["DestinationSummary"] = {k: v for k, v in details.items() if k != "Message"}
    return summary


def _list_domains(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        domains = [backend.domains[name] for name in sorted(backend.domains)]
        items, token = page(
            domains,
            params.get("NextToken"),
            params.get("MaxResults", _DEFAULT_MAX),
            "BadRequestException",
        )
    return {"Items": items, "NextToken": token}


def _list_event_streams(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        streams = backend.domain(params["DomainName"])["event_streams"]
        ordered = [_summary(streams[name]) for name in sorted(streams)]
        items, token = page(
            ordered,
            params.get("NextToken"),
            params.get("MaxResults", _DEFAULT_MAX),
            "BadRequestException",
        )
    return {"Items": items, "NextToken": token}


def _get_event_stream(params: dict[str, Any]) -> dict[str, Any]:
    backend = _scoped.get()
    with backend.lock:
        streams = backend.domain(params["DomainName"])["event_streams"]
        try:
            return dict(streams[params["EventStreamName"]])
        except KeyError:
            raise ApiError(
                "ResourceNotFoundException",
                f"Event stream {params['EventStreamName']} does not exist in domain {params['DomainName']}.",
            ) from None


_api.route("ListDomains", _list_domains)
_api.route("ListEventStreams", _list_event_streams)
_api.route("GetEventStream", _get_event_stream)


def handle(
    method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
) -> Response:
    """Serve one HTTP request addressed to customer-profiles."""
    return _api.handle(method, path, query, headers, body)


def reset() -> None:
    """Clear all state (every account's and region's)."""
    _scoped.reset()


def load(data: dict[str, Any]) -> None:
    """Add the ``customer_profiles`` section of a --data file on top of what is loaded."""
    _scoped.get().load(data)


def load_demo(seed: int, now: datetime | None = None) -> None:
    """Add the deterministic demo domains for ``seed`` (times relative to ``now``, default: the clock)."""
    _scoped.get().load(demo.customer_profiles(seed, now or datetime.now(UTC)))
    load_scoped_demo(
        "customer_profiles", seed, now or datetime.now(UTC), lambda data: _scoped.get().load(data)
    )
