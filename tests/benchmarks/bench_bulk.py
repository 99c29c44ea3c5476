"""Bulk-send 10,000 Personalize events: BulkSender vs a plain boto3 loop vs the AWS CLI in a shell loop.

Run: ``python tests/benchmarks/bench_bulk.py [--events 10000] [--workers 8] [--cli-calls 50]``.
The sandbox runs in a separate process (so it does not share the client's GIL); every method
sends to the same sandbox in the same run, with the same concurrency for BulkSender and boto3.
BulkSender and boto3 run interleaved for ``--rounds`` rounds; each figure is the median with its
min–max and the paired ratio per round (tests/benchmarks/harness.py), with the load printed.
The AWS CLI is run for a small sample of calls and extrapolated linearly (said in the table).

Loop pauses (``--pauses``, on by default; ``--no-pauses`` skips it): the real app runs headless
under Pilot with the bulk-import dialog over a file of ``--events`` lines, its pool as big as the
workers. A 50 ms interval timer records its lateness and a key press every 100 ms records
key-press-to-paint (the key updates a line of the dialog), first idle with the checked file on
screen, then while the send runs with every pool slot busy; p50/p99/max of both, same run.
"""

from __future__ import annotations

import argparse
import asyncio
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

from harness import Table, interleave, isolate_home, load_line, start_sandbox_process
from loop_trace import CallTrace, GcTrace, GilProbe, LoopTrace, print_report

from tui.services.bulk import BulkSender
from tui.services.options import ConnectionOptions
from tui.services.outbox import Outbox
from tui.services.pool import CallPool
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
        # The app's pool is as big as its workers (both are the pool-size setting): the same here.
        factory = ClientFactory(options, CallPool(workers))
        sender = BulkSender(factory, "personalize-events", outbox=Outbox(Path(tmp)),
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


async def loop_pauses(
    options: ConnectionOptions, n: int, workers: int, tmp: Path, trace: bool = False
) -> Any:
    """Timer lateness and key-press-to-paint in the app: idle, then during a saturated bulk send."""
    from dataclasses import replace

    from bench_scale import Pauses
    from textual import events as tevents
    from textual.widgets import Input, Static

    from tui.app import EventdeckApp
    from tui.context import AppContext
    from tui.settings import Settings, WorkerSettings
    from tui.ui.screens.bulk_import import BulkImportScreen

    class Probe(BulkImportScreen):
        """The bulk dialog, plus a line that shows the last j/k pressed (so a key paints)."""

        def on_key(self, event: tevents.Key) -> None:
            if event.key in ("j", "k"):
                self.query_one("#bulk-hint", Static).update(
                    f"key {event.key} {time.perf_counter()}"
                )

    path = tmp / "pauses.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events(n)))
    settings = replace(Settings(), workers=WorkerSettings(pool_size=workers))
    ctx = AppContext(options=options, settings=settings, pool=CallPool(workers),
                     outbox_root=tmp / "outbox")  # fmt: skip
    app = EventdeckApp(ctx)
    pauses = Pauses()
    original_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is not None:
            pauses.painted()

    app._display = display  # type: ignore[method-assign]
    tracers = (LoopTrace(), GilProbe(), GcTrace(), CallTrace()) if trace else ()

    def phase(name: str) -> None:
        pauses.set(name)
        for tracer in tracers[:3]:
            tracer.phase = name  # type: ignore[attr-defined]

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = Probe(ctx, Outbox(tmp / "outbox"), "personalize-events",
                       {"trackingId": "t", "sessionId": "s"})  # fmt: skip
        await app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#bulk-path", Input).value = str(path)
        screen.check()

        async def keys_while(cond: Any, timeout: float = 600) -> None:
            down, next_key, deadline = True, time.perf_counter(), time.perf_counter() + timeout
            while not cond():
                now = time.perf_counter()
                if now >= next_key:
                    pauses.key_sent()
                    app.post_message(tevents.Key("j" if down else "k", "j" if down else "k"))
                    down, next_key = not down, now + 0.1
                if now > deadline:
                    raise RuntimeError("timed out")
                await asyncio.sleep(0.002)

        await keys_while(lambda: screen.report is not None)
        await pilot.pause()
        app.set_interval(0.05, pauses.tick)
        for tracer in tracers:
            tracer.start()
        phase("idle (file checked)")
        idle_until = time.perf_counter() + 3.0
        await keys_while(lambda: time.perf_counter() >= idle_until)
        phase(f"bulk send, {workers} slots busy")
        screen.action_send()
        await keys_while(lambda: screen.tally is not None)
        assert screen.tally is not None and screen.tally.sent == n, screen.tally
        phase("done")
        for tracer in tracers:
            tracer.stop()
    print_report(*tracers)
    return pauses


def print_pauses(pauses: Any, n: int, workers: int, load: str) -> None:
    from bench_scale import pct

    print(f"\nLoop pauses, app headless at 80x24, bulk import of {n:,} Personalize events, "
          f"pool of {workers}; {load}")  # fmt: skip
    for phase in pauses.late:
        if phase == "done":
            continue
        print(f"  {phase:<26} timer lateness  {pct(pauses.late.get(phase, []))}")
        print(f"  {'':<26} key to paint    {pct(pauses.key_to_paint(phase))}")
    print("  target: no pause over 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--cli-calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pauses", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--pause-events", type=int, default=10_000)
    parser.add_argument("--pauses-only", action="store_true", help="skip the send timings")
    parser.add_argument("--pause-runs", type=int, default=1)
    parser.add_argument("--trace", action="store_true",
                        help="with the pauses: slow loop callbacks, GIL probe, long C calls")  # fmt: skip
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-bulk-home-"))
    isolate_home(home)  # the app's settings, outbox and logs go here, never the user's

    sb = start_sandbox_process("--seed", "1")
    for key, value in sb.env.items():
        if key != "AWS_ENDPOINT_URL":
            os.environ[key] = value
    endpoint, ca = sb.endpoint, sb.ca_bundle
    print(f"sandbox {endpoint} (its own process); python {sys.version.split()[0]}, {load_line()}")
    options = ConnectionOptions(
        region="us-east-1", endpoint_url=endpoint, ca_bundle=ca, max_attempts=3
    )
    times: dict[str, list[float]] = {}
    cli_sample = 0.0
    pause_runs: list[tuple[Any, str]] = []
    try:
        if not args.pauses_only:
            bench_boto3(options, 500, args.workers)  # warm-up: TLS, connection pool, models
            bench_bulk_sender(options, 500, args.workers)

            def checked(send: Any) -> float:
                reset(endpoint, ca)
                took = float(send(options, args.events, args.workers))
                assert received_count(endpoint, ca) == args.events
                return took

            times = interleave(
                {"boto3": lambda: checked(bench_boto3),
                 "bulk": lambda: checked(bench_bulk_sender)},
                args.rounds,
                warmup=0,
            )  # fmt: skip
            cli_sample = bench_cli(endpoint, ca, args.cli_calls)
        if args.pauses or args.pauses_only:
            for run in range(args.pause_runs):
                # Each run its own outbox: a second run of the same file would find every line
                # delivered already (the ledger) and send nothing.
                runs = home / f"pauses-{run}"
                runs.mkdir()
                pauses = asyncio.run(
                    loop_pauses(options, args.pause_events, args.workers, runs, args.trace)
                )
                pause_runs.append((pauses, load_line()))  # the load when that run ended
    finally:
        sb.stop()

    if times:
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
    for pauses, load in pause_runs:
        print_pauses(pauses, args.pause_events, args.workers, load)


if __name__ == "__main__":
    main()
