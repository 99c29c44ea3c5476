"""Service-layer overhead against raw boto3, side by side in one run against the same sandbox.

Run: ``python tests/benchmarks/bench_services.py [PAGES]`` (default 500). The sandbox runs in its
own process (no GIL shared with the client). Prints two tables: (1) ListParticipantEvents pages
through boto3 with eventdeck's timestamp parser (the baseline: the same work as eventdeck's
client), plain boto3 (dateutil timestamps), eventdeck's client, and
``ivs_realtime.list_participant_events`` (client + aws_call + typed items + JSON-able raw);
(2) parsing one 250-item ListEventLogs response with botocore's default timestamp parser against
the fast one. Variants run interleaved in rounds (tests/benchmarks/harness.py) and each round
gives one paired ratio per variant; medians with min–max and the load are printed.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import SandboxProcess, Table, interleave, load_line, start_sandbox_process

from tui.services import codecatalyst as cc
from tui.services import ivs_realtime as ivs
from tui.services.options import ConnectionOptions
from tui.services.session import ClientFactory
from tui.services.timeparse import (
    default_timestamp_parser,
    fast_parse_timestamp,
    install_fast_timestamp_parser,
)

ROUNDS = 7


def busy_participant(factory: ClientFactory) -> tuple[str, str, str]:
    """The demo participant with the most events (so pages are full)."""
    best: tuple[int, tuple[str, str, str]] | None = None
    for stage in ivs.list_stages(factory).items:
        for session in ivs.list_stage_sessions(factory, stage.arn).items:
            for p in ivs.list_participants(
                factory, stage.arn, session.session_id, max_results=100
            ).items:
                page = ivs.list_participant_events(
                    factory, stage.arn, session.session_id, p.participant_id, max_results=100
                )
                size = len(page.items) + (1000 if page.next_token else 0)
                if best is None or size > best[0]:
                    best = (size, (stage.arn, session.session_id, p.participant_id))
    assert best is not None
    return best[1]


def page_loop(fetch: Callable[[str | None], str | None], pages: int) -> float:
    """Fetch ``pages`` pages, wrapping to the first page at the end; seconds taken."""
    token: str | None = None
    start = time.perf_counter()
    for _ in range(pages):
        token = fetch(token)
    return time.perf_counter() - start


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    sb = start_sandbox_process("--seed", "1")
    print(
        f"sandbox {sb.endpoint} (its own process); python {sys.version.split()[0]}, {load_line()}"
    )
    try:
        for key, value in sb.env.items():
            if key != "AWS_ENDPOINT_URL":
                os.environ[key] = value
        options = ConnectionOptions(
            region="us-east-1", endpoint_url=sb.endpoint, ca_bundle=sb.ca_bundle, max_attempts=3
        )
        factory = ClientFactory(options)
        arn, sid, pid = busy_participant(factory)
        query = {"stageArn": arn, "sessionId": sid, "participantId": pid, "maxResults": 100}

        def boto3_client(fast: bool) -> Any:
            session = boto3.session.Session(region_name="us-east-1")
            if fast:
                install_fast_timestamp_parser(session)
            return session.client(
                "ivs-realtime",
                endpoint_url=sb.endpoint,
                verify=sb.ca_bundle,
                config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
            )

        clients = {"plain": boto3_client(False), "fast": boto3_client(True)}
        ours = factory.client("ivs-realtime")

        def raw(client: Any) -> Callable[[str | None], str | None]:
            def fetch(token: str | None) -> str | None:
                kwargs = dict(query, nextToken=token) if token else query
                return client.list_participant_events(**kwargs).get("nextToken")  # type: ignore[no-any-return]

            return fetch

        def service(token: str | None) -> str | None:
            return ivs.list_participant_events(factory, arn, sid, pid, token, 100).next_token

        per_round = max(1, pages // ROUNDS)
        variants = {
            "fast": raw(clients["fast"]),
            "plain": raw(clients["plain"]),
            "client": raw(ours),
            "service": service,
        }
        runs = {name: (lambda fn=fn: page_loop(fn, per_round)) for name, fn in variants.items()}
        totals = interleave(runs, ROUNDS, warmup=1)
        events_per_page = len(ours.list_participant_events(**query)["events"])

        table = Table(
            f"ListParticipantEvents: {per_round} pages of {events_per_page} events per round, "
            f"{ROUNDS} interleaved rounds; baseline: boto3 with eventdeck's timestamp parser",
            unit="ms/page",
            scale=1000.0 / per_round,
        )
        base = totals["fast"]
        table.add("boto3 + eventdeck's timestamp parser (baseline)", base, base)
        table.add("plain boto3 (dateutil timestamps)", totals["plain"], base)
        table.add("eventdeck's client (ClientFactory)", totals["client"], base)
        table.add("ivs_realtime.list_participant_events (service layer)", totals["service"], base)
        table.notes.append(
            "service layer vs its own client: see the two rows above; < 1.05x is the target"
        )
        table.print()

        parser_table(factory, sb)
    finally:
        sb.stop()


def parser_table(factory: ClientFactory, sb: SandboxProcess) -> None:
    """Parse one captured 250-item ListEventLogs response with each timestamp parser."""
    captured: dict[str, Any] = {}

    def grab(response_dict: dict[str, Any], **_: Any) -> None:
        captured["response"] = copy.deepcopy(response_dict)

    client = factory.client("codecatalyst")
    client.meta.events.register("before-parse.codecatalyst.ListEventLogs", grab)
    start, end = cc.time_range("30d")
    cc.list_event_logs(factory, "demo-large", start, end, max_results=250)
    client.meta.events.unregister("before-parse.codecatalyst.ListEventLogs", grab)
    response = captured["response"]
    op = client.meta.service_model.operation_model("ListEventLogs")
    bfactory = factory.session.get_component("response_parser_factory")
    parsers = {
        "default": default_timestamp_parser,
        "fast": fast_parse_timestamp,
    }
    reps = 50

    def parse_with(tp: Callable[[Any], Any]) -> float:
        bfactory.set_parser_defaults(timestamp_parser=tp)
        parser = bfactory.create_parser("rest-json")
        t0 = time.perf_counter()
        for _ in range(reps):
            parser.parse(response, op.output_shape)
        return (time.perf_counter() - t0) / reps

    results = interleave(
        {name: (lambda tp=tp: parse_with(tp)) for name, tp in parsers.items()},
        ROUNDS,
        quiet=True,
    )
    bfactory.set_parser_defaults(timestamp_parser=fast_parse_timestamp)
    items = len(json.loads(response["body"])["items"])
    table = Table(
        f"Parsing one ListEventLogs response of {items} items ({reps} parses a round, "
        f"{ROUNDS} rounds); baseline: botocore's default parser",
        unit="ms/page",
    )
    table.add("botocore default (dateutil) (baseline)", results["default"], results["default"])
    table.add("eventdeck fast (fromisoformat)", results["fast"], results["default"])
    table.print()

    stamps = [i["eventTime"] for i in json.loads(response["body"])["items"]] * 40

    def stamps_with(tp: Callable[[Any], Any]) -> float:
        t0 = time.perf_counter()
        for value in stamps:
            tp(value)
        return (time.perf_counter() - t0) / len(stamps)

    timing = interleave(
        {name: (lambda tp=tp: stamps_with(tp)) for name, tp in parsers.items()}, ROUNDS, quiet=True
    )
    table = Table(
        f"Parsing {len(stamps)} eventTime strings alone; baseline: botocore's default parser",
        unit="µs/value",
        scale=1e6,
    )
    table.add("botocore default (dateutil) (baseline)", timing["default"], timing["default"])
    table.add("eventdeck fast (fromisoformat)", timing["fast"], timing["default"])
    table.print()


if __name__ == "__main__":
    main()
