"""Requests per second of the sandbox for cheap calls, against a trivial HTTPS app, in one run.

Why: the baseline is the same threaded werkzeug HTTPS server (same certificate code, same TLS
setup) answering every request with an empty 200, so the ratio isolates what the sandbox itself
costs (routing, fault draw, validation, recording) from boto3 and TLS. Both servers run in their
own processes (as ``eventdeck sandbox`` does), never sharing the client's GIL; the two are
measured interleaved in rounds with paired ratios (tests/benchmarks/harness.py). Run:
    python tests/benchmarks/bench_sandbox.py [--seconds 2] [--threads 1,4,8] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, Table, interleave, load_line, start_sandbox_process

TRIVIAL_SERVER = """
import sys, tempfile
from pathlib import Path
from tui.sandbox.server import serve
from tui.sandbox.tls import make_certificate

def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]

cert, key = make_certificate(Path(tempfile.mkdtemp(prefix="bench-sandbox-")))
server, thread = serve(app, "127.0.0.1", 0, cert, key)
print(server.server_port, cert, flush=True)
sys.stdin.read()
server.shutdown()
"""


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


def reset_received(endpoint: str, bundle: str) -> None:
    """Forget what the sandbox recorded (so memory does not grow over the rounds)."""
    request = urllib.request.Request(f"{endpoint}/_sandbox/received", method="DELETE")
    urllib.request.urlopen(request, context=ssl.create_default_context(cafile=bundle)).close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", default="1,4,8")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    thread_counts = [int(n) for n in args.threads.split(",")]

    trivial = subprocess.Popen(
        [sys.executable, "-c", TRIVIAL_SERVER],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert trivial.stdout is not None and trivial.stdin is not None
    port, cert = trivial.stdout.readline().split()
    baseline = f"https://127.0.0.1:{port}"
    sb = start_sandbox_process("--no-demo")
    print(f"both servers in their own processes; python {sys.version.split()[0]}, {load_line()}")
    calls = {
        "personalize-events": (_personalize_call, "PutEvents with one event"),
        "events": (_events_call, "PutPartnerEvents with one entry"),
    }
    try:
        for service, (call, what) in calls.items():
            table = Table(
                f"{service} {what}: ms per call, all threads together (1 ÷ throughput) ({args.seconds:g} s a run, "
                f"{args.rounds} interleaved rounds); baseline: a trivial HTTPS app",
                unit="ms/call",
                scale=1000.0,
            )
            for threads in thread_counts:

                def rate(
                    endpoint: str,
                    bundle: str,
                    threads: int = threads,
                    call: Any = call,
                    service: str = service,
                ) -> float:
                    per_second = measure(service, call, endpoint, bundle, threads, args.seconds)
                    if endpoint == sb.endpoint:
                        reset_received(sb.endpoint, sb.ca_bundle)
                    return 1.0 / per_second  # seconds per call: lower is better, as elsewhere

                results = interleave(
                    {
                        "base": lambda rate=rate: rate(baseline, cert),
                        "sandbox": lambda rate=rate: rate(sb.endpoint, sb.ca_bundle),
                    },
                    args.rounds,
                    warmup=0,
                    quiet=True,
                )
                table.add(f"{threads} threads: trivial HTTPS app (baseline)", results["base"],
                          results["base"])  # fmt: skip
                table.add(f"{threads} threads: sandbox", results["sandbox"], results["base"])
            table.notes.append(
                "ratio = sandbox time per call ÷ trivial app time per call, paired by round; "
                "requests/second = 1000 ÷ the figure"
            )
            table.print()
    finally:
        sb.stop()
        trivial.stdin.close()
        trivial.wait(10)
    print(json.dumps({"load": load_line()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
