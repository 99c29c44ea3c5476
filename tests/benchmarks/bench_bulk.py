"""Bulk-send 10,000 Personalize events: BulkSender vs a plain boto3 loop vs the AWS CLI in a shell loop.

Run: ``python tests/benchmarks/bench_bulk.py [--events 10000] [--workers 8] [--cli-calls 50]``.
The sandbox runs in a separate process (so it does not share the client's GIL); every method
sends to the same sandbox in the same run, with the same concurrency for BulkSender and boto3.
BulkSender and boto3 run interleaved for ``--rounds`` rounds; each figure is the median with its
min–max and the paired ratio per round (tests/benchmarks/harness.py), with the load printed.
The AWS CLI is run for a small sample of calls and extrapolated linearly (said in the table).
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Table, interleave, load_line, start_sandbox_process

from tui.services.bulk import BulkSender
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.session import ClientFactory


def events(n: int) -> list[dict[str, Any]]:
    return [{"eventType": "click", "sentAt": "2024-05-01T12:00:00Z", "itemId": f"item-{i}"}
            for i in range(n)]  # fmt: skip


def received_count(endpoint: str, ca: str) -> int:
    ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(f"{endpoint}/_sandbox/received", context=ctx) as response:
        return len(json.loads(response.read())["personalize-events"])


def reset(endpoint: str, ca: str) -> None:
    ctx = ssl.create_default_context(cafile=ca)
    request = urllib.request.Request(f"{endpoint}/_sandbox/received", method="DELETE")
    urllib.request.urlopen(request, context=ctx).close()


def bench_bulk_sender(options: ConnectionOptions, n: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        sender = BulkSender(ClientFactory(options), "personalize-events", outbox=Outbox(Path(tmp)),
                            workers=workers, tracking_id="t", session_id="s")  # fmt: skip
        started = time.perf_counter()
        tally = sender.run(events(n), total=n)
        elapsed = time.perf_counter() - started
    assert tally.sent == n, tally
    return elapsed


def bench_boto3(options: ConnectionOptions, n: int, workers: int) -> float:
    config = Config(retries={"mode": "standard", "total_max_attempts": options.max_attempts},
                    max_pool_connections=32)  # fmt: skip
    client = boto3.session.Session().client(
        "personalize-events", endpoint_url=options.endpoint_url, verify=options.ca_bundle,
        region_name=options.region, config=config,
    )  # fmt: skip
    started = time.perf_counter()
    items = events(n)
    batches = []
    for i in range(0, n, 10):
        chunk = [
            {**e, "eventId": str(uuid.uuid4()), "sentAt": "2024-05-01T12:00:00Z"}
            for e in items[i : i + 10]
        ]
        batches.append({"trackingId": "t", "sessionId": "s", "eventList": chunk})
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda params: client.put_events(**params), batches))
    return time.perf_counter() - started


def bench_cli(endpoint: str, ca: str, calls: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        request = {"trackingId": "t", "sessionId": "s",
                   "eventList": [{**e, "eventId": str(uuid.uuid4())} for e in events(10)]}  # fmt: skip
        path = Path(tmp) / "req.json"
        path.write_text(json.dumps(request))
        aws = Path(sys.executable).with_name("aws")
        script = (f'for i in $(seq {calls}); do "{aws}" personalize-events put-events '
                  f'--endpoint-url {endpoint} --ca-bundle {ca} --cli-input-json file://{path} '
                  "|| exit 1; done")  # fmt: skip
        started = time.perf_counter()
        subprocess.run(["bash", "-c", script], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--cli-calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    sb = start_sandbox_process("--seed", "1")
    for key, value in sb.env.items():
        if key != "AWS_ENDPOINT_URL":
            os.environ[key] = value
    endpoint, ca = sb.endpoint, sb.ca_bundle
    print(f"sandbox {endpoint} (its own process); python {sys.version.split()[0]}, {load_line()}")
    options = ConnectionOptions(
        region="us-east-1", endpoint_url=endpoint, ca_bundle=ca, max_attempts=3
    )
    try:
        bench_boto3(options, 500, args.workers)  # warm-up: TLS, connection pool, model loading
        bench_bulk_sender(options, 500, args.workers)

        def checked(send: Any) -> float:
            reset(endpoint, ca)
            took = float(send(options, args.events, args.workers))
            assert received_count(endpoint, ca) == args.events
            return took

        times = interleave(
            {"boto3": lambda: checked(bench_boto3), "bulk": lambda: checked(bench_bulk_sender)},
            args.rounds,
            warmup=0,
        )
        cli_sample = bench_cli(endpoint, ca, args.cli_calls)
    finally:
        sb.stop()

    cli = cli_sample / args.cli_calls * (args.events / 10)
    table = Table(
        f"{args.events:,} Personalize events, 10 per call, {args.workers} workers, "
        f"{args.rounds} interleaved rounds; baseline: plain boto3 with a thread pool",
        unit="s",
        scale=1.0,
    )
    table.add("plain boto3, ThreadPoolExecutor (baseline)", times["boto3"], times["boto3"])
    table.add("eventdeck BulkSender (validated, journaled)", times["bulk"], times["boto3"])
    table.add(
        f"aws CLI put-events in a shell loop (from {args.cli_calls} calls)",
        [cli],
        None,
    )
    table.notes.append("target: BulkSender within 1.05x of plain boto3")
    table.print()


if __name__ == "__main__":
    main()
