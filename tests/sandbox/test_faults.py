"""Fault injection: spec parsing, determinism per seed, and exactly-once delivery under retries."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError, SSLError
from botocore.retries import standard

from tui.sandbox.faults import FaultInjector, FaultSpec, error_response

SOURCE = "aws.partner/example.com/faults"


def test_parse_full_spec() -> None:
    spec = FaultSpec.parse("throttle=0.1,error=0.05,latency=20ms,reset=0.01,seed=7")
    assert spec == FaultSpec(throttle=0.1, error=0.05, reset=0.01, latency=0.02, seed=7)
    assert FaultSpec.parse("latency=1.5s").latency == 1.5
    assert FaultSpec.parse(" latency = 0.25 ").latency == 0.25
    assert FaultSpec.parse("latency=1500ms,late=1.0") == FaultSpec(latency=1.5, late=1.0)


def test_late_answers_are_drawn_apart_from_the_other_faults() -> None:
    injector = FaultInjector("throttle=0.2,latency=1s,late=0.5,seed=3")
    drawn = [injector.draw() for _ in range(400)]
    late = [f for f in drawn if f.late]
    assert all(f.kind is None and f.latency == 1.0 for f in late)
    assert all(f.latency == 0.0 for f in drawn if not f.late)  # only late answers are delayed
    assert 0.3 < len(late) / len(drawn) < 0.5  # half of the ~80% served
    assert all(f.late for f in (FaultInjector("latency=1500ms,late=1.0").draw() for _ in range(9)))


@pytest.mark.parametrize(
    "bad",
    [
        "throttle",
        "throttle=2",
        "throttle=x",
        "bogus=1",
        "latency=fast",
        "seed=1.5",
        "throttle=0.6,error=0.6",
        "late=0.5",
        "latency=1s,late=2",
    ],
)
def test_parse_rejects_bad_specs(bad: str) -> None:
    with pytest.raises(ValueError):
        FaultSpec.parse(bad)


def test_injector_is_deterministic_for_a_seed_and_honours_shares() -> None:
    spec = "throttle=0.2,error=0.1,reset=0.1,seed=11"
    first = [FaultInjector(spec).draw().kind for _ in range(1)]
    one, two = FaultInjector(spec), FaultInjector(spec)
    seq1 = [one.draw().kind for _ in range(2000)]
    seq2 = [two.draw().kind for _ in range(2000)]
    assert seq1 == seq2 and seq1[:1] == first
    other = FaultInjector("throttle=0.2,error=0.1,reset=0.1,seed=12")
    assert [other.draw().kind for _ in range(2000)] != seq1
    share = {kind: seq1.count(kind) / len(seq1) for kind in ("throttle", "error", "reset", None)}
    assert 0.16 < share["throttle"] < 0.24 and 0.07 < share["error"] < 0.13
    assert 0.07 < share["reset"] < 0.13 and 0.52 < share[None] < 0.68
    assert FaultInjector(None).draw().kind is None


@pytest.mark.parametrize(
    ("route", "status", "header_code", "body_key"),
    [
        ("events", 400, "ThrottlingException", "__type"),
        ("personalize", 400, "ThrottlingException", "message"),
        ("profile", 429, "ThrottlingException", "Message"),
        ("bearer", 429, "ThrottlingException", "message"),
        ("ivs", 429, "ThrottlingException", "exceptionMessage"),
    ],
)
def test_throttle_is_spelled_per_service(
    route: str, status: int, header_code: str, body_key: str
) -> None:
    code, headers, body = error_response(route, "throttle")
    assert code == status and headers["x-amzn-ErrorType"] == header_code
    assert body_key in json.loads(body)
    assert error_response(route, "error")[0] == 500


def _events(sb: Any, attempts: int) -> Any:
    return boto3.client(
        "events",
        endpoint_url=sb.endpoint,
        verify=sb.ca_bundle,
        region_name=sb.region,
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )


def _outcomes(sb: Any, spec: str, count: int) -> list[str]:
    sb.set_faults(spec)
    client = _events(sb, 1)
    seen = []
    for n in range(count):
        entry = {"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": n})}
        try:
            client.put_partner_events(Entries=[entry])
            seen.append("ok")
        except ClientError as exc:
            seen.append(exc.response["Error"]["Code"])
        except (ConnectionClosedError, SSLError):
            # A dropped TLS connection surfaces as either, depending on when the RST lands.
            seen.append("reset")
    return seen


def test_sandbox_faults_repeat_for_a_seed_and_faulted_requests_have_no_effect(
    sandbox_env: Any,
) -> None:
    spec = "throttle=0.25,error=0.15,reset=0.1,seed=5"
    first = _outcomes(sandbox_env, spec, 40)
    recorded = len(sandbox_env.received()["events"])
    assert recorded == first.count("ok")
    sandbox_env.reset_received()
    assert _outcomes(sandbox_env, spec, 40) == first
    assert {"ok", "ThrottlingException", "InternalException", "reset"} <= set(first)


def test_latency_is_added(sandbox_env: Any) -> None:
    import time

    client = _events(sandbox_env, 1)
    entry = {"Source": SOURCE, "DetailType": "t", "Detail": "{}"}
    client.put_partner_events(Entries=[entry])  # warm the connection
    sandbox_env.set_faults("latency=150ms")
    started = time.perf_counter()
    client.put_partner_events(Entries=[entry])
    assert time.perf_counter() - started >= 0.15


def test_a_late_answer_was_processed(sandbox_env: Any) -> None:
    # The real failure: AWS did the work, the answer came after the client's read timeout.
    client = boto3.client(
        "events", endpoint_url=sandbox_env.endpoint, verify=sandbox_env.ca_bundle,
        region_name=sandbox_env.region,
        config=Config(read_timeout=0.2, retries={"mode": "standard", "total_max_attempts": 1}),
    )  # fmt: skip
    sandbox_env.set_faults("latency=600ms,late=1.0")
    with pytest.raises(ReadTimeoutError):
        client.put_partner_events(Entries=[{"Source": SOURCE, "DetailType": "t", "Detail": "{}"}])
    assert len(sandbox_env.received()["events"]) == 1


LATE_MIX = "throttle=0.15,error=0.1,reset=0.1,latency=500ms,late=0.25,seed=9"


def test_eventdeck_clients_record_every_event_at_most_once_and_say_which_are_unconfirmed(
    sandbox_env: Any, sandbox_options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under throttles, errors, resets and late answers: nothing twice, nothing called failed
    that may have arrived, and everything AWS answered for is there exactly once."""
    from tui.services.partner_events import send_partner_request
    from tui.services.personalize_events import send_personalize_request
    from tui.services.session import ClientFactory

    # botocore backs off up to seconds per throttle; the retry decisions stay real, the sleep goes.
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    factory = ClientFactory(sandbox_options.with_(read_timeout=0.25, max_attempts=12))
    sandbox = sandbox_env
    sandbox.set_faults(LATE_MIX)
    status: dict[tuple[int, int], str] = {}
    ids: dict[tuple[int, int], str] = {}
    event_status: dict[str, str] = {}
    for n in range(30):
        batch = [
            {"Source": SOURCE, "DetailType": "t", "Detail": json.dumps({"n": n, "k": k})}
            for k in range(2)
        ]
        result = send_partner_request(factory, {"Entries": batch})
        for k, entry in enumerate(result.entries):
            status[(n, k)] = entry.status
            if entry.event_id:
                ids[(n, k)] = entry.event_id
        presult = send_personalize_request(factory, {
            "trackingId": "t", "sessionId": f"s{n}",
            "eventList": [{"eventType": "click", "sentAt": 1_700_000_000 + n, "eventId": f"e{n}"}],
        })  # fmt: skip
        event_status[f"e{n}"] = presult.status
    sandbox.set_faults(None)
    got = sandbox.received()
    seen = Counter(
        (json.loads(i["Detail"])["n"], json.loads(i["Detail"])["k"]) for i in got["events"]
    )
    assert max(seen.values()) == 1  # never twice, whatever the faults
    assert {key for key, s in status.items() if s == "sent"} <= set(seen)
    assert not {key for key, s in status.items() if s == "failed"} & set(seen)
    late_but_there = {key for key, s in status.items() if s == "unconfirmed"} & set(seen)
    assert late_but_there, "the mix must include answers that came too late"
    assert {i["EventId"] for i in got["events"]} >= set(ids.values())
    recorded = Counter(item["eventId"] for item in got["personalize-events"])
    assert max(recorded.values()) == 1
    assert {e for e, s in event_status.items() if s == "sent"} <= set(recorded)
    assert not {e for e, s in event_status.items() if s == "failed"} & set(recorded)
