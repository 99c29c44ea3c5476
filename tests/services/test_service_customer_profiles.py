"""Customer Profiles: stream health verdicts, and every operation and error against the sandbox."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

import pytest

from tui.errors import NotFoundError
from tui.services import customer_profiles as cp
from tui.services.options import ConnectionOptions
from tui.services.paging import Pager
from tui.services.session import ClientFactory

T = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "state,dest,stopped,level,since",
    [
        ("RUNNING", {"Uri": "u", "Status": "HEALTHY"}, None, "ok", None),
        ("RUNNING", {"Uri": "u", "Status": "UNHEALTHY", "UnhealthySince": T}, None, "unhealthy", T),
        ("STOPPED", {"Uri": "u", "Status": "HEALTHY"}, T, "stopped", T),
        ("STOPPED", {"Uri": "u", "Status": "UNHEALTHY", "UnhealthySince": T}, T, "stopped", T),
        ("RUNNING", {}, None, "unhealthy", None),
        (None, None, None, "unhealthy", None),
    ],
)
def test_stream_health(state, dest, stopped, level, since) -> None:  # type: ignore[no-untyped-def]
    health = cp.stream_health(state, dest, stopped)
    assert health.level == level and health.since == since
    assert health.flagged is (level != "ok")
    if since:
        assert "2025-03-01 08:30" in health.summary
    if level == "stopped":
        assert health.summary.startswith("STOPPED")


def test_summary_from_api() -> None:
    item = {
        "DomainName": "d",
        "EventStreamName": "s",
        "EventStreamArn": "arn",
        "State": "RUNNING",
        "DestinationSummary": {"Uri": "arn:kinesis", "Status": "UNHEALTHY", "UnhealthySince": T},
    }
    summary = cp.EventStreamSummary.from_api(item)
    assert summary.health.level == "unhealthy" and summary.destination_uri == "arn:kinesis"
    assert summary.raw["DestinationSummary"]["UnhealthySince"] == "2025-03-01T08:30:00+00:00"


@pytest.fixture
def factory(sandbox_options: ConnectionOptions) -> ClientFactory:
    return ClientFactory(sandbox_options)


def test_round_trip_and_health_kinds(factory: ClientFactory) -> None:
    domains = list(Pager(functools.partial(cp.list_domains, factory)).items())
    assert domains and all(isinstance(d.created_at, datetime) for d in domains)
    levels: set[str] = set()
    for domain in domains:
        streams = list(
            Pager(functools.partial(cp.list_event_streams, factory, domain.name)).items()
        )
        for summary in streams:
            detail = cp.get_event_stream(factory, domain.name, summary.name)
            assert (detail.name, detail.arn, detail.state) == (
                summary.name,
                summary.arn,
                summary.state,
            )
            assert detail.health.level == summary.health.level
            assert "ResponseMetadata" not in detail.raw
            json.dumps(detail.raw)
            levels.add(detail.health.level)
            if detail.health.level != "ok":
                assert detail.health.since is not None
    # The demo data has RUNNING, STOPPED and UNHEALTHY streams.
    assert levels == {"ok", "stopped", "unhealthy"}


def test_paging_domains_one_at_a_time(factory: ClientFactory) -> None:
    everything = list(Pager(functools.partial(cp.list_domains, factory)).items())
    one_by_one = list(Pager(functools.partial(cp.list_domains, factory, max_results=1)).items())
    assert [d.name for d in one_by_one] == [d.name for d in everything]


def test_unknown_domain_and_stream(factory: ClientFactory) -> None:
    with pytest.raises(NotFoundError, match="nodomain"):
        cp.list_event_streams(factory, "nodomain")
    domain = cp.list_domains(factory).items[0].name
    with pytest.raises(NotFoundError, match="nostream"):
        cp.get_event_stream(factory, domain, "nostream")
