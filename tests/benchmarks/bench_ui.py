"""Benchmark: the app end to end against the AWS CLI and boto3, on one sandbox, in one run.

Run: ``python tests/benchmarks/bench_ui.py [--reps-b 7] [--reps-c 5] [--pages 100] [--key-rate 30]``.

One sandbox runs in a subprocess (``python -m tui.sandbox.cli --port 0``; its printed endpoint,
CA bundle and export lines are read back), so the server never shares a GIL with the app or the
client under test. Every contender runs interleaved with the others (the order rotating per
repetition) and every figure is printed with its paired ratio to the baseline run beside it, its
min–max, and the machine's load (tests/benchmarks/harness.py).

(b) launch to the first participant events on screen. ``eventdeck ivs-realtime
    list-participant-events --stage-arn A --session-id S --participant-id P ...`` and ``aws
    ivs-realtime list-participant-events ... --max-results 100`` (AWS CLI v1) both run as real
    processes on a fresh pseudo-terminal (120x40) and are timed by the same clock to the moment
    the page is written to the terminal: for eventdeck a row of one of P's events (time and
    name), for the CLI the last event of the page. The CLI's exit is printed too (its teardown
    after the page is on screen is not part of what a user waits for). A bare Textual app
    (Header, Static, Footer) to its first paint is the floor any Textual app pays; the same
    app importing botocore.session first is the floor of an app that resolves its destination
    itself before it shows a page. eventdeck runs with its early call (a child forked before
    Textual loads makes the first call; tui/services/early_call.py) and without it
    (EVENTDECK_NO_EARLY_CALL=1: the serial start-up, as before), interleaved; the launch's own
    marks (EVENTDECK_LAUNCH_TRACE: names and times only) give the breakdown from the spawn.
    ``--before DIR`` adds eventdeck from another checkout (e.g. a worktree of main: its ``tui``
    package first on the path, the same interpreter and libraries) as one more contender in the
    same interleaved runs, so a change's before and after come from one run.
(c) 100 pages of 250 CodeCatalyst event logs (demo-large, a fixed 30-day range) through the
    real app (headless ``App.run_test``, the pane launched from AWS CLI words) with ``G`` held:
    key events arrive at ``--key-rate`` a second, as a terminal's key repeat sends them, whether
    or not the app has caught up; timed from the first ListEventLogs request to the 25,000th row
    in the table. Baseline: a boto3 loop over the same pages with eventdeck's timestamp parser
    (the same work: the app's client parses with it); plain boto3 (dateutil) is printed too.
    Each press lands the pages read ahead that are in, up to 500 rows (before the read-ahead, one
    page a press: ``pages / key-rate`` was a floor, 1.4x the same-parser loop at 30/s); the UI is also timed
    with ``G`` pressed again as soon as rows land (how fast the app itself pages). ``--before DIR``
    adds DIR's UI and this checkout's, each in its own process, G held, in the same rotation.

Both sides get the sandbox's dummy credentials and an empty HOME/XDG/AWS config (no user
config or theme can change a figure), and bytecode cached in a private prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    SandboxProcess,
    Spread,
    Table,
    interleave,
    isolate_home,
    load_line,
    paired,
    run_in_pty,
    start_sandbox_process,
    timed_pages,
    visible_text,
)

BIN = Path(sys.executable).parent
AWS = str(BIN / "aws")
EVENTDECK = str(BIN / "eventdeck")
SIZE = (120, 40)
IVS_PAGE = 100  # eventdeck's default IVS page size (Settings.pages.ivs); the CLI asks the same
ROW_RE = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s+([A-Z_]+)")


def isolated_env(sandbox: SandboxProcess, home: Path) -> dict[str, str]:
    """A clean environment: the sandbox's dummy credentials, and no user config anywhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[key] = str(home / key.lower())
    env["HOME"] = str(home)
    env["AWS_CONFIG_FILE"] = str(home / "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "aws-credentials")
    env.pop("EVENTDECK_CONFIG", None)
    # Bytecode as a real install has it: cached (in a private prefix, not in the tree) for both.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"):
        env[key] = sandbox.env[key]
    return env


def boto3_client(sandbox: SandboxProcess, service: str, fast: bool = False) -> Any:
    """A plain boto3 client on the sandbox (``fast``: with eventdeck's timestamp parser)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=sandbox.env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=sandbox.env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    if fast:
        from tui.services.timeparse import install_fast_timestamp_parser

        install_fast_timestamp_parser(session)
    return session.client(
        service,
        endpoint_url=sandbox.endpoint,
        verify=sandbox.ca_bundle,
        config=Config(retries={"mode": "standard"}),
    )


# -- (b) launch to first participant events ------------------------------------------------------
def pick_participant(sandbox: SandboxProcess) -> tuple[str, str, str, set[tuple[str, str]]]:
    """The demo participant with a full first page; its ids and the (time, name) of that page."""
    client = boto3_client(sandbox, "ivs-realtime")
    best: tuple[int, tuple[str, str, str], list[dict[str, Any]]] | None = None
    for stage in client.list_stages(maxResults=100)["stages"]:
        arn = stage["arn"]
        for session in client.list_stage_sessions(stageArn=arn, maxResults=100)["stageSessions"]:
            sid = session["sessionId"]
            participants = client.list_participants(stageArn=arn, sessionId=sid, maxResults=100)
            for p in participants["participants"]:
                pid = p["participantId"]
                resp = client.list_participant_events(
                    stageArn=arn, sessionId=sid, participantId=pid, maxResults=IVS_PAGE
                )
                events = resp["events"]
                if best is None or len(events) > best[0]:
                    best = (len(events), (arn, sid, pid), events)
    assert best is not None and best[0] > 0, "the demo data has no participant events"
    rows = {
        (e["eventTime"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), e["name"]) for e in best[2]
    }
    return (*best[1], rows)


def rows_on_screen(rows: set[tuple[str, str]]) -> Callable[[bytes], bool]:
    """A test for terminal output showing one of ``rows`` (time and event name on one line)."""
    names = {name for _, name in rows}
    return lambda out: any(
        m.groups() in rows for m in ROW_RE.finditer(visible_text(out)) if m.group(2) in names
    )


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("bench-ui-minimal-ready")
        yield Footer()
Minimal().run()
"""


def checkout_argv(directory: Path) -> list[str]:
    """``eventdeck`` run from the checkout ``directory`` (its ``tui`` before the installed one)."""
    code = (
        f"import sys; sys.path.insert(0, {str(directory)!r}); from tui.cli import main; "
        "sys.exit(main())"
    )
    return [sys.executable, "-c", code]


def bench_launch(
    sandbox: SandboxProcess, home: Path, reps: int, before: Path | None = None
) -> dict[str, list[float]]:
    """(b): interleaved runs of eventdeck, the AWS CLI and a bare Textual app, each on its own pty.

    With ``before``, eventdeck from that checkout runs too (prefix ``before:`` in the results).
    """
    arn, sid, pid, rows = pick_participant(sandbox)
    print(f"(b) participant {pid} of session {sid} ({len(rows)} events on its first page)")
    env = isolated_env(sandbox, home)
    env["TERM"] = "xterm-256color"
    env["COLUMNS"], env["LINES"] = str(SIZE[0]), str(SIZE[1])
    common = ["--stage-arn", arn, "--session-id", sid, "--participant-id", pid]
    where = ["--endpoint-url", sandbox.endpoint, "--ca-bundle", sandbox.ca_bundle]
    where += ["--region", "us-east-1"]
    op = ["ivs-realtime", "list-participant-events"]
    ed_argv = [EVENTDECK, *op, *common, *where]
    min_argv = [sys.executable, "-c", MINIMAL_APP]
    aws_argv = [AWS, *op, *common, "--max-results", str(IVS_PAGE), "--output", "json", *where]
    shown = rows_on_screen(rows)
    results: dict[str, list[float]] = {"aws_exit": [], "ed_shell": []}
    prefixes = ("", "serial:", "cold:", "before:", "before:serial:")
    results.update({f"mark:{p}{m}": [] for m in MARKS for p in prefixes})
    results.update(
        ed_serial_shell=[], ed_cold_shell=[], ed_before_shell=[], ed_before_serial_shell=[]
    )

    cold_runs: list[Path] = []

    def eventdeck(serial: bool = False, before_run: bool = False, cold: bool = False) -> float:
        painted: list[float] = []
        trace = home / "launch-trace"
        trace.unlink(missing_ok=True)
        run_env = {**env, "EVENTDECK_LAUNCH_TRACE": str(trace)}
        if serial:
            run_env["EVENTDECK_NO_EARLY_CALL"] = "1"
        if cold:  # the first launch ever (or after a theme or Textual change): no parsed rules
            cold_runs.append(home / f"cold-cache-{len(cold_runs)}")
            run_env["XDG_CACHE_HOME"] = str(cold_runs[-1])
        t0 = time.perf_counter()

        def check(out: bytes) -> bool:
            if not painted and "IVS Real-Time" in visible_text(out):  # the pane tabs
                painted.append(time.perf_counter() - t0)
            return shown(out)

        argv = ed_argv
        if before_run and before is not None:
            argv = [*checkout_argv(before), *op, *common, *where]
        result = run_in_pty(argv, run_env, check, SIZE)
        prefix = ("before:" if before_run else "") + ("serial:" if serial else "")
        prefix += "cold:" if cold else ""
        shell = "ed" + ("_before" if before_run else "") + ("_serial" if serial else "")
        shell += ("_cold" if cold else "") + "_shell"
        results[shell].append(painted[0] if painted else float("nan"))
        marks = read_marks(trace, t0)
        for name in MARKS:
            results[f"mark:{prefix}{name}"].append(marks.get(name, float("nan")))
        return result.shown

    def aws_cli() -> float:
        last = len(rows)
        result = run_in_pty(
            aws_argv,
            env,
            lambda out: out.count(b'"eventTime"') >= last and out.rstrip().endswith(b"}"),
            SIZE,
            wait_exit=True,
        )
        if result.exited is None:
            raise RuntimeError("the AWS CLI did not exit")
        results["aws_exit"].append(result.exited)
        return result.shown

    def minimal(argv: list[str] = min_argv) -> float:
        return run_in_pty(argv, env, lambda out: b"bench-ui-minimal-ready" in out, SIZE).shown

    # The floor of the trust rule: the app resolves the destination itself (botocore) before it
    # shows a page, so no launch can beat a bare Textual app that also imports botocore.session.
    floor_argv = [sys.executable, "-c", "import botocore.session\n" + MINIMAL_APP]

    # Every launch but the first keeps the stylesheet's parsed rules (tui/ui/styles/rules_cache.py,
    # written just after the first frame): one launch that lives that long, as a user's does.
    warm_rules_cache(ed_argv, env, home / "xdg_cache_home" / "eventdeck" / "css")
    runs = {
        "aws": aws_cli,
        "ed": eventdeck,
        "ed_serial": lambda: eventdeck(serial=True),
        "ed_cold": lambda: eventdeck(cold=True),
        "min": minimal,
        "floor": lambda: minimal(floor_argv),
    }
    if before is not None:
        runs["ed_before"] = lambda: eventdeck(before_run=True)
        runs["ed_before_serial"] = lambda: eventdeck(serial=True, before_run=True)
    timed = interleave(runs, reps, warmup=1)
    # The warm-up runs appended to the side lists too: keep the timed repetitions only.
    results = {name: values[-reps:] for name, values in results.items()}
    return {**timed, **results}


def warm_rules_cache(argv: list[str], env: dict[str, str], cache: Path) -> None:
    """Run ``argv`` on a pty until it has written its parsed CSS rules to ``cache``, then stop it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    proc = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True, close_fds=True)  # fmt: skip
    os.close(slave)
    deadline = time.perf_counter() + 60
    try:
        while not any(cache.glob("css-rules-*.pickle")):
            if time.perf_counter() > deadline or proc.poll() is not None:
                raise RuntimeError("eventdeck did not write its CSS rules cache")
            if select.select([master], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
        time.sleep(0.2)  # the atomic rename is done; let the app settle before it is stopped
    finally:
        proc.terminate()
        end = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < end:  # drain: it restores the tty
            if select.select([master], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


# The launch's own marks (tui/services/early_call.py `mark`), in the order they happen.
MARKS = (
    "main",
    "context-built",
    "early-forked",
    "early-child-started",
    "early-child-warm",
    "early-job-sent",
    "early-job-taken",
    "early-resolved",
    "call-sent",
    "call-answered",
    "ui-imported",
    "early-resolved-taken",
    "early-page-accepted",
)


def read_marks(trace: Path, t0: float) -> dict[str, float]:
    """Seconds from the spawn (``t0``, the same monotonic clock) to each mark in ``trace``."""
    marks: dict[str, float] = {}
    if trace.exists():
        for line in trace.read_text().splitlines():
            name, stamp, _pid = line.split()
            marks.setdefault(name, float(stamp) - t0)
    return marks


# -- (c) 100 pages of 250 event logs ----------------------------------------------------------------
def boto3_pages(client: Any, start: datetime, end: datetime, pages: int, size: int) -> float:
    """Seconds for ``pages`` ListEventLogs pages of demo-large through ``client``."""
    kwargs = {"spaceName": "demo-large", "startTime": start, "endTime": end, "maxResults": size}
    took, rows = timed_pages(client.list_event_logs, kwargs, "items", pages)
    if rows != pages * size:
        raise RuntimeError(f"boto3 loop got {rows} rows, expected {pages * size}")
    return took


async def ui_pages(
    sandbox: SandboxProcess, start: datetime, end: datetime, pages: int, size: int, rate: float
) -> float:
    """Seconds from the UI's first ListEventLogs request to ``pages * size`` rows, ``G`` held."""
    from textual import events

    from tui.app import EventdeckApp
    from tui.args import LaunchTarget
    from tui.context import AppContext
    from tui.services import codecatalyst as cc
    from tui.services.options import ConnectionOptions
    from tui.settings import PageSettings, Settings

    target = pages * size
    first_request: list[float] = []
    original = cc.list_event_logs

    def timed(*args: Any, **kwargs: Any) -> Any:
        if not first_request:
            first_request.append(time.perf_counter())
        return original(*args, **kwargs)

    options = ConnectionOptions(
        region="us-east-1", endpoint_url=sandbox.endpoint, ca_bundle=sandbox.ca_bundle
    )
    settings = replace(Settings(), pages=PageSettings(codecatalyst=size))
    launch = LaunchTarget(
        "codecatalyst",
        "codecatalyst list-event-logs",
        {"space-name": "demo-large", "start-time": start.isoformat(), "end-time": end.isoformat()},
    )
    ctx = AppContext(options=options, settings=settings, launch=launch)
    app = EventdeckApp(ctx)
    cc.list_event_logs = timed  # type: ignore[assignment]
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane: Any = app.current_pane
            assert pane.PANE_ID == "codecatalyst"
            if (pane.start, pane.end) != (start, end):
                raise RuntimeError(f"the pane parsed another range: {pane.start} {pane.end}")
            deadline = time.perf_counter() + 300
            while not (pane.level is not None and pane.level.items):
                if pane.last_error is not None:
                    raise RuntimeError(f"the pane failed: {pane.last_error}")
                await asyncio.sleep(0.001)
            # G held: the terminal repeats the key at ``rate`` a second, caught up with or not.
            # rate 0: G is pressed again as soon as the page it asked for is in (no key floor).
            interval = 1.0 / rate if rate else 0.0
            next_key = time.perf_counter()
            pressed_at = -1
            while pane.table.loaded_count < target:
                if pane.last_error is not None:
                    raise RuntimeError(f"the pane failed: {pane.last_error}")
                now = time.perf_counter()
                if rate and now >= next_key:
                    app.post_message(events.Key("G", "G"))
                    next_key += interval
                elif not rate and pane.table.loaded_count != pressed_at:
                    pressed_at = pane.table.loaded_count
                    app.post_message(events.Key("G", "G"))
                if now > deadline:
                    raise RuntimeError(f"only {pane.table.loaded_count} rows after 300 s")
                wait = min(next_key - time.perf_counter(), 0.002) if rate else 0.001
                await asyncio.sleep(max(0.0, wait))
            done = time.perf_counter()
            ids = [log.id for log in pane.level.items]
            await pilot.pause()
    finally:
        cc.list_event_logs = original  # type: ignore[assignment]
    # G lands the pages that are in (up to 500 rows): the last landing may bring more than the target.
    if len(ids) < target or len(set(ids)) != len(ids):
        raise RuntimeError(
            f"the UI loaded {len(ids)} rows ({len(set(ids))} distinct), not {target}"
        )
    return done - first_request[0]


UI_RUN = """
import asyncio, sys, types
from datetime import datetime
checkout, endpoint, ca_bundle, start, end, pages, size, rate = sys.argv[1:]
sys.path[:0] = [checkout, checkout + "/tests/benchmarks"]
import bench_ui
import tui.app  # noqa: F401  (imported before the timed run, as in the parent)
sandbox = types.SimpleNamespace(endpoint=endpoint, ca_bundle=ca_bundle)
took = asyncio.run(bench_ui.ui_pages(sandbox, datetime.fromisoformat(start),
    datetime.fromisoformat(end), int(pages), int(size), float(rate)))
print(took)
"""


def ui_pages_in(
    checkout: Path,
    sandbox: SandboxProcess,
    start: datetime,
    end: datetime,
    pages: int,
    size: int,
    rate: float,
) -> float:
    """``ui_pages`` of ``checkout`` (its ``tui`` first on the path) in a fresh process: seconds.

    Why a process: two versions of the app cannot share one interpreter; the current checkout
    runs the same way when ``--before`` is given, so both sides pay the same.
    """
    out = subprocess.run(
        [sys.executable, "-c", UI_RUN, str(checkout), sandbox.endpoint, sandbox.ca_bundle,
         start.isoformat(), end.isoformat(), str(pages), str(size), str(rate)],
        capture_output=True, text=True, check=True, cwd=checkout,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def bench_pages(
    sandbox: SandboxProcess,
    reps: int,
    pages: int,
    size: int,
    rate: float,
    before: Path | None = None,
) -> dict[str, list[float]]:
    """(c): interleaved runs of the UI with G held, boto3 + eventdeck's parser, plain boto3.

    Also the UI with G pressed again as each page lands (no key-rate floor: how fast the app
    itself pages), and with ``before`` the UI of that checkout and of this one, each in its
    own process, with G held.
    """
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"):
        os.environ[key] = sandbox.env[key]
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    start = end - timedelta(days=30)
    plain = boto3_client(sandbox, "codecatalyst")
    fast = boto3_client(sandbox, "codecatalyst", fast=True)
    import tui.app  # noqa: F401  (imports done before any run, for every contender alike)

    runs: dict[str, Callable[[], float]] = {
        "boto3_fast": lambda: boto3_pages(fast, start, end, pages, size),
        "ui": lambda: asyncio.run(ui_pages(sandbox, start, end, pages, size, rate)),
        "boto3": lambda: boto3_pages(plain, start, end, pages, size),
        "ui_landed": lambda: asyncio.run(ui_pages(sandbox, start, end, pages, size, 0.0)),
    }
    if before is not None:
        here = Path(__file__).resolve().parents[2]
        runs["ui_here"] = lambda: ui_pages_in(here, sandbox, start, end, pages, size, rate)
        runs["ui_before"] = lambda: ui_pages_in(before, sandbox, start, end, pages, size, rate)
    return interleave(runs, reps, warmup=1)


def ratio_of(values: list[float], baseline: list[float]) -> str:
    """The median paired ratio of ``values`` to ``baseline`` with its min–max, as printed."""
    spread = Spread.of(paired(values, baseline))
    return f"{spread.median:.2f}x ({spread.low:.2f}-{spread.high:.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps-b", type=int, default=7, help="repetitions of (b) (default 7)")
    parser.add_argument("--reps-c", type=int, default=5, help="repetitions of (c) (default 5)")
    parser.add_argument("--pages", type=int, default=100, help="pages in (c) (default 100)")
    parser.add_argument("--page-size", type=int, default=250, help="page size in (c) (default 250)")
    parser.add_argument(
        "--key-rate", type=float, default=30.0, help="held-key repeats a second in (c) (default 30)"
    )
    parser.add_argument("--only", choices=("b", "c"), help="run one benchmark only")
    parser.add_argument(
        "--before",
        type=Path,
        help="(b) and (c) also run eventdeck from this checkout (e.g. a worktree of main), interleaved",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        home = Path(tmp)
        isolate_home(home)
        sandbox = start_sandbox_process()
        print(
            f"sandbox {sandbox.endpoint} (pid {sandbox.proc.pid}, its own process: no shared GIL)"
        )
        print(f"python {sys.version.split()[0]}, {load_line()}")
        try:
            launch = (
                bench_launch(sandbox, home, args.reps_b, args.before) if args.only != "c" else None
            )
            pages = (
                bench_pages(
                    sandbox, args.reps_c, args.pages, args.page_size, args.key_rate, args.before
                )
                if args.only != "b"
                else None
            )
        finally:
            sandbox.stop()
    if launch is not None:
        table = Table(
            f"(b) launch to the first participant events on the terminal — {args.reps_b} runs "
            "each, interleaved, one pty harness; baseline: the AWS CLI's page on the terminal"
        )
        table.add("aws (CLI v1): the page on the terminal (baseline)", launch["aws"], launch["aws"])
        table.add("aws (CLI v1): exit", launch["aws_exit"], launch["aws"])
        table.add(
            "bare Textual app (Header, Static, Footer): first paint", launch["min"], launch["aws"]
        )
        table.add(
            "bare Textual app + import botocore.session: first paint",
            launch["floor"],
            launch["aws"],
        )
        table.add(
            "eventdeck: shell painted (pane tabs on the terminal)",
            launch["ed_shell"],
            launch["aws"],
        )
        table.add("eventdeck: participant's events on the terminal", launch["ed"], launch["aws"])
        table.add(
            "eventdeck, first launch (no parsed CSS rules cached): events on the terminal",
            launch["ed_cold"],
            launch["aws"],
        )
        table.add(
            "eventdeck, no early call (serial, as before): shell painted",
            launch["ed_serial_shell"],
            launch["aws"],
        )
        table.add(
            "eventdeck, no early call (serial, as before): events on the terminal",
            launch["ed_serial"],
            launch["aws"],
        )
        if args.before is not None:
            for serial in (False, True):
                label = "no early call" if serial else "early call"
                run = "ed_before" + ("_serial" if serial else "")
                table.add(f"before ({args.before}), {label}: shell painted",
                          launch[f"{run}_shell"], launch["aws"])  # fmt: skip
                table.add(f"before ({args.before}), {label}: events on the terminal",
                          launch[run], launch["aws"])  # fmt: skip
        table.notes.append(
            "target: eventdeck's events on screen <= 0.80x the CLI's page on the terminal"
        )
        table.print()
        for before_run in (False, True) if args.before is not None else (False,):
            for serial in (False, True):
                prefix = ("before:" if before_run else "") + ("serial:" if serial else "")
                run = "ed" + ("_before" if before_run else "") + ("_serial" if serial else "")
                breakdown = Table(
                    "(b) where eventdeck's launch goes, from the spawn (medians of the same runs; "
                    + (f"before: {args.before}; " if before_run else "")
                    + (
                        "no early call: the thread prefetch, as before)"
                        if serial
                        else "early call)"
                    )
                )
                for name in MARKS:
                    values = [v for v in launch[f"mark:{prefix}{name}"] if v == v]
                    if values:
                        breakdown.add(f"mark {name}", values)
                breakdown.add("shell painted (pty)", launch[f"{run}_shell"])
                breakdown.add("events on the terminal (pty)", launch[run])
                breakdown.print()
    if pages is not None:
        total = args.pages * args.page_size
        table = Table(
            f"(c) {args.pages} pages x {args.page_size} event logs ({total:,} rows), G held at "
            f"{args.key_rate:g}/s — {args.reps_c} runs each, interleaved; baseline: boto3 with "
            "eventdeck's timestamp parser (same work)"
        )
        table.add(
            "boto3 loop + eventdeck's timestamp parser (baseline)",
            pages["boto3_fast"],
            pages["boto3_fast"],
        )
        table.add("plain boto3 loop (dateutil timestamps)", pages["boto3"], pages["boto3_fast"])
        table.add(
            "eventdeck UI, G held: first request to the last row", pages["ui"], pages["boto3_fast"]
        )
        table.add(
            "eventdeck UI, G pressed again as each page lands",
            pages["ui_landed"],
            pages["boto3_fast"],
        )
        if args.before is not None:
            table.add("this checkout, own process, G held", pages["ui_here"], pages["boto3_fast"])
            table.add(
                f"before ({args.before}), own process, G held",
                pages["ui_before"],
                pages["boto3_fast"],
            )
        floor = args.pages / args.key_rate
        table.notes += [
            "target (issue 13): paging through the UI <= 1.05x plain boto3",
            f"against plain boto3: G held {ratio_of(pages['ui'], pages['boto3'])}, "
            f"G as each page lands {ratio_of(pages['ui_landed'], pages['boto3'])}",
            f"one page a press at this key rate would take {floor * 1000:,.0f} ms "
            f"({floor / statistics.median(pages['boto3_fast']):.2f}x the same-parser loop); "
            "a press lands the pages read ahead that are in (≤ 500 rows)",
        ]
        table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
