"""A bulk-import job records where it sends, and Resume never sends it anywhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.errors import ConfigError
from tui.services.bulk import resend_pending
from tui.services.bulk_jobs import import_file, resume_import
from tui.services.outbox import Outbox
from tui.services.session import ClientFactory

PROD = {"profile": "prod", "region": "eu-west-1", "endpoint": None}


def lines(path: Path, n: int) -> Path:
    path.write_text("".join(
        json.dumps({"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "itemId": f"i-{i}"})
        + "\n" for i in range(n)))  # fmt: skip
    return path


def test_import_job_records_its_destination(sandbox_options, sandbox_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    factory = ClientFactory(sandbox_options)
    tally = import_file(factory, outbox, lines(tmp_path / "e.jsonl", 3), "personalize-events",
                        tracking_id="t", session_id="s")  # fmt: skip
    assert tally.sent == 3
    (job_file,) = (tmp_path / "outbox" / "jobs").glob("*.json")
    job = json.loads(job_file.read_text())
    assert job["destination"] == {
        "profile": "default",
        "region": sandbox_env.region,
        "endpoint": sandbox_env.endpoint,
    }


def test_job_journaled_for_prod_is_not_resumed_here(
    sandbox_options, sandbox_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    outbox = Outbox(tmp_path / "outbox")
    source = lines(tmp_path / "e.jsonl", 30)
    job_id = outbox.start_job(
        "personalize-events", str(source), {"trackingId": "t", "sessionId": "s"}, PROD
    )
    batch = {"trackingId": "t", "sessionId": "s", "eventList": [
        {"eventType": "click", "sentAt": 1714564800, "eventId": "e-1"}]}  # fmt: skip
    record = outbox.record_batch("personalize-events", batch, {**PROD, "job": job_id})
    factory = ClientFactory(sandbox_options)
    with pytest.raises(ConfigError, match="prod · eu-west-1 · AWS"):
        resume_import(factory, outbox, job_id)
    assert resend_pending(factory, outbox).batches == 0  # nor as a plain pending batch
    assert [r.id for r in outbox.pending()] == [record.id]
    assert [j["id"] for j in outbox.unfinished_jobs()] == [job_id]
    assert sandbox_env.received()["personalize-events"] == []
