"""Paging: every item exactly once at every page size, across injected faults, resumable by token.

The pure tests drive Pager with a fake nextToken service; the sandbox tests go through real boto3
over HTTPS with the sandbox's fault injection (throttles, 500s, dropped connections) switched on.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.retries.standard import ExponentialBackoff

from tui.errors import EndpointError, EventdeckError, ServiceError, ThrottledError
from tui.services import codecatalyst as cc
from tui.services import customer_profiles as cp
from tui.services import ivs_realtime as ivs
from tui.services.options import ConnectionOptions
from tui.services.paging import Page, Pager
from tui.services.session import ClientFactory

FAULTS = "throttle=0.2,error=0.1,reset=0.05,seed=3"
TRANSIENT = (ThrottledError, ServiceError, EndpointError)


def drain(
    fetch: Callable[[str | None], Page[Any]], max_failures: int = 200
) -> tuple[list[Any], int]:
    """Page to the end like the UI does: on a failed page, retry from the last good token."""
    pager: Pager[Any] = Pager(fetch)
    items: list[Any] = []
    failures = 0
    while not pager.done:
        try:
            page = pager.fetch_next()
        except TRANSIENT:
            failures += 1
            assert failures <= max_failures, "the fault rate never let a page through"
            continue
        items.extend(page.items)
    return items, failures


# -- pure: a fake nextToken service ---------------------------------------------------------------
class FakeService:
    """Serves ``n`` items in pages; fails a seeded share of calls before doing anything."""

    def __init__(self, n: int, fail_rate: float = 0.0, seed: int = 0) -> None:
        self.data = list(range(n))
        self.rng = random.Random(seed)
        self.fail_rate = fail_rate
        self.calls = 0

    def list(self, token: str | None = None, max_results: int = 10) -> Page[int]:
        self.calls += 1
        if self.rng.random() < self.fail_rate:
            raise ThrottledError("fake throttle")
        start = int(token[1:]) if token else 0
        end = min(start + max_results, len(self.data))
        return Page(self.data[start:end], f"t{end}" if end < len(self.data) else None)


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 100])
@pytest.mark.parametrize("size", [1, 3, 10, 100])
def test_fake_every_item_once(n: int, size: int) -> None:
    svc = FakeService(n)
    items, _ = drain(functools.partial(svc.list, max_results=size))
    assert items == list(range(n))


@pytest.mark.parametrize("seed", range(5))
def test_fake_with_failures_no_loss_no_duplicates(seed: int) -> None:
    svc = FakeService(237, fail_rate=0.4, seed=seed)
    items, failures = drain(functools.partial(svc.list, max_results=7))
    assert items == list(range(237))
    assert failures > 0


def test_resume_from_any_token() -> None:
    svc = FakeService(50)
    pager: Pager[int] = Pager(functools.partial(svc.list, max_results=10))
    first = pager.fetch_next()
    token = pager.next_token
    assert first.items == list(range(10)) and token == "t10"
    resumed: Pager[int] = Pager(functools.partial(svc.list, max_results=10), start_token=token)
    assert list(resumed.items()) == list(range(10, 50))


def test_pages_are_lazy() -> None:
    svc = FakeService(1000)
    it: Iterator[int] = Pager(functools.partial(svc.list, max_results=10)).items()
    assert [next(it) for _ in range(15)] == list(range(15))
    assert svc.calls == 2


def test_repeated_token_stops_instead_of_looping() -> None:
    """Guard: Pager's seen-token check. Without it this fails (not hangs) at the 11th call."""
    calls = 0

    def echo(token: str | None) -> Page[int]:
        nonlocal calls
        calls += 1
        if calls > 10:
            raise AssertionError("the pager kept asking with a token it had already used")
        return Page([1], "same")

    assert list(Pager(echo).items()) == [1, 1]
    assert calls == 2


# -- against the sandbox -------------------------------------------------------------------------
@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore waits up to a second per throttled retry; the test only needs the retry, not the wait."""
    monkeypatch.setattr(
        ExponentialBackoff,
        "_DEFAULT_BACKOFF_CONFIG",
        {"throttling_base_scale": 0.002, "non_throttling_base_scale": 0.001},
    )


@pytest.fixture
def clean(sandbox_options: ConnectionOptions) -> ClientFactory:
    return ClientFactory(sandbox_options)


def _retrying(options: ConnectionOptions, attempts: int) -> ClientFactory:
    return ClientFactory(options.with_(max_attempts=attempts))


_BUSY: dict[str, tuple[str, str, str]] = {}


@pytest.fixture
def busy_participant(sandbox_env, clean: ClientFactory) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A participant with hundreds of events (the demo has one; found once, not hard-coded)."""
    if sandbox_env.endpoint not in _BUSY:
        _BUSY[sandbox_env.endpoint] = _find_busy_participant(clean)
    return _BUSY[sandbox_env.endpoint]


def _find_busy_participant(clean: ClientFactory) -> tuple[str, str, str]:
    for stage in ivs.list_stages(clean).items:
        for session in Pager(functools.partial(ivs.list_stage_sessions, clean, stage.arn)).items():
            fetch = functools.partial(
                ivs.list_participants, clean, stage.arn, session.session_id, max_results=100
            )
            for p in Pager(fetch).items():
                page = ivs.list_participant_events(
                    clean, stage.arn, session.session_id, p.participant_id, max_results=100
                )
                if page.next_token:
                    return stage.arn, session.session_id, p.participant_id
    pytest.fail("the sandbox demo data has no participant with more than 100 events")


def _keys(items: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    return [key(i) for i in items]


@pytest.mark.parametrize("size,attempts", [(100, 8), (37, 8), (9, 8), (23, 1)])
def test_participant_events_under_faults(
    sandbox_env, sandbox_options, clean, busy_participant, fast_backoff, size, attempts
) -> None:  # type: ignore[no-untyped-def]
    arn, sid, pid = busy_participant
    truth, _ = drain(
        functools.partial(ivs.list_participant_events, clean, arn, sid, pid, max_results=100)
    )
    assert len(truth) > 100
    sandbox_env.set_faults(FAULTS)
    factory = _retrying(sandbox_options, attempts)
    got, failures = drain(
        functools.partial(ivs.list_participant_events, factory, arn, sid, pid, max_results=size)
    )
    sandbox_env.set_faults(None)
    key = lambda e: (e.name, e.event_time, e.remote_participant_id)  # noqa: E731
    assert _keys(got, key) == _keys(truth, key)
    assert got == truth
    if attempts == 1:
        assert failures > 0  # errors did reach the pager, and it resumed from the last good token


@pytest.mark.parametrize("size,attempts", [(250, 8), (50, 8), (13, 8), (40, 1)])
def test_event_logs_under_faults(
    sandbox_env, sandbox_options, clean, fast_backoff, size, attempts
) -> None:  # type: ignore[no-untyped-def]
    start, end = cc.time_range("30d")
    space = "acme-platform"
    truth, _ = drain(
        functools.partial(cc.list_event_logs, clean, space, start, end, max_results=250)
    )
    assert len(truth) > 250
    assert len({log.id for log in truth}) == len(truth)
    sandbox_env.set_faults(FAULTS)
    factory = _retrying(sandbox_options, attempts)
    got, failures = drain(
        functools.partial(cc.list_event_logs, factory, space, start, end, max_results=size)
    )
    sandbox_env.set_faults(None)
    assert [log.id for log in got] == [log.id for log in truth]
    if attempts == 1:
        assert failures > 0


def test_large_space_pages_in_time_order_without_gaps(sandbox_env, clean) -> None:  # type: ignore[no-untyped-def]
    """demo-large, one hour: 250-item pages then small pages give the same ids in the same order."""
    start, end = cc.time_range("1h")
    big, _ = drain(
        functools.partial(cc.list_event_logs, clean, "demo-large", start, end, max_results=250)
    )
    small, _ = drain(
        functools.partial(cc.list_event_logs, clean, "demo-large", start, end, max_results=17)
    )
    assert big and [log.id for log in small] == [log.id for log in big]


@pytest.mark.parametrize("attempts", [8, 1])
def test_small_lists_under_faults(
    sandbox_env, sandbox_options, clean, fast_backoff, attempts
) -> None:  # type: ignore[no-untyped-def]
    stages, _ = drain(functools.partial(ivs.list_stages, clean))
    stage = stages[0]
    sessions, _ = drain(functools.partial(ivs.list_stage_sessions, clean, stage.arn))
    participants, _ = drain(
        functools.partial(ivs.list_participants, clean, stage.arn, sessions[0].session_id)
    )
    domains, _ = drain(functools.partial(cp.list_domains, clean))
    streams = {
        d.name: drain(functools.partial(cp.list_event_streams, clean, d.name))[0] for d in domains
    }
    spaces, _ = drain(functools.partial(cc.list_spaces, clean))
    assert len(stages) > 1 and len(sessions) > 1 and len(participants) > 1 and len(domains) > 1

    sandbox_env.set_faults(FAULTS)
    f = _retrying(sandbox_options, attempts)
    for size in (1, 2, 5):
        assert drain(functools.partial(ivs.list_stages, f, max_results=size))[0] == stages
        assert (
            drain(functools.partial(ivs.list_stage_sessions, f, stage.arn, max_results=size))[0]
            == sessions
        )
        got, _ = drain(
            functools.partial(
                ivs.list_participants, f, stage.arn, sessions[0].session_id, max_results=size
            )
        )
        assert got == participants
        assert drain(functools.partial(cp.list_domains, f, max_results=size))[0] == domains
        for name, expected in streams.items():
            assert (
                drain(functools.partial(cp.list_event_streams, f, name, max_results=size))[0]
                == expected
            )
    assert drain(functools.partial(cc.list_spaces, f))[0] == spaces
    sandbox_env.set_faults(None)


def test_throttle_everything_is_throttled_error(sandbox_env, sandbox_options, fast_backoff) -> None:  # type: ignore[no-untyped-def]
    sandbox_env.set_faults("throttle=1.0")
    factory = _retrying(sandbox_options, 4)
    with pytest.raises(ThrottledError) as info:
        ivs.list_stages(factory)
    assert "4 attempts" in info.value.message and "exhausted" in info.value.message
    with pytest.raises(ThrottledError):
        cp.list_domains(factory)
    with pytest.raises(ThrottledError):
        cc.list_spaces(factory)


def test_500_everything_is_service_error(sandbox_env, sandbox_options, fast_backoff) -> None:  # type: ignore[no-untyped-def]
    sandbox_env.set_faults("error=1.0")
    with pytest.raises(ServiceError, match="500"):
        ivs.list_stages(_retrying(sandbox_options, 2))


def test_reset_everything_is_endpoint_error(sandbox_env, sandbox_options, fast_backoff) -> None:  # type: ignore[no-untyped-def]
    sandbox_env.set_faults("reset=1.0")
    with pytest.raises(EndpointError) as info:
        ivs.list_stages(_retrying(sandbox_options, 2))
    assert sandbox_env.endpoint in info.value.message


def test_closed_port_is_endpoint_error(sandbox_options: ConnectionOptions) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"https://127.0.0.1:{port}"
    factory = ClientFactory(sandbox_options.with_(endpoint_url=url, max_attempts=1))
    with pytest.raises(EndpointError) as info:
        ivs.list_stages(factory)
    assert f"127.0.0.1:{port}" in info.value.message


def test_untrusted_certificate_names_ca_bundle(sandbox_options, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    factory = ClientFactory(sandbox_options.with_(ca_bundle=None, max_attempts=1))
    with pytest.raises(EndpointError) as info:
        ivs.list_stages(factory)
    assert "--ca-bundle" in (info.value.hint or "")


def test_errors_are_eventdeck_errors_with_cause(sandbox_env, sandbox_options) -> None:  # type: ignore[no-untyped-def]
    sandbox_env.set_faults("throttle=1.0")
    with pytest.raises(EventdeckError) as info:
        ivs.list_stages(_retrying(sandbox_options, 1))
    assert info.value.__cause__ is not None


def test_newer_items_reads_from_the_top_and_stops_at_the_first_known_page() -> None:
    """Follow's poll: newest-first pages until one holds a known item; never the whole history."""
    from tui.services.paging import newer_items

    items = list(range(100, 0, -1))  # newest first: 100, 99, … 1
    asked: list[str | None] = []

    def fetch(token: str | None) -> Page[int]:
        asked.append(token)
        start = int(token or 0)
        page = items[start : start + 10]
        return Page(page, str(start + 10) if start + 10 < len(items) else None)

    known = set(range(1, 86))  # 85 and older are shown already
    assert newer_items(fetch, known.__contains__) == list(range(100, 85, -1))
    assert asked == [None, "10"]  # two pages, not ten
    assert newer_items(fetch, lambda _: False, max_pages=3) == list(range(100, 70, -1))
