"""Benchmark: VirtualTable vs Textual's DataTable vs textual-fastdatatable holding participant-event rows.

Run: ``python tests/benchmarks/bench_table.py [--rows 1000000] [--datatable-rows 100000] [--reps 3]``.
Each contender runs in its own subprocess (clean memory figures, same generated rows); the
contenders run interleaved, the order rotating per repetition, and every figure is printed with
its paired ratio against textual-fastdatatable measured in the same repetition, min–max of the
ratio, and the machine's load (tests/benchmarks/harness.py). Every subprocess imports the same
modules (Textual, textual-fastdatatable, pyarrow, eventdeck's table) before its memory baseline,
so no contender's imports are counted against its rows.

Measured per contender (headless ``App.run_test`` at 120x40; the compositor still renders
every frame, only the terminal write is skipped):
- first paint: from handing the rows to the widget to the first rendered frame;
- row / page move: keypress (``down`` / ``pagedown``) until the next frame is rendered
  (``pilot.press`` + ``pilot.pause``), median of many presses, as CPU time (the work done);
  wall time is printed too but is dominated by Pilot's idle detection (sleeps of ~80 ms);
- memory: RSS after the first paint minus RSS before the rows were generated (the rows the
  widget holds plus its own structures), and the peak (VmHWM) over the same baseline; both
  baselines taken after every contender's imports.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Table, interleave, load_line, rss_kib

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
    # Every contender imports everything before its baseline: imports are not the rows' cost.
    import pyarrow  # noqa: F401
    import textual_fastdatatable  # noqa: F401
    from textual.app import App, ComposeResult
    from textual.widget import Widget
    from textual.widgets import DataTable

    # The package loads the widget lazily: import it before the memory baseline.
    from tui.ui.widgets.virtual_table import widget as _table_widget  # noqa: F401

    gc.collect()
    base = rss_kib()
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

        table = DataTable(cursor_type="row")
        table.add_columns(*COLUMNS)
        table.add_rows(rows)
        return table

    from tui.themes import VARIABLE_DEFAULTS
    from tui.ui.styles import STYLESHEETS

    class BenchApp(App[None]):
        # VirtualTable's styles live in eventdeck's stylesheets (no DEFAULT_CSS): load them, as
        # the app does; they style only eventdeck's widgets, so the other contenders are as before.
        CSS_PATH = STYLESHEETS

        def get_theme_variable_defaults(self) -> dict[str, str]:
            return dict(VARIABLE_DEFAULTS)

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
            figures["rss_mib"] = (rss_kib() - base) / 1024
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
            figures["peak_mib"] = (rss_kib("VmHWM") - base) / 1024

    asyncio.run(measure())
    return figures


def measure_in_subprocess(kind: str, count: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


METRICS = (
    ("first paint", "first_paint_s", 1.0, "s"),
    ("row move (CPU)", "row_ms", 1.0, "ms"),
    ("page move (CPU)", "page_ms", 1.0, "ms"),
    ("RSS Δ after first paint", "rss_mib", 1.0, "MiB"),
    ("peak RSS Δ", "peak_mib", 1.0, "MiB"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--datatable-rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    print(f"python {sys.version.split()[0]}, {load_line()}", flush=True)
    groups = [
        (args.rows, ("fastdatatable", "virtual")),
        (args.datatable_rows, ("fastdatatable", "virtual", "datatable")),
    ]
    for count, kinds in groups:
        figures: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}

        def runner(
            kind: str, count: int = count, figures: dict[str, list[dict[str, float]]] = figures
        ) -> float:
            print(f"  {kind} with {count:,} rows…", file=sys.stderr, flush=True)
            result = measure_in_subprocess(kind, count)
            figures[kind].append(result)
            return float(result["first_paint_s"])

        interleave({kind: (lambda k=kind: runner(k)) for kind in kinds}, args.reps, warmup=0)
        base = figures["fastdatatable"]
        for label, key, _, unit in METRICS:
            table = Table(
                f"{label} — {count:,} rows, {args.reps} runs each, interleaved; "
                "baseline: textual-fastdatatable",
                unit=unit,
                scale=1.0,
            )
            for kind in kinds:
                values = [float(f[key]) for f in figures[kind]]
                table.add(kind, values, [float(f[key]) for f in base])
            table.print()
    print(
        "\nratios < 1 are better. Wall time per key press is dominated by Pilot's idle detection "
        "(~80 ms sleeps), so moves are CPU time."
    )


if __name__ == "__main__":
    main()
