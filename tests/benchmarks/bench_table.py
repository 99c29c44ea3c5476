"""Benchmark: VirtualTable vs Textual's DataTable vs textual-fastdatatable holding participant-event rows.

Run: ``python tests/benchmarks/bench_table.py [--rows 1000000] [--datatable-rows 100000]``.
Each contender runs in its own subprocess (clean memory figures, same generated rows) and the
parent prints one table with ratios against textual-fastdatatable measured in the same run.

Measured per contender (headless ``App.run_test`` at 120x40; the compositor still renders
every frame, only the terminal write is skipped):
- first paint: from handing the rows to the widget to the first rendered frame;
- row / page move: keypress (``down`` / ``pagedown``) until the next frame is rendered
  (``pilot.press`` + ``pilot.pause``), median of many presses, as CPU time (the work done);
  wall time is printed too but is dominated by Pilot's idle detection (sleeps of ~80 ms);
- memory: RSS after the first paint minus RSS before the rows were generated (the rows the
  widget holds plus its own structures), and the peak (VmHWM) over the same baseline.
Textual's DataTable measures every cell of every row on add, so it is capped (default 100k).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

COLUMNS = (
    "eventTime",
    "eventName",
    "participantId",
    "remoteParticipantId",
    "errorCode",
    "destinationSessionId",
)
EVENTS = (
    "JOINED",
    "LEFT",
    "PUBLISH_STARTED",
    "PUBLISH_STOPPED",
    "SUBSCRIBE_STARTED",
    "PUBLISH_ERROR",
)
SIZE = (120, 40)
PRESSES = 40


def _rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def make_rows(count: int) -> list[tuple[str, ...]]:
    """Rows shaped like ListParticipantEvents items; every string a separate object, as parsed JSON is."""
    rows = []
    for i in range(count):
        event = EVENTS[i % len(EVENTS)].encode().decode()
        rows.append(
            (
                f"2024-05-01T{i // 3600 % 24:02}:{i // 60 % 60:02}:{i % 60:02}.{i % 1000:03}000+00:00",
                event,
                b"pGkXYuWuB0Ci".decode(),
                f"rp{i % 97:010d}" if i % 3 else "",
                b"QUOTA_EXCEEDED".decode() if event == "PUBLISH_ERROR" else "",
                f"st-{i % 13:08d}",
            )
        )
    return rows


def run_one(kind: str, count: int) -> dict[str, object]:
    """Measure one contender in this process and return its figures."""
    from textual.app import App, ComposeResult
    from textual.widget import Widget

    gc.collect()
    base = _rss_kib()
    rows = make_rows(count)
    gc.collect()
    holder: dict[str, Widget] = {}

    def build() -> Widget:
        if kind == "virtual":
            from tui.ui.widgets.virtual_table import Column, Row, VirtualTable

            table = VirtualTable(
                [Column(name.lower(), name) for name in COLUMNS], show_status=False
            )
            table.append_rows([Row(cells[0], cells) for cells in rows], more=False)
            return table
        if kind == "fastdatatable":
            from textual_fastdatatable import ArrowBackend
            from textual_fastdatatable import DataTable as FastTable

            backend = ArrowBackend.from_records(rows, has_header=False, column_names=list(COLUMNS))
            return FastTable(backend=backend, cursor_type="row")
        from textual.widgets import DataTable

        table = DataTable(cursor_type="row")
        table.add_columns(*COLUMNS)
        table.add_rows(rows)
        return table

    class BenchApp(App[None]):
        def compose(self) -> ComposeResult:
            widget = build()
            holder["table"] = widget
            yield widget

    figures: dict[str, object] = {"kind": kind, "rows": count}

    async def measure() -> None:
        nonlocal rows
        app = BenchApp()
        start = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            figures["first_paint_s"] = time.perf_counter() - start
            rows = []  # every table holds its own copy of the rows now; let the source go
            gc.collect()
            table = holder["table"]
            table.focus()
            await pilot.pause()
            figures["rss_mib"] = (_rss_kib() - base) / 1024
            for name, key in (("row_ms", "down"), ("page_ms", "pagedown")):
                samples, walls = [], []
                for _ in range(PRESSES):
                    w0, t0 = time.perf_counter(), time.process_time()
                    await pilot.press(key)
                    await pilot.pause()
                    samples.append((time.process_time() - t0) * 1000)
                    walls.append((time.perf_counter() - w0) * 1000)
                figures[name] = statistics.median(samples)
                figures[name + "_wall"] = statistics.median(walls)
            figures["peak_mib"] = (_rss_kib("VmHWM") - base) / 1024

    asyncio.run(measure())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--datatable-rows", type=int, default=100_000)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    plan = [
        ("fastdatatable", args.rows),
        ("virtual", args.rows),
        ("datatable", args.datatable_rows),
        ("virtual", args.datatable_rows),
        ("fastdatatable", args.datatable_rows),
    ]
    results = []
    for kind, count in plan:
        print(f"measuring {kind} with {count:,} rows…", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(count)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    baseline = {r["rows"]: r for r in results if r["kind"] == "fastdatatable"}
    header = (
        f"{'table':<14}{'rows':>10}{'first paint':>13}{'row move':>11}{'page move':>11}"
        f"{'RSS Δ':>10}{'peak Δ':>10}{'wall row/page':>17}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['kind']:<14}{r['rows']:>10,}{r['first_paint_s']:>11.3f} s{r['row_ms']:>8.2f} ms"
            f"{r['page_ms']:>8.2f} ms{r['rss_mib']:>6.0f} MiB{r['peak_mib']:>6.0f} MiB"
            f"{r['row_ms_wall']:>8.0f}/{r['page_ms_wall']:.0f} ms"
        )
    print("\nratios (this table ÷ textual-fastdatatable with the same rows; < 1 is better):")
    for r in results:
        b = baseline.get(r["rows"])
        if b is None or r["kind"] == "fastdatatable":
            continue
        ratios = [
            f"{name} {float(r[key]) / max(float(b[key]), 1e-9):.2f}×"
            for name, key in (
                ("first paint", "first_paint_s"),
                ("row", "row_ms"),
                ("page", "page_ms"),
                ("RSS", "rss_mib"),
                ("peak", "peak_mib"),
            )
        ]
        print(f"  {r['kind']:<12}{r['rows']:>10,}  " + "  ".join(ratios))


if __name__ == "__main__":
    main()
