"""Benchmark: a million real event logs and participant events in the app — memory, filter, pauses, paging rate.

Run: ``python tests/benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--page-size 250]
[--ivs-sizes 10000,100000] [--kinds logs,events]``.

One sandbox runs in its own process (``python -m tui.sandbox.cli``) with its huge CodeCatalyst
space set to hold ``max(sizes)`` logs over 30 days (``EVENTDECK_SANDBOX_LARGE_COUNT``), and a
``--data`` file holding one IVS participant with ``max(ivs sizes)`` events. The real app runs
headless under Pilot (``App.run_test``), launched from AWS CLI words onto pane 2's event logs
(then, in a second app, onto pane 1's participant events, 100 a page: the API's maximum), and
pages them in with ``G`` (one press per page, as fast as pages land). At each size:

* RSS after a full ``gc.collect()``, and per-row bytes above the app with its first page shown;
* the gen-2 collection pause (a timed ``gc.collect()``; with nothing per item tracked it stays flat);
* filter "PULL" (no match) and "DeleteDevEnvironment" (matches ~1 in 40) through ``set_filter``,
  three times each (the best printed): wall time to the first screen of matches (the new view
  installed) and to all of them, then the filter is cleared;
* sort by the Event column, then descending (``set_sort``), wall time; then back to none.

Loop pauses, in the same run: a 50 ms interval timer records its lateness, and a ``j``/``k``
key press every 100 ms records key-press-to-paint (until the compositor hands the frame to the
driver; headless, so the terminal write itself is not timed); while paging, each ``G`` press is
timed to its paint instead. Each phase (idle with the first page, paging, then filter and sort at
each size) prints p50/p99/max. The page-load rate is compared with a plain boto3 loop (eventdeck's
timestamp parser, same page size, same query) over the same number of rows (capped by
``--boto3-rows``), run right after in the same process, then with plain boto3 (dateutil).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ui import boto3_client, boto3_pages
from harness import gen2_timer, isolate_home, load_line, rss_kib, start_sandbox_process, timed_pages
from loop_trace import memory_line, time_forks

SIZE = (120, 36)
FILTER_REPS = 3
STAGE_ARN = "arn:aws:ivs:us-east-1:123456789012:stage/BenchScale001"
SESSION_ID = "st-BenchScale001"
PARTICIPANT_ID = "bench-participant"
IVS_PAGE = 100  # ListParticipantEvents' maximum maxResults


@dataclass(frozen=True)
class Kind:
    """What one app run pages: its launch words, page size and the filter needles."""

    name: str
    launch: Any  # a tui.args.LaunchTarget
    pages: dict[str, int]  # PageSettings fields
    needles: tuple[str, str]  # no match, ~1 in 40


def ivs_data(count: int, end: datetime) -> dict[str, Any]:
    """A --data file section: one participant with ``count`` events, one a second up to ``end``."""
    names = ("SUBSCRIBE_STARTED", "SUBSCRIBE_STOPPED", "PUBLISH_STARTED", "PUBLISH_STOPPED")
    first = end - timedelta(seconds=count)
    events = []
    for i in range(count):
        event: dict[str, Any] = {
            "name": names[i % 4],
            "participantId": PARTICIPANT_ID,
            "eventTime": (first + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "remoteParticipantId": f"remote-{i % 97:03d}",
        }
        if i % 40 == 7:
            event.update(name="PUBLISH_ERROR", errorCode="INSUFFICIENT_CAPABILITIES")
        events.append(event)
    participant = {
        "participantId": PARTICIPANT_ID,
        "userId": "bench-user",
        "state": "CONNECTED",
        "published": True,
        "firstJoinTime": events[0]["eventTime"] if events else end.isoformat(),
        "events": events,
    }
    session = {
        "sessionId": SESSION_ID,
        "startTime": first.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "participants": [participant],
    }
    stage = {"arn": STAGE_ARN, "name": "bench-scale", "sessions": [session]}
    return {"ivs_realtime": {"stages": [stage]}}


def boto3_ivs_pages(client: Any, pages: int) -> float:
    """Seconds for ``pages`` ListParticipantEvents pages of the benchmark's participant."""
    kwargs = {
        "stageArn": STAGE_ARN,
        "sessionId": SESSION_ID,
        "participantId": PARTICIPANT_ID,
        "maxResults": IVS_PAGE,
    }
    took, rows = timed_pages(client.list_participant_events, kwargs, "events", pages)
    if rows != pages * IVS_PAGE:
        raise RuntimeError(f"boto3 loop got {rows} rows, expected {pages * IVS_PAGE}")
    return took


class Pauses:
    """Timer lateness and key-press-to-paint samples (``keys``: wall first), per phase."""

    def __init__(self) -> None:
        self.phase = "idle"
        self.late: dict[str, list[float]] = {}
        self._expected = 0.0
        self._pending: list[tuple[float, float, str]] = []  # (perf_counter, thread_time, note)
        # The slow keys explained: (wall, UI-thread CPU, sent at, painted at, note), per phase.
        self.keys: dict[str, list[tuple[float, float, float, float, str]]] = {}
        # What else ran meanwhile: (start, end, what), for the slowest keys' report.
        self.events: list[tuple[float, float, str]] = []
        # Collections on the UI thread: (phase, generation) -> [count, CPU seconds, objects freed]
        self.collections: dict[tuple[str, int], list[float]] = {}

    def tick(self) -> None:
        now = time.perf_counter()
        if self._expected:
            self.late.setdefault(self.phase, []).append(max(0.0, now - self._expected))
        self._expected = now + 0.05

    def key_sent(self, note: str = "") -> None:
        """A key is on its way; ``note``: what the app held when it was sent (for ``explain``)."""
        self._pending.append((time.perf_counter(), time.thread_time(), note))

    def painted(self) -> None:
        if self._pending:
            now, cpu = time.perf_counter(), time.thread_time()
            for sent, sent_cpu, note in self._pending:
                sample = (now - sent, cpu - sent_cpu, sent, now, note)
                self.keys.setdefault(self.phase, []).append(sample)
            self._pending = []

    def key_to_paint(self, phase: str) -> list[float]:
        """The key-press-to-paint times of ``phase`` (s), in the order the keys were sent."""
        return [key[0] for key in self.keys.get(phase, [])]

    def explain(self, phase: str, top: int = 6) -> list[str]:
        """The ``top`` slowest keys of ``phase``: wall, the UI thread's CPU, what overlapped them.

        Why: a key-to-paint over 50 ms is the UI's own work, a gen-2 collection, a landing, or
        the GIL held by a worker (wall well above the UI thread's CPU); this says which.
        """
        out = []
        for wall, cpu, sent, done, note in sorted(self.keys.get(phase, []), reverse=True)[:top]:
            overlap = [
                f"{what} {(min(end, done) - max(start, sent)) * 1e3:.1f}"
                f" at +{(start - sent) * 1e3:.1f}"
                for start, end, what in self.events
                if start <= done and end >= sent
            ]
            out.append(
                f"      key {wall * 1e3:5.1f} ms wall, UI thread CPU {cpu * 1e3:5.1f} ms{note};"
                f" overlapping (ms): {', '.join(overlap) or 'nothing recorded'}"
            )
        return out

    def set(self, phase: str) -> None:
        """Start ``phase``: lateness counts from now (a pause the benchmark itself made is not in it)."""
        self.phase = phase
        self._pending = []
        self._expected = 0.0


def pct(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f}  p99 {p99 * 1000:6.1f}  "
        f"max {ordered[-1] * 1000:6.1f} ms  (n={len(ordered)})"
    )


async def run_app(endpoint: str, ca_bundle: str, sizes: list[int], kind: Kind) -> dict[str, Any]:
    """Page ``kind`` into the app up to each size; measure memory, filter, sort and pauses."""
    from textual import events

    from tui.app import EventdeckApp
    from tui.context import AppContext
    from tui.services.options import ConnectionOptions
    from tui.settings import PageSettings, Settings

    options = ConnectionOptions(region="us-east-1", endpoint_url=endpoint, ca_bundle=ca_bundle)
    settings = replace(Settings(), pages=PageSettings(**kind.pages))
    app = EventdeckApp(AppContext(options=options, settings=settings, launch=kind.launch))
    pauses = Pauses()
    out: dict[str, Any] = {"sizes": [], "pauses": pauses}
    original_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is not None:
            pauses.painted()

    app._display = display  # type: ignore[method-assign]

    # Every automatic gen-2 collection during the run, timed (a pause of the UI thread).
    gen2, on_gc = gen2_timer()

    out["gen2"] = gen2
    gc_started: dict[int, tuple[float, float]] = {}

    def gc_timeline(phase: str, info: dict[str, int]) -> None:
        """Every collection over 2 ms, into the timeline the slow keys are explained by."""
        ident = threading.get_ident()
        if phase == "start":
            gc_started[ident] = (time.perf_counter(), time.thread_time())
        elif ident in gc_started:
            t0, c0 = gc_started.pop(ident)
            now = time.perf_counter()
            if ident == ui_thread:
                tally = pauses.collections.setdefault((pauses.phase, info["generation"]), [0, 0, 0])
                tally[0] += 1
                tally[1] += time.thread_time() - c0
                tally[2] += info.get("collected", 0)
            if now - t0 > 0.002:
                where = "UI" if ident == ui_thread else threading.current_thread().name[:12]
                cpu = (time.thread_time() - c0) * 1e3
                pauses.events.append((t0, now, f"gc{info['generation']}@{where}(cpu {cpu:.0f})"))

    ui_thread = threading.get_ident()
    gc.callbacks.append(gc_timeline)
    landing: list[float] = []
    out["landing"] = landing

    async with app.run_test(size=SIZE) as pilot:
        pane: Any = app.current_pane
        table = pane.table
        # Where pages land: ``land`` (several at once), or ``page_loaded`` in code before it.
        landing_name = "land" if hasattr(pane.paging, "land") else "page_loaded"
        land = getattr(pane.paging, landing_name)

        def timed_landing(level: Any, pages: Any) -> None:
            t0 = time.perf_counter()
            land(level, pages)
            landing.append(time.perf_counter() - t0)
            pauses.events.append((t0, t0 + landing[-1], f"landing({len(pages)})"))

        setattr(pane.paging, landing_name, timed_landing)

        def marked(owner: Any, name: str) -> None:
            """Mark each call of ``owner.name`` in the timeline (what a slow key waited on)."""
            original = getattr(owner, name, None)
            if original is None:
                return

            def call(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    pauses.events.append((t0, time.perf_counter(), name))

            setattr(owner, name, call)

        for owner, name in ((table, "move_to_end"), (table, "set_loading"),
                            (pane.paging, "land_paced"), (pane.paging, "read_more"),
                            (pane.paging, "read_ahead_ready")):  # fmt: skip
            marked(owner, name)
        app.set_interval(0.05, pauses.tick)

        async def wait(cond: Callable[[], bool], what: str, timeout: float = 1800) -> None:
            deadline = time.perf_counter() + timeout
            say = time.perf_counter() + 60
            while not cond():
                if pane.last_error is not None:
                    raise RuntimeError(f"the pane failed: {pane.last_error}")
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"timed out waiting for {what}")
                if time.perf_counter() > say:  # a long wait says what the pane shows meanwhile
                    say += 30
                    status = [str(w.render()) for w in pane.query(".pane-status")]
                    print(f"  still waiting for {what}: {table.loaded_count:,} rows, loading "
                          f"{table.page_loading}, more {table.has_more}, status {status}",
                          file=sys.stderr, flush=True)  # fmt: skip
                await asyncio.sleep(0.002)

        async def keys_while(cond: Callable[[], bool], what: str) -> None:
            """Press j/k every 100 ms (timed to paint) until ``cond``."""
            down = True
            next_key = time.perf_counter()
            deadline = time.perf_counter() + 1800
            while not cond():
                now = time.perf_counter()
                if now >= next_key:
                    pauses.key_sent()
                    app.post_message(events.Key("j" if down else "k", "j" if down else "k"))
                    down = not down
                    next_key = now + 0.1
                if now > deadline:
                    raise RuntimeError(f"timed out waiting for {what}")
                await asyncio.sleep(0.002)

        await wait(lambda: table.loaded_count > 0 and not table.page_loading, "the first page")
        await pilot.pause()
        pauses.set("idle (first page shown)")
        t_idle = time.perf_counter() + 3.0
        await keys_while(lambda: time.perf_counter() >= t_idle, "idle")
        gc.collect()
        gc.callbacks.append(on_gc)
        base_rows = table.loaded_count
        base_rss = rss_kib()
        out["base"] = (base_rows, base_rss)
        load_time = 0.0
        for size in sizes:
            pauses.set("paging (G per page)")
            t0 = time.perf_counter()
            while table.loaded_count < size and table.has_more:
                before = table.loaded_count
                chain = getattr(pane.paging, "chain", None)
                note = ""
                if hasattr(chain, "in_flight"):
                    flying = chain.in_flight
                    note = f" (pages read ahead: {chain.held - flying} in, {flying} on the way)"
                pauses.key_sent(note)  # G to its paint: the page key's own latency while paging
                app.post_message(events.Key("G", "G"))
                await wait(
                    lambda before=before: table.loaded_count > before or not table.has_more,
                    "a page",
                )
            load_time += time.perf_counter() - t0
            pauses.set("checkpoint (not counted)")
            await pilot.pause()
            rows = table.loaded_count
            gc.callbacks.remove(on_gc)
            gc.collect()
            t_gc = time.perf_counter()
            gc.collect()
            gc_pause = time.perf_counter() - t_gc
            rss = rss_kib()
            gc.callbacks.append(on_gc)
            tracked = collections.Counter(type(o).__name__ for o in gc.get_objects())
            print(f"  tracked by the GC (not frozen): {tracked.most_common(6)}", file=sys.stderr)
            forks = sorted(await asyncio.to_thread(time_forks, 15))
            print(
                f"  {rows:,} rows: {memory_line()}; os.fork from a worker (what a query scan of"
                f" a big view does; it holds the GIL): min {forks[0] * 1e3:.1f}, p50"
                f" {statistics.median(forks) * 1e3:.1f}, max {forks[-1] * 1e3:.1f} ms"
                f" ({load_line()})",
                file=sys.stderr,
                flush=True,
            )
            per_row = (rss - base_rss) * 1024 / max(1, rows - base_rows)
            result: dict[str, Any] = {
                "rows": rows,
                "rss_mb": rss / 1024,
                "per_row": per_row,
                "gc_pause": gc_pause,
                "load_time": load_time,
                "items_bytes": pane.level.items.stored_bytes()
                if hasattr(pane.level.items, "stored_bytes")
                else None,
            }
            for label, needle in zip(("none", "some"), kind.needles, strict=True):
                times = []
                for _ in range(FILTER_REPS):  # repeated: a few more key presses per phase
                    pauses.set(f"filter, {rows:,} rows")
                    t0 = time.perf_counter()
                    first: list[float] = []

                    def settled(first: list[float] = first, t0: float = t0) -> bool:
                        # The first screen of matches: the new view installed.
                        if not first and not table.model.pending:
                            first.append(time.perf_counter() - t0)
                        return not table.model.pending

                    table.set_filter(needle)
                    await keys_while(settled, f"filter {needle}")
                    times.append((first[0], time.perf_counter() - t0, table.row_count))
                    pauses.set("checkpoint (not counted)")
                    table.set_filter("")
                    await wait(lambda: not table.model.pending, "clearing the filter")
                result[f"filter {label}"] = min(times)
            for label, column, descending in (("sort", 1, False), ("sort desc", 1, True)):
                pauses.set(f"sort, {rows:,} rows")
                t0 = time.perf_counter()
                table.set_sort(column, descending)
                await keys_while(lambda: not table.model.pending, label)
                result[label] = time.perf_counter() - t0
            pauses.set("checkpoint (not counted)")
            table.set_sort(None)
            await wait(lambda: not table.model.pending, "unsort")
            await pilot.pause()
            out["sizes"].append(result)
            print(f"  {rows:,} rows: {result}", file=sys.stderr, flush=True)
    gc.callbacks.remove(gc_timeline)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="event logs to load, comma-separated"
    )
    parser.add_argument(
        "--ivs-sizes", default="", help="participant events to load (default: --sizes)"
    )
    parser.add_argument("--kinds", default="logs,events", help="logs, events or both")
    parser.add_argument("--page-size", type=int, default=250, help="event logs a page (250)")
    parser.add_argument(
        "--boto3-rows", type=int, default=100_000, help="rows the boto3 baseline pages (cap)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    ivs_sizes = sorted(int(s) for s in (args.ivs_sizes or args.sizes).split(","))
    kinds = args.kinds.split(",")
    from tui.args import LaunchTarget

    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    start = end - timedelta(days=30)
    runs: list[tuple[Kind, list[int]]] = []
    if "logs" in kinds:
        logs = LaunchTarget(
            "codecatalyst",
            "codecatalyst list-event-logs",
            {
                "space-name": "demo-large",
                "start-time": start.isoformat(),
                "end-time": end.isoformat(),
            },
        )
        kind = Kind(
            "CodeCatalyst event logs",
            logs,
            {"codecatalyst": args.page_size},
            ("PULL", "DeleteDevEnvironment"),
        )
        runs.append((kind, sizes))
    if "events" in kinds:
        words = {"stage-arn": STAGE_ARN, "session-id": SESSION_ID, "participant-id": PARTICIPANT_ID}
        participant = LaunchTarget("ivs", "ivs-realtime list-participant-events", words)
        kind = Kind(
            "IVS participant events", participant, {"ivs": IVS_PAGE}, ("PULL", "PUBLISH_ERROR")
        )
        runs.append((kind, ivs_sizes))
    results: list[tuple[Kind, dict[str, Any], list[float], int]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        home = Path(tmp)
        isolate_home(home)
        os.environ["EVENTDECK_SANDBOX_LARGE_COUNT"] = str(max(sizes) + max(sizes) // 10)
        data = home / "ivs-data.json"
        data.write_text(json.dumps(ivs_data(max(ivs_sizes) + max(ivs_sizes) // 10 + 1, end)))
        sandbox = start_sandbox_process("--data", str(data))
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"):
            os.environ[key] = sandbox.env[key]
        print(f"sandbox {sandbox.endpoint} (pid {sandbox.proc.pid}, its own process)")
        print(f"python {sys.version.split()[0]}, {load_line()}, sizes {sizes} / {ivs_sizes}")
        try:
            import tui.app  # noqa: F401  (imported before anything is timed)

            for kind, kind_sizes in runs:
                print(f"{kind.name}: paging {kind_sizes}", file=sys.stderr, flush=True)
                out = asyncio.run(run_app(sandbox.endpoint, sandbox.ca_bundle, kind_sizes, kind))
                rows = min(args.boto3_rows, out["sizes"][-1]["rows"])
                # The same-parser loop, then plain boto3 (dateutil), as issue 13's target sets it.
                boto3_s = []
                for fast in (True, False):
                    if kind.name.startswith("IVS"):
                        client = boto3_client(sandbox, "ivs-realtime", fast=fast)
                        size = IVS_PAGE
                        boto3_s.append(boto3_ivs_pages(client, max(1, rows // size)))
                    else:
                        client = boto3_client(sandbox, "codecatalyst", fast=fast)
                        size = args.page_size
                        boto3_s.append(boto3_pages(client, start, end, max(1, rows // size), size))
                results.append((kind, out, boto3_s, max(1, rows // size) * size))
                report(*results[-1])  # at once: a later kind failing keeps this one's figures
                gc.collect()
        finally:
            sandbox.stop()
    return 0 if len(results) == len(runs) else 1


def report(kind: Kind, out: dict[str, Any], boto3_s: list[float], boto3_rows: int) -> None:
    """Print one kind's table: memory, filter and sort per size, paging rate and loop pauses."""
    base_rows, base_rss = out["base"]
    print(f"\nbench_scale: {kind.name} — {load_line()}")
    print(f"  empty app (first page, {base_rows} rows): RSS {base_rss / 1024:,.0f} MB")
    print("  gen-2 GC: one timed gc.collect() after a full one (what a collection costs now)")
    none, some = kind.needles
    print(
        f"  {'rows loaded':>12} {'RSS':>9} {'per row':>9} {'items (zlib)':>13} {'gen-2 GC':>9}"
        f" {f'filter {none} (first/all)':>24} {f'filter {some[:10]} (first/all, n)':>34}"
        f" {'sort':>8} {'desc':>8}"
    )
    for r in out["sizes"]:
        nothing = r["filter none"]
        matches = r["filter some"]
        items = f"{r['items_bytes'] / r['rows']:.0f} B/row" if r["items_bytes"] else "—"
        print(
            f"  {r['rows']:>12,} {r['rss_mb']:>7,.0f}MB {r['per_row']:>7,.0f} B {items:>13}"
            f" {r['gc_pause'] * 1000:>7.1f}ms {nothing[0]:>10.2f}s /{nothing[1]:>6.2f}s"
            f" {matches[0]:>12.2f}s /{matches[1]:>6.2f}s {matches[2]:>9,} {r['sort']:>7.2f}s"
            f" {r['sort desc']:>7.2f}s"
        )
    last = out["sizes"][-1]
    ui_rate = last["rows"] / last["load_time"]
    boto3_rate, plain_rate = (boto3_rows / took for took in boto3_s)
    print(
        f"  paging: app {ui_rate:,.0f} rows/s (G per page, {last['rows']:,} rows) · plain boto3 + "
        f"eventdeck's parser {boto3_rate:,.0f} rows/s ({boto3_rows:,} rows, same query,"
        f" same page size) · ratio of times per row {boto3_rate / ui_rate:.2f}×"
    )
    print(
        f"  against plain boto3 (dateutil timestamps, issue 13's target <= 1.05x):"
        f" {plain_rate:,.0f} rows/s · ratio of times per row {plain_rate / ui_rate:.2f}×"
    )
    pauses: Pauses = out["pauses"]
    print(f"  automatic gen-2 collections during the run: {pct(out['gen2'])}")
    print("  collections on the UI thread (phase, generation: count, CPU in all, objects freed):")
    for (phase, generation), (n, cpu, freed) in sorted(pauses.collections.items()):
        if generation:
            print(f"    {phase:<40} gen {generation}: {n:5.0f}  {cpu * 1e3:7.1f} ms  {freed:9,.0f}")
    print(f"  a landing on the UI thread (the pages in, stored, appended): {pct(out['landing'])}")
    print("  loop pauses (same run):")
    for phase in pauses.late:
        if phase.startswith("checkpoint") or phase == "idle":
            continue
        print(f"    {phase:<26} timer lateness  {pct(pauses.late.get(phase, []))}")
        print(f"    {'':<26} key-to-paint    {pct(pauses.key_to_paint(phase))}")
        for line in pauses.explain(phase):
            print(line)


if __name__ == "__main__":
    sys.exit(main())
