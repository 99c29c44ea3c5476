"""Benchmark: the query bar over 1,000,000 rows, and the density line's frame cost at 10k/100k/1M.

Run: ``python tests/benchmarks/bench_query.py [--rows 1000000]``. Standalone (no shared harness).

Printed:
- query engine: matches/s and rows/s of ``services.query.scan`` (compiled once, one interpreter)
  against plain ``jmespath.search(expr, row)`` in a loop over the same list, same expression;
- in the app (headless ``run_test`` at 120x36, a VirtualTable holding the rows): the scan's wall
  time to the first chunk of matches on screen and to the end, and while it runs the lateness of
  a 50 ms timer and key-press-to-frame times (``down``), p50/p99/max, against the idle baseline,
  and the three worst of each with when they happened (s from the phase's start);
- density line: the cost of one frame (recompute buckets + strip) and of the per-tick sync check
  with nothing new, at 10k, 100k and 1M rows; and the cost of counting a 1,000-row page.
- with the query: the scan's child process (a scan of a big view forks), its RSS, PSS and
  private (copied) memory at their largest beside the app's RSS, and how long each ``os.fork``
  held the UI's GIL.
Figures are machine-dependent: the load average is printed with them. ``--code DIR`` runs the
app from another checkout (e.g. ``git worktree add /tmp/base main``) for a before/after pair;
``--query-only`` skips the filter and sort phases.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests/procs.py, whatever --code is
if "--code" in sys.argv:  # the app's code from another checkout (before/after pairs)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))


import jmespath
from harness import gen2_timer, load_line
from loop_trace import (
    CallTrace,
    GcTrace,
    GilProbe,
    LoopTrace,
    memory_line,
    print_report,
    time_forks,
)
from procs import children

from tui.services.density import Density, bar_text
from tui.services.query import parse_query, scan

EXPR = "userIdentity.userName=='alice' && operationType=='MUTATION'"
USERS = ("alice", "bob", "carol", "dave", "erin")
OPS = ("MUTATION", "READONLY", "READONLY")
START = 1_700_000_000.0


AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/124.0",
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64",
    "Boto3/1.34.70 md/Botocore#1.34.70 ua/2.0 os/linux#6.5 lang/python#3.11",
)


def make_items(count: int) -> list[dict[str, object]]:
    """Event-log-shaped dicts (what a page's JSON parses to), times one second apart.

    Ids, request and principal ids and addresses are random, as in real event logs, so a page
    of them compresses as real ones do (~110 B an item against ~130 for the sandbox's logs): the
    compact item store then holds about what the app holds at a million rows.
    """
    rng = random.Random(13)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return [
        {
            "id": uid(),
            "eventName": f"Event{i % 17}",
            "eventTime": f"2023-11-14T{(i // 3600) % 24:02}:{(i // 60) % 60:02}:{i % 60:02}Z",
            "operationType": OPS[i % 3],
            "userIdentity": {
                "userType": "USER",
                "userName": USERS[i % 5],
                "principalId": f"{rng.getrandbits(96):024x}",
            },
            "projectInformation": {"name": "mobile-app", "projectId": uid()},
            "requestId": uid(),
            "sourceIpAddress": ".".join(str(rng.randrange(256)) for _ in range(4)),
            "userAgent": AGENTS[rng.randrange(len(AGENTS))],
        }
        for i in range(count)
    ]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {pct(values, 0.5) * 1e3:6.1f} ms · p99 {pct(values, 0.99) * 1e3:6.1f} ms · "
        f"max {max(values) * 1e3:6.1f} ms (n={len(values)})"
    )


def bench_engine(items: list[dict[str, object]]) -> None:
    n = len(items)
    t0 = time.perf_counter()
    plain = sum(1 for item in items if jmespath.search(EXPR, item))
    plain_s = time.perf_counter() - t0
    compiled = jmespath.compile(EXPR)
    t0 = time.perf_counter()
    compiled_n = sum(1 for item in items if compiled.search(item))
    compiled_s = time.perf_counter() - t0
    query = parse_query(EXPR)
    t0 = time.perf_counter()
    result = scan(query, n, items.__getitem__)
    ours_s = time.perf_counter() - t0
    assert plain == compiled_n == len(result.matches)
    print(f"query engine over {n:,} rows, {plain:,} matches:")
    for label, secs in (
        ("jmespath.search(expr, row) loop", plain_s),
        ("jmespath.compile once, .search", compiled_s),
        ("services.query.scan (chunks)", ours_s),
    ):
        print(
            f"  {label:34} {secs:6.2f} s  {n / secs / 1e3:8.0f} k rows/s  "
            f"{plain / secs / 1e3:7.0f} k matches/s  ({secs / plain_s:4.2f}x plain)"
        )


def _worst(values: list[float], at: list[float]) -> str:
    """The three largest ``values`` with when they happened (s from the phase's start)."""
    pairs = sorted(zip(values, at, strict=False), reverse=True)[:3]
    return ", ".join(f"{v * 1e3:.0f} at {t:.2f}" for v, t in pairs)


def memory_kb(pid: int | str, fields: tuple[str, ...]) -> dict[str, int]:
    """Fields of /proc/PID/smaps_rollup (kB); empty when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    out: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in fields:
            out[name] = int(rest.split()[0])
    return out


class ChildWatch:
    """While a query runs: how long each ``os.fork`` took (it holds the GIL: a pause for the UI
    thread) and, with ``sample``, the scan child's largest RSS / PSS / private memory beside the
    app's RSS.

    Sampling runs in a pass of its own, not while keys are timed: reading the child's
    ``smaps_rollup`` walks its page tables, ~100 ms of a core in the kernel each time.
    """

    FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty")

    def __init__(self, sample: bool = False) -> None:
        self.sample = sample
        self.child: dict[str, int] = {}
        self.parent_rss = 0
        self.forks: list[float] = []
        self.seen = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fork = os.fork

    def start(self) -> None:
        original = self._fork
        watch = self

        def timed_fork() -> int:
            t0 = time.perf_counter()
            pid = original()
            if pid:
                watch.forks.append(time.perf_counter() - t0)
            return pid

        os.fork = timed_fork
        if self.sample:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        # Light on purpose (it runs beside the keys it measures): /proc is searched for the child
        # only until one is found, the app's RSS is read from statm, the child's memory every 0.5 s.
        seen: set[int] = set()
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        while not self._stop.wait(0.5):
            rss = int(Path("/proc/self/statm").read_text().split()[1]) * page_kb
            self.parent_rss = max(self.parent_rss, rss)
            live = [pid for pid in seen if Path(f"/proc/{pid}").exists()] or list(children())
            for pid in live:
                seen.add(pid)
                for name, value in memory_kb(pid, self.FIELDS).items():
                    self.child[name] = max(self.child.get(name, 0), value)
        self.seen = len(seen)

    def stop(self) -> None:
        os.fork = self._fork
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def line(self) -> str:
        if self.forks:
            forks = ", ".join(f"{f * 1e3:.1f}" for f in self.forks)
            how = f"scan child (a fork of the app): os.fork held the GIL {forks} ms"
        elif "tui.services.scan_server" in sys.modules:
            how = "scan process (spawned: no fork of the app)"
        else:
            return "scan child: none (the scan ran in a thread)"
        if not self.sample:
            return how
        c = self.child
        private = c.get("Private_Clean", 0) + c.get("Private_Dirty", 0)
        return (
            f"{how}; memory pass (largest of {self.seen}): RSS {c.get('Rss', 0) / 1024:.0f}"
            f" MB, PSS {c.get('Pss', 0) / 1024:.0f} MB, private {private / 1024:.0f} MB;"
            f" the app's RSS {self.parent_rss / 1024:.0f} MB"
        )


async def bench_app(
    items: list[dict[str, object]],
    trace: bool = False,
    query_only: bool = False,
    payloads: bool = False,
) -> None:
    """Filter, sort and query ``items`` in the app; pauses per phase beside the idle baseline.

    The items are kept as the app keeps event logs: the rows carry no payload, a compact item
    store holds the items (compressed pages of 250) and the table's ``payload_for`` revives one;
    with ``payloads`` each row carries its item as JSON bytes instead (the earlier figures).
    """
    from textual.app import App, ComposeResult

    from tui.themes import VARIABLE_DEFAULTS
    from tui.ui.styles import STYLESHEETS
    from tui.ui.widgets.virtual_table import Column, QueryBar, Row, VirtualTable

    columns = [
        Column("id", "Id", width=14),
        Column("event", "Event"),
        Column("op", "Op"),
        Column("user", "User"),
    ]

    class Bench(App[None]):
        CSS_PATH = STYLESHEETS  # the widgets' styles live in eventdeck's stylesheets

        def get_theme_variable_defaults(self) -> dict[str, str]:
            return dict(VARIABLE_DEFAULTS)

        def compose(self) -> ComposeResult:
            yield VirtualTable(columns)

    # What EventdeckApp does at its start (what an older checkout has of it, with --code).
    import tui.ui.timers as timers

    done = []
    if hasattr(timers, "use_frame_rate"):
        timers.use_frame_rate()
        done.append("frame rate")
    try:
        from tui.ui.garbage import keep_frames_acyclic
    except ImportError:
        pass
    else:
        keep_frames_acyclic()
        done.append("frames acyclic")
    print(f"  as the app's start does: {', '.join(done) or 'nothing'}", flush=True)
    gen2, on_gc = gen2_timer()

    app = Bench()
    count = len(items)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(VirtualTable)
        # As the app keeps items: the display cells, and the item as compact JSON parsed on demand.
        store = None
        if not payloads:
            from tui.ui.panes.item_store import CompactItems, ItemCodec, pack

            store = CompactItems(ItemCodec(dict, dict))
            for first in range(0, count, 250):  # a page at a time, as the worker packs them
                store.append_block(pack(items[first : first + 250]))

            def payload_for(row: object, index: int, _raw=store.raw) -> object:  # type: ignore[no-untyped-def]
                return _raw(index) if index >= 0 else None

            table.payload_for = payload_for
            # as BrowseFrame: the store holds every row, in order (older code has no scan process)
            table.item_pages = getattr(store, "item_pages", None)
        rows = [
            Row(
                str(item["id"]),
                (
                    str(item["id"]),
                    str(item["eventName"]),
                    str(item["operationType"]),
                    str(item["userIdentity"]["userName"]),  # type: ignore[index]
                ),
                "",
                json.dumps(item, separators=(",", ":")).encode() if payloads else None,
            )
            for item in items
        ]
        items.clear()
        table.append_rows(rows, more=False)
        del rows
        gc.collect()
        gc.freeze()  # what the app does with what it holds when a level's first page lands
        gc.callbacks.append(on_gc)
        table.focus()
        await pilot.pause()
        forks = sorted(await asyncio.to_thread(time_forks, 25))
        print(
            f"  {count:,} rows loaded: {memory_line()}; os.fork from a worker (25 times): "
            f"min {forks[0] * 1e3:.1f}, p50 {statistics.median(forks) * 1e3:.1f},"
            f" max {forks[-1] * 1e3:.1f} ms "
            f"({load_line()})",
            flush=True,
        )

        lateness: list[float] = []
        when: dict[str, Any] = {"start": time.perf_counter(), "timer": [], "key": []}
        worst: dict[str, tuple[str, str]] = {}
        state = {"last": time.perf_counter()}

        def tick() -> None:
            now = time.perf_counter()
            lateness.append(max(0.0, now - state["last"] - 0.05))
            when["timer"].append(now - when["start"])
            state["last"] = now

        async def presses(count: int) -> list[float]:
            """Key-to-frame: post ``down`` and wait until the cursor moved and the body painted."""
            from textual import events

            out = []
            for _ in range(count):
                before = table.cursor_row
                if before >= table.row_count - 1 and table.row_count > 1:
                    table.move_to(0)
                    await asyncio.sleep(0.02)
                    before = table.cursor_row
                target = table.body
                painted = {"n": 0}
                original = target.render_line

                def counting(y: int, _orig=original, _p=painted):  # type: ignore[no-untyped-def]
                    _p["n"] += 1
                    return _orig(y)

                target.render_line = counting  # type: ignore[method-assign]
                # Whether this press can move the cursor, decided when it is sent: a press that
                # lands while a query's view is still empty waits for its paint only (else the
                # matches arriving later made it wait for a move that never comes: 10 s).
                movable = table.row_count > 1
                t0 = time.perf_counter()
                key = events.Key("down", None)
                key.set_sender(app)
                app._driver.send_message(key)  # what Pilot.press does, without its idle wait
                deadline = t0 + 10
                while (
                    (table.cursor_row == before and movable) or not painted["n"]
                ) and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                out.append(time.perf_counter() - t0)
                when["key"].append(t0 - when["start"])
                target.render_line = original  # type: ignore[method-assign]
                if time.perf_counter() >= deadline:  # said, not hidden: which wait never ended
                    print(
                        f"  a key press waited 10 s: cursor {before} -> {table.cursor_row}, "
                        f"rows {table.row_count:,}, body painted {painted['n']} lines, "
                        f"focus {app.focused!r}",
                        flush=True,
                    )
                await asyncio.sleep(0.05)
            return out

        phases: list[tuple[str, float | None, float, list[float], list[float]]] = []

        async def phase(
            name: str,
            start: Callable[[], None],
            busy: Callable[[], bool],
            progressive: bool = False,
        ) -> None:
            """Run ``start``, press keys until ``busy()`` is false; record first screen, end, pauses.

            The first screen of matches: 30 rows of a view that fills as it goes (``progressive``,
            the query), else the new view installed.
            """
            await pilot.pause()
            lateness.clear()
            state["last"] = time.perf_counter()
            t0 = time.perf_counter()
            for tracer in tracers[:3]:
                tracer.phase = name  # type: ignore[attr-defined]
                tracer.origin = t0  # type: ignore[attr-defined]
            when.update(start=t0, timer=[], key=[])
            start()
            first = None
            keys: list[float] = []
            while True:
                if first is None and ((progressive and table.row_count >= 30) or not busy()):
                    first = time.perf_counter() - t0
                if not busy():
                    break
                keys += await presses(1)
            total = time.perf_counter() - t0
            phases.append((name, first, total, list(lateness), keys))
            worst[name] = _worst(lateness, when["timer"]), _worst(keys, when["key"])

        tracers = (LoopTrace(), GilProbe(), GcTrace(), CallTrace()) if trace else ()
        for tracer in tracers:
            tracer.phase = "idle"  # type: ignore[attr-defined]
            tracer.start()
        timer = app.set_interval(0.05, tick)
        await asyncio.sleep(1.0)
        idle_late = list(lateness)
        idle_keys = await presses(20)
        phases.append(("idle", None, 0.0, idle_late, idle_keys))

        def pending() -> bool:
            return table.model.pending

        for needle in () if query_only else ("PULL", "Event3"):
            await phase(f"filter {needle!r}", lambda n=needle: table.set_filter(n), pending)
            matched = table.row_count
            table.set_filter("")
            while pending():
                await asyncio.sleep(0.01)
            print(f"  filter {needle!r}: {matched:,} matches", flush=True)
        if not query_only:
            await phase("sort by event", lambda: table.set_sort(1), pending)
            await phase("sort descending", lambda: table.set_sort(1, True), pending)
            table.set_sort(None)
            while pending():
                await asyncio.sleep(0.01)

        await pilot.press("colon")
        await pilot.pause()
        bar = table.query_one(QueryBar)
        bar.input.value = EXPR

        def query() -> None:
            assert bar.run_text(EXPR)

        watch = ChildWatch()
        watch.start()
        await phase("query (JMESPath)", query, lambda: bar.scanning or pending(), True)
        watch.stop()
        memory = ChildWatch(sample=True)  # untimed: a second scan, its child's memory sampled
        memory.start()
        bar.run_text(EXPR)
        while bar.scanning or pending():
            await asyncio.sleep(0.05)
        memory.stop()
        timer.stop()
        gc.callbacks.remove(on_gc)
        for tracer in tracers:
            tracer.stop()
        print_report(*tracers)
        if trace:  # what a gen-2 collection walks now: the tracked objects not frozen, by type
            from collections import Counter

            kinds = Counter(type(obj).__name__ for obj in gc.get_objects())
            top = ", ".join(f"{name} {n:,}" for name, n in kinds.most_common(8))
            print(f"objects a collection walks (not frozen): {sum(kinds.values()):,}: {top}")
        print(f"app, {count:,} rows: the query matched {table.row_count:,}")
        print(f"  {load_line()}")
        for name, first, total, late, keys in phases:
            if name in worst:
                print(f"  {name}: the 3 worst, (ms late, at s from the start): timer {worst[name][0]}"
                      f" · keys {worst[name][1]}")  # fmt: skip
            if first is not None:
                print(f"  {name}: first screen of matches {first:6.2f} s · all {total:6.2f} s")
            print(f"    50 ms timer lateness  {ms(late)}")
            print(f"    key-to-frame (down)   {ms(keys)}")
        print(f"  automatic gen-2 collections: {ms(gen2)}")
        print(f"  {watch.line()}")
        print(f"  {memory.line()}")


def bench_density() -> None:
    print("density line (120 columns):")
    for n in (10_000, 100_000, 1_000_000):
        density = Density()
        for i in range(n):
            density.add(START + i * 2.5, i % 97 == 0)
        frames = []
        for _ in range(50):
            density.version += 1  # a change: the frame recomputes buckets and bars
            t0 = time.perf_counter()
            bar_text(density.buckets(100))
            frames.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for i in range(1000):
            density.add(START + (n + i) * 2.5)
        page = time.perf_counter() - t0
        print(
            f"  {n:>9,} rows: frame p50 {statistics.median(frames) * 1e3:5.2f} ms "
            f"max {max(frames) * 1e3:5.2f} ms · counting a 1,000-row page {page * 1e3:5.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-app", action="store_true")
    parser.add_argument("--app-only", action="store_true", help="skip the engine and density parts")
    parser.add_argument("--code", help="run the app from this checkout (before/after pairs)")
    parser.add_argument("--query-only", action="store_true", help="skip filter and sort")
    parser.add_argument("--payloads", action="store_true",
                        help="each row carries its item as JSON bytes (no compact item store)")  # fmt: skip
    parser.add_argument("--trace", action="store_true",
                        help="slow loop callbacks, GIL probe and GC collections per phase")  # fmt: skip
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    import tui

    print(f"app code: {Path(tui.__file__).resolve().parents[1]}")
    print(f"items: {'JSON bytes on each row' if args.payloads else 'a compact item store'}")
    items = make_items(args.rows)
    if not args.app_only:
        bench_engine(items)
        bench_density()
    if not args.no_app:
        asyncio.run(bench_app(items, args.trace, args.query_only, args.payloads))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
