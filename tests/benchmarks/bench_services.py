"""Service-layer overhead against raw boto3, side by side in one run against the same sandbox.

Run: ``python tests/benchmarks/bench_services.py [PAGES]`` (default 500). Prints two tables:
(1) ListParticipantEvents pages through plain boto3, through eventdeck's client (fast timestamp
parser) and through ``ivs_realtime.list_participant_events`` (client + aws_call + typed items +
JSON-able raw); (2) parsing one 250-item ListEventLogs response with botocore's default timestamp
parser against the fast one. Variants are interleaved in rounds so drift hits them all alike.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tui.sandbox import start_sandbox  # noqa: E402
from tui.services import codecatalyst as cc  # noqa: E402
from tui.services import ivs_realtime as ivs  # noqa: E402
from tui.services.options import ConnectionOptions  # noqa: E402
from tui.services.session import ClientFactory  # noqa: E402
from tui.services.timeparse import default_timestamp_parser, fast_parse_timestamp  # noqa: E402

ROUNDS = 5


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
    sb = start_sandbox(host="127.0.0.1", port=0, seed=1)
    try:
        for key, value in sb.env().items():
            if key != "AWS_ENDPOINT_URL":
                os.environ[key] = value
        options = ConnectionOptions(
            region=sb.region, endpoint_url=sb.endpoint, ca_bundle=sb.ca_bundle, max_attempts=3
        )
        factory = ClientFactory(options)
        arn, sid, pid = busy_participant(factory)
        query = {"stageArn": arn, "sessionId": sid, "participantId": pid, "maxResults": 100}

        plain = boto3.session.Session().client(
            "ivs-realtime",
            endpoint_url=sb.endpoint,
            verify=sb.ca_bundle,
            config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
        )
        ours = factory.client("ivs-realtime")

        def raw_plain(token: str | None) -> str | None:
            kwargs = dict(query, nextToken=token) if token else query
            return plain.list_participant_events(**kwargs).get("nextToken")

        def raw_ours(token: str | None) -> str | None:
            kwargs = dict(query, nextToken=token) if token else query
            return ours.list_participant_events(**kwargs).get("nextToken")

        def service(token: str | None) -> str | None:
            return ivs.list_participant_events(factory, arn, sid, pid, token, 100).next_token

        variants = {
            "plain boto3 (default parser)": raw_plain,
            "eventdeck client (fast parser)": raw_ours,
            "ivs_realtime.list_participant_events": service,
        }
        for fn in variants.values():  # warm up connections and caches
            page_loop(fn, 5)
        per_round = max(1, pages // ROUNDS)
        totals: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(ROUNDS):
            for name, fn in variants.items():
                totals[name].append(page_loop(fn, per_round))
        done = per_round * ROUNDS
        events_per_page = len(ours.list_participant_events(**query)["events"])

        print(
            f"\nListParticipantEvents: {done} pages of {events_per_page} events, {ROUNDS} interleaved rounds"
        )
        print(f"{'variant':40} {'total s':>9} {'ms/page':>9} {'vs plain':>9}")
        base = sum(totals["plain boto3 (default parser)"])
        for name, times in totals.items():
            total = sum(times)
            print(f"{name:40} {total:9.3f} {1000 * total / done:9.3f} {total / base:9.2f}x")
        svc = sum(totals["ivs_realtime.list_participant_events"])
        client = sum(totals["eventdeck client (fast parser)"])
        print(
            f"service-layer overhead over its own client: {1e6 * (svc - client) / done:+.0f} µs/page "
            f"({svc / client:.2f}x); over plain boto3: {1e6 * (svc - base) / done:+.0f} µs/page"
        )

        parser_table(factory, sb)
    finally:
        sb.stop()


def parser_table(factory: ClientFactory, sb: Any) -> None:
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
    bfactory = factory.session._session.get_component("response_parser_factory")
    parsers = {
        "botocore default (dateutil)": default_timestamp_parser,
        "eventdeck fast (fromisoformat)": fast_parse_timestamp,
    }
    reps = 200
    results: dict[str, list[float]] = {name: [] for name in parsers}
    for _ in range(ROUNDS):
        for name, tp in parsers.items():
            bfactory.set_parser_defaults(timestamp_parser=tp)
            parser = bfactory.create_parser("rest-json")
            t0 = time.perf_counter()
            for _ in range(reps):
                parsed = parser.parse(response, op.output_shape)
            results[name].append((time.perf_counter() - t0) / reps)
    bfactory.set_parser_defaults(timestamp_parser=fast_parse_timestamp)
    items = len(parsed["items"])
    print(
        f"\nParsing one ListEventLogs response of {items} items ({reps} parses x {ROUNDS} rounds, median)"
    )
    print(f"{'timestamp parser':40} {'ms/page':>9} {'vs default':>11}")
    base = statistics.median(results["botocore default (dateutil)"])
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:40} {1000 * med:9.3f} {med / base:10.2f}x")

    stamps = [i["eventTime"] for i in __import__("json").loads(response["body"])["items"]] * 40
    print(f"\nParsing {len(stamps)} eventTime strings alone")
    print(f"{'timestamp parser':40} {'µs/value':>9} {'vs default':>11}")
    timing = {}
    for name, tp in parsers.items():
        t0 = time.perf_counter()
        for s in stamps:
            tp(s)
        timing[name] = (time.perf_counter() - t0) / len(stamps)
    for name, per in timing.items():
        print(f"{name:40} {1e6 * per:9.2f} {per / timing['botocore default (dateutil)']:10.2f}x")


if __name__ == "__main__":
    main()
