"""Requests per second of the sandbox for cheap calls, against a trivial HTTPS app in the same run.

Why: the baseline is the same threaded werkzeug HTTPS server (same certificate, same TLS setup)
answering every request with an empty 200, so the ratio isolates what the sandbox itself costs
(routing, fault draw, validation, recording) from boto3 and TLS. Run:
    python tests/benchmarks/bench_sandbox.py [--seconds 2] [--threads 1,4,8]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.sandbox import start_sandbox
from tui.sandbox.server import serve
from tui.sandbox.tls import make_certificate


def _trivial_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    stream = environ["wsgi.input"]
    stream.read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


def _client(service: str, endpoint: str, bundle: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        verify=bundle,
        region_name="us-east-1",
        aws_access_key_id="AKIABENCH",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=64),
    )


def _personalize_call(client: Any) -> None:
    client.put_events(
        trackingId="bench",
        sessionId="s",
        eventList=[{"eventType": "click", "sentAt": 1_700_000_000, "properties": '{"a": "1"}'}],
    )


def _events_call(client: Any) -> None:
    client.put_partner_events(
        Entries=[
            {"Source": "aws.partner/bench.example/app", "DetailType": "t", "Detail": '{"n": 1}'}
        ]
    )


def measure(
    service: str,
    call: Callable[[Any], None],
    endpoint: str,
    bundle: str,
    threads: int,
    seconds: float,
) -> float:
    """Calls per second from `threads` threads, each with its own client, for `seconds`."""
    clients = [_client(service, endpoint, bundle) for _ in range(threads)]
    for client in clients:
        call(client)  # warm: connection, TLS handshake, model loading
    counts = [0] * threads
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(threads + 1)

    def work(index: int) -> None:
        barrier.wait()
        while time.perf_counter() < stop:
            call(clients[index])
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    started = time.perf_counter()
    barrier.wait()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", default="1,4,8")
    args = parser.parse_args()
    thread_counts = [int(n) for n in args.threads.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    cert, key = make_certificate(tmp)
    server, _thread = serve(_trivial_app, "127.0.0.1", 0, cert, key)  # type: ignore[arg-type]
    baseline = f"https://127.0.0.1:{server.server_port}"
    rows = []
    with start_sandbox(demo=False) as sb:
        for threads in thread_counts:
            base = measure(
                "personalize-events", _personalize_call, baseline, str(cert), threads, args.seconds
            )
            pers = measure(
                "personalize-events",
                _personalize_call,
                sb.endpoint,
                sb.ca_bundle,
                threads,
                args.seconds,
            )
            sb.reset_received()
            ebase = measure("events", _events_call, baseline, str(cert), threads, args.seconds)
            evts = measure("events", _events_call, sb.endpoint, sb.ca_bundle, threads, args.seconds)
            sb.reset_received()
            rows.append((threads, base, pers, ebase, evts))
    server.shutdown()
    server.server_close()

    print(f"{'threads':>7} | {'personalize: baseline':>21} | {'sandbox':>7} | {'ratio':>5} | "
          f"{'events: baseline':>16} | {'sandbox':>7} | {'ratio':>5}")  # fmt: skip
    print("-" * 86)
    for threads, base, pers, ebase, evts in rows:
        print(f"{threads:>7} | {base:>21.0f} | {pers:>7.0f} | {pers / base:>5.2f} | "
              f"{ebase:>16.0f} | {evts:>7.0f} | {evts / ebase:>5.2f}")  # fmt: skip
    print("\nrequests/second; baseline: the same threaded werkzeug HTTPS server answering every "
          "request with an empty 200, same boto3 call (personalize put_events with one event; "
          "events put_partner_events with one entry).")  # fmt: skip
    print(json.dumps({"rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
