"""Bulk-send 10,000 Personalize events: BulkSender vs a plain boto3 loop vs the AWS CLI in a shell loop.

Run: ``python tests/benchmarks/bench_bulk.py [--events 10000] [--workers 8] [--cli-calls 50]``.
The sandbox runs in a separate process (so it does not share the client's GIL); every method
sends to the same sandbox in the same run, with the same concurrency for BulkSender and boto3.
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

from tui.services.bulk import BulkSender
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.session import ClientFactory

SANDBOX = """
import json, sys, time
from tui.sandbox import start_sandbox
sb = start_sandbox(host="127.0.0.1", port=0, seed=1)
print(json.dumps({"env": sb.env(), "endpoint": sb.endpoint, "ca": sb.ca_bundle}), flush=True)
sys.stdin.read()
sb.stop()
"""


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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    proc = subprocess.Popen([sys.executable, "-c", SANDBOX], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    info = json.loads(proc.stdout.readline())
    for key, value in info["env"].items():
        if key != "AWS_ENDPOINT_URL":
            os.environ[key] = value
    endpoint, ca = info["endpoint"], info["ca"]
    options = ConnectionOptions(
        region="us-east-1", endpoint_url=endpoint, ca_bundle=ca, max_attempts=3
    )
    try:
        bench_boto3(options, 500, args.workers)  # warm-up: TLS, connection pool, model loading
        bench_bulk_sender(options, 500, args.workers)
        boto_times, bulk_times = [], []
        for _ in range(args.rounds):  # interleaved so drift hits both alike
            reset(endpoint, ca)
            boto_times.append(bench_boto3(options, args.events, args.workers))
            assert received_count(endpoint, ca) == args.events
            reset(endpoint, ca)
            bulk_times.append(bench_bulk_sender(options, args.events, args.workers))
            assert received_count(endpoint, ca) == args.events
        cli_sample = bench_cli(endpoint, ca, args.cli_calls)
    finally:
        proc.stdin.close()
        proc.wait(10)

    boto, bulk = min(boto_times), min(bulk_times)
    cli = cli_sample / args.cli_calls * (args.events / 10)
    rows = [
        ("plain boto3, ThreadPoolExecutor", boto, "measured"),
        ("eventdeck BulkSender (validated, journaled)", bulk, "measured"),
        ("aws personalize-events put-events, shell loop", cli,
         f"extrapolated from {args.cli_calls} calls ({cli_sample:.1f} s)"),
    ]  # fmt: skip
    print(f"\n{args.events:,} Personalize events, 10 per call, {args.workers} workers, "
          f"best of {args.rounds} rounds; sandbox in its own process\n")  # fmt: skip
    print(f"{'method':<48} {'seconds':>8} {'events/s':>9} {'vs boto3':>9}  note")
    for name, seconds, note in rows:
        print(
            f"{name:<48} {seconds:8.2f} {args.events / seconds:9.0f} {seconds / boto:8.2f}x  {note}"
        )
    print(
        f"\nBulkSender overhead vs plain boto3: {(bulk / boto - 1) * 100:+.1f}% (target: within 10%)"
    )
    print(
        "all rounds (s): boto3 "
        + ", ".join(f"{t:.2f}" for t in boto_times)
        + "; bulk "
        + ", ".join(f"{t:.2f}" for t in bulk_times)
    )


if __name__ == "__main__":
    main()
