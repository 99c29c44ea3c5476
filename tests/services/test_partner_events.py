"""PutPartnerEvents through real boto3 against the sandbox: per-entry results, partial failure, re-send."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.errors import ReadOnlyError, ThrottledError
from tui.services.outbox import Outbox
from tui.services.partner_events import put_partner_events
from tui.services.session import ClientFactory

SOURCE = "aws.partner/example.com/orders"


def entry(n: int, **detail: Any) -> dict[str, Any]:
    return {"Source": SOURCE, "DetailType": "Order", "Detail": json.dumps({"n": n, **detail}),
            "Time": "-5m", "Resources": f"arn:aws:example:::order/{n}"}  # fmt: skip


def received_ns(sandbox: Any) -> list[int]:
    return sorted(json.loads(e["Detail"])["n"] for e in sandbox.received()["events"])


def test_send_three(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    result = put_partner_events(
        ClientFactory(sandbox_options), [entry(i) for i in range(3)], outbox=outbox
    )
    assert result.failed_count == 0 and result.failed_indexes == [] and result.error is None
    assert [r.index for r in result.entries] == [0, 1, 2]
    ids = [r.event_id for r in result.entries]
    assert all(ids) and len(set(ids)) == 3
    received = sandbox_env.received()["events"]
    assert sorted(e["EventId"] for e in received) == sorted(ids)  # type: ignore[type-var]
    assert received_ns(sandbox_env) == [0, 1, 2]
    assert received[0]["Resources"] == [
        f"arn:aws:example:::order/{json.loads(received[0]['Detail'])['n']}"
    ]
    record = outbox.get(result.batch_id or "")
    assert record is not None and not record.pending
    assert [e["EventId"] for e in record.results["entries"]] == ids  # type: ignore[index]
    assert record.context["endpoint"] == sandbox_options.endpoint_url
    assert outbox.pending() == []


def test_partial_failure_then_resend_only_failed(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    factory = ClientFactory(sandbox_options)
    outbox = Outbox(tmp_path / "outbox")
    batch = [entry(0), entry(1, sandbox_fail="InternalFailure"), entry(2),
             entry(3, sandbox_fail="ThrottlingException")]  # fmt: skip
    result = put_partner_events(factory, batch, outbox=outbox)
    assert result.failed_count == 2
    assert result.failed_indexes == [1, 3]
    assert result.entries[1].error_code == "InternalFailure" and result.entries[1].error_message
    assert result.entries[3].error_code == "ThrottlingException"
    assert result.entries[0].event_id and result.entries[2].event_id
    assert received_ns(sandbox_env) == [0, 2]

    # The user fixes the failed entries and presses R: only those are sent again.
    retry = [entry(i) for i in result.failed_indexes]
    again = put_partner_events(factory, retry, outbox=outbox)
    assert again.failed_count == 0
    assert received_ns(sandbox_env) == [0, 1, 2, 3]  # each exactly once
    history = outbox.history()
    assert [r.id for r in history] == [again.batch_id, result.batch_id]
    assert history[1].results["failed_count"] == 2  # type: ignore[index]


def test_read_only_refuses_before_anything(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options.with_(read_only=True))
    with pytest.raises(ReadOnlyError, match="read-only"):
        put_partner_events(factory, [entry(0)], outbox=outbox)
    assert outbox.history() == []
    assert sandbox_env.received()["events"] == []


def test_whole_call_failure_is_returned_and_journaled(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    sandbox_env.set_faults("throttle=1.0,seed=1")
    factory = ClientFactory(sandbox_options.with_(max_attempts=2))
    result = put_partner_events(factory, [entry(0), entry(1)], outbox=outbox)
    sandbox_env.set_faults(None)
    assert isinstance(result.error, ThrottledError)
    assert result.failed_indexes == [0, 1] and result.failed_count == 2
    assert result.entries[0].error_code == "ThrottledError"
    record = outbox.get(result.batch_id or "")
    assert record is not None and record.results["error"]["type"] == "ThrottledError"  # type: ignore[index]
    assert sandbox_env.received()["events"] == []


def test_a_late_answer_is_unconfirmed_not_failed_and_not_retried(
    sandbox_options, sandbox_env, tmp_path: Path
):  # type: ignore[no-untyped-def]
    # --cli-read-timeout shorter than the answer: EventBridge recorded the batch, no answer came.
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options.with_(read_timeout=0.3, max_attempts=5))
    sandbox_env.set_faults("latency=800ms,late=1.0")
    result = put_partner_events(factory, [entry(1), entry(2)], outbox=outbox)
    sandbox_env.set_faults(None)
    assert received_ns(sandbox_env) == [1, 2]  # once each: no automatic retry
    assert [r.status for r in result.entries] == ["unconfirmed", "unconfirmed"]
    assert result.failed_indexes == [] and result.unconfirmed_indexes == [0, 1]
    assert "may deliver them twice" in (result.entries[0].error_message or "")
    [record] = outbox.history()
    assert record.results is not None and record.results["unconfirmed_count"] == 2
    assert record.results["failed_count"] == 0
    assert all(e.get("Unconfirmed") for e in record.results["entries"])
    assert factory.pool.stats().retries == 0


def test_answered_throttles_are_still_retried(sandbox_options, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    from botocore.retries import standard

    factory = ClientFactory(sandbox_options.with_(max_attempts=20))
    sandbox_env.set_faults("throttle=0.5,error=0.2,seed=3")
    original = standard.ExponentialBackoff.delay_amount
    try:
        standard.ExponentialBackoff.delay_amount = lambda self, context: 0.0  # type: ignore[method-assign]
        result = put_partner_events(factory, [entry(n) for n in range(5)])
    finally:
        standard.ExponentialBackoff.delay_amount = original  # type: ignore[method-assign]
    sandbox_env.set_faults(None)
    assert result.failed_count == 0 and received_ns(sandbox_env) == [0, 1, 2, 3, 4]
    assert factory.pool.stats().retries > 0


def test_the_sending_path_takes_a_pool_slot_once_per_thread(sandbox_options, sandbox_env):  # type: ignore[no-untyped-def]
    # A UI send job already holds a slot; the service's own slot must not deadlock a pool of 1.
    from tui.services.pool import CallPool

    factory = ClientFactory(sandbox_options, CallPool(1))
    with factory.pool.slot():
        assert put_partner_events(factory, [entry(1)]).failed_count == 0
    assert factory.pool.stats().calls == 1 and factory.pool.stats().in_flight == 0
    assert put_partner_events(factory, [entry(2)]).failed_count == 0
    assert factory.pool.stats().calls == 2
