"""Benchmark: the app end to end against the AWS CLI and plain boto3, on one sandbox, in one run.

Run: ``python tests/benchmarks/bench_ui.py [--reps-b 7] [--reps-c 3] [--pages 100]``.

One sandbox runs in a subprocess (``python -m tui.sandbox.cli --port 0``; its printed endpoint,
CA bundle and export lines are read back), so the server never shares a GIL with the app or the
client under test. Then, side by side and interleaved (order alternating per repetition):

(b) launch to the first participant events on screen: ``eventdeck ivs-realtime
    list-participant-events --stage-arn A --session-id S --participant-id P --endpoint-url E
    --ca-bundle C --region us-east-1`` as a real process in a tmux pane (120x40, polled with
    ``capture-pane -p`` every few ms) until a row of one of P's events (its time and name, as
    boto3 lists them) is on screen; against ``aws ivs-realtime list-participant-events ... --max-results
    100`` (AWS CLI v1) printing the same page into a pipe, to its first output byte and to its exit.
(c) 100 pages of 250 CodeCatalyst event logs (demo-large, a fixed 30-day range) loaded through
    the UI (headless ``App.run_test``, the pane launched from AWS CLI words, ``load_more`` called
    as soon as the pane is idle), from its first ListEventLogs request to the 25,000th row in the
    table; against a plain boto3 loop over the same pages and parameters (dateutil timestamps, as
    boto3 ships), and boto3 with eventdeck's fast timestamp parser (what the app's client is).

Both processes get the sandbox's dummy credentials and an empty HOME/XDG/AWS config (no user
config or theme can change a figure). Figures are wall times; medians with min–max spread.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
AWS = str(BIN / "aws")
EVENTDECK = str(BIN / "eventdeck")
SIZE = (120, 40)
IVS_PAGE = 100  # eventdeck's default IVS page size (Settings.pages.ivs); the CLI asks the same
ROW_RE = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s+([A-Z_]+)")


# -- the sandbox in its own process --------------------------------------------------------------
@dataclass
class SandboxProcess:
    """A sandbox started with ``python -m tui.sandbox.cli``: what it printed, and the process."""

    proc: subprocess.Popen[str]
    endpoint: str
    ca_bundle: str
    env: dict[str, str]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_sandbox_process() -> SandboxProcess:
    """Start the sandbox CLI on a free port and parse its endpoint, CA bundle and export lines."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox.cli", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    endpoint = ca_bundle = ""
    env: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox exited early (rc={proc.poll()})")
        word, _, rest = line.strip().partition(" ")
        if word == "endpoint":
            endpoint = rest
        elif word == "ca-bundle":
            ca_bundle = rest
        elif word == "export":
            key, _, value = rest.partition("=")
            env[key] = shlex.split(value)[0] if value else ""
            if key == "AWS_BEARER_TOKEN_CODECATALYST":
                break
    if not (endpoint and ca_bundle and "AWS_ACCESS_KEY_ID" in env):
        proc.kill()
        raise RuntimeError("the sandbox did not print its endpoint, CA bundle and credentials")
    return SandboxProcess(proc, endpoint, ca_bundle, env)


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


class Tmux:
    """A private tmux server (own socket, no user config) whose panes run the app under test."""

    def __init__(self) -> None:
        self.socket = f"bench-ui-{os.getpid()}"
        self.run("new-session", "-d", "-s", "keep", "-x", str(SIZE[0]), "-y", str(SIZE[1]))

    def run(self, *args: str) -> str:
        cmd = ["tmux", "-L", self.socket, "-f", "/dev/null", *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def rows_on_screen(rows: set[tuple[str, str]]) -> Callable[[str], bool]:
    """A test for a screen showing one of ``rows`` (time and event name on one line)."""
    names = {name for _, name in rows}
    return lambda screen: any(
        m.groups() in rows for m in ROW_RE.finditer(screen) if m.group(2) in names
    )


def time_in_tmux(
    tmux: Tmux,
    argv: list[str],
    env: dict[str, str],
    shown: Callable[[str], bool],
    tag: str,
    painted: str = "eventdeck",
) -> tuple[float, float]:
    """Seconds from launch to ``painted`` on screen, and to ``shown(screen)`` holding."""
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"exec env -i {exports} {shlex.join(argv)}"
    t0 = time.perf_counter()
    tmux.run("new-session", "-d", "-s", tag, "-x", str(SIZE[0]), "-y", str(SIZE[1]), command)
    pid = int(tmux.run("display-message", "-p", "-t", tag, "#{pane_pid}").strip())
    shell = rows_at = 0.0
    deadline = t0 + 30
    try:
        while time.perf_counter() < deadline:
            screen = tmux.run("capture-pane", "-p", "-t", tag)
            now = time.perf_counter() - t0
            if not shell and painted in screen:
                shell = now
            if shown(screen):
                rows_at = now
                break
            time.sleep(0.003)
        if not rows_at:
            raise RuntimeError(f"{tag}: not on screen after 30 s:\n{screen}")
    finally:
        subprocess.run(["tmux", "-L", tmux.socket, "kill-session", "-t", tag], capture_output=True)
        _wait_gone(pid)
    return shell, rows_at


def time_aws_cli(argv: list[str], env: dict[str, str], expected: int) -> tuple[float, float]:
    """Seconds from launch to the AWS CLI's first output byte, and to its exit (output read whole)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first_chunk = proc.stdout.read1(1)  # type: ignore[attr-defined]
    first = time.perf_counter() - t0
    out = first_chunk + proc.stdout.read()
    err = proc.stderr.read() if proc.stderr else b""
    rc = proc.wait()
    done = time.perf_counter() - t0
    count = out.count(b'"eventTime"')
    if rc != 0 or count != expected:
        raise RuntimeError(f"aws exited {rc} with {count} events: {err.decode()[-500:]}")
    return first, done


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


def bench_launch(sandbox: SandboxProcess, home: Path, reps: int) -> dict[str, list[float]]:
    """(b): interleaved runs of eventdeck in tmux, the AWS CLI into a pipe, and a bare Textual app."""
    arn, sid, pid, rows = pick_participant(sandbox)
    print(f"(b) participant {pid} of session {sid} ({len(rows)} events on its first page)")
    env = isolated_env(sandbox, home)
    env["TERM"] = "tmux-256color"
    common = ["--stage-arn", arn, "--session-id", sid, "--participant-id", pid]
    where = ["--endpoint-url", sandbox.endpoint, "--ca-bundle", sandbox.ca_bundle]
    where += ["--region", "us-east-1"]
    op = ["ivs-realtime", "list-participant-events"]
    ed_argv = [EVENTDECK, *op, *common, *where]
    min_argv = [sys.executable, "-c", MINIMAL_APP]
    aws_argv = [AWS, *op, *common, "--max-results", str(IVS_PAGE), "--output", "json", *where]
    shown = rows_on_screen(rows)
    ready = "bench-ui-minimal-ready"
    runs: dict[str, Callable[[str], tuple[float, float]]] = {
        "ed": lambda tag: time_in_tmux(tmux, ed_argv, env, shown, tag),
        "min": lambda tag: time_in_tmux(tmux, min_argv, env, lambda s: ready in s, tag, ready),
        "aws": lambda tag: time_aws_cli(aws_argv, env, len(rows)),
    }
    results: dict[str, list[float]] = {}
    tmux = Tmux()
    try:
        # One untimed run of each: bytecode and the page cache warm for all alike.
        for key, run in runs.items():
            run(f"warm-{key}")
        for i in range(reps):
            order = list(runs) if i % 2 == 0 else list(reversed(runs))
            for key in order:
                first, last = runs[key](f"{key}{i}")
                results.setdefault(f"{key}_first", []).append(first)
                results.setdefault(key, []).append(last)
    finally:
        tmux.close()
    return results


# -- (c) 100 pages of 250 event logs ----------------------------------------------------------------
def boto3_pages(client: Any, start: datetime, end: datetime, pages: int, size: int) -> float:
    """Seconds for ``pages`` ListEventLogs pages of demo-large through ``client``."""
    token: str | None = None
    rows = 0
    t0 = time.perf_counter()
    for _ in range(pages):
        kwargs: dict[str, Any] = {
            "spaceName": "demo-large",
            "startTime": start,
            "endTime": end,
            "maxResults": size,
        }
        if token:
            kwargs["nextToken"] = token
        resp = client.list_event_logs(**kwargs)
        rows += len(resp["items"])
        token = resp.get("nextToken")
    took = time.perf_counter() - t0
    if rows != pages * size:
        raise RuntimeError(f"boto3 loop got {rows} rows, expected {pages * size}")
    return took


def service_pages(
    sandbox: SandboxProcess, start: datetime, end: datetime, pages: int, size: int
) -> float:
    """Seconds for the same pages through eventdeck's service layer (client, errormap, typed items)."""
    from tui.services import codecatalyst as cc
    from tui.services.options import ConnectionOptions
    from tui.services.session import ClientFactory

    options = ConnectionOptions(
        region="us-east-1", endpoint_url=sandbox.endpoint, ca_bundle=sandbox.ca_bundle
    )
    factory = ClientFactory(options)
    factory.client("codecatalyst")  # built before timing, as the boto3 baselines' clients are
    token: str | None = None
    rows = 0
    t0 = time.perf_counter()
    for _ in range(pages):
        page = cc.list_event_logs(factory, "demo-large", start, end, token, size)
        rows += len(page.items)
        token = page.next_token
    took = time.perf_counter() - t0
    if rows != pages * size:
        raise RuntimeError(f"service loop got {rows} rows, expected {pages * size}")
    return took


async def ui_pages(
    sandbox: SandboxProcess, start: datetime, end: datetime, pages: int, size: int
) -> float:
    """Seconds from the UI's first ListEventLogs request to ``pages * size`` rows in its table."""
    from tui.app import EventdeckApp
    from tui.cli import LaunchTarget
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
            while pane.table.loaded_count < target:
                if pane.last_error is not None:
                    raise RuntimeError(f"the pane failed: {pane.last_error}")
                if not pane.fetching and pane.level is not None and pane.level.started:
                    pane.load_more()
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"only {pane.table.loaded_count} rows after 300 s")
                await asyncio.sleep(0.001)
            done = time.perf_counter()
            ids = [log.id for log in pane.level.items]
            await pilot.pause()
    finally:
        cc.list_event_logs = original  # type: ignore[assignment]
    if len(ids) != target or len(set(ids)) != target:
        raise RuntimeError(
            f"the UI loaded {len(ids)} rows ({len(set(ids))} distinct), not {target}"
        )
    return done - first_request[0]


def bench_pages(
    sandbox: SandboxProcess, reps: int, pages: int, size: int
) -> dict[str, list[float]]:
    """(c): interleaved runs of the UI, plain boto3, boto3 + the fast parser, the service layer."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"):
        os.environ[key] = sandbox.env[key]
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    start = end - timedelta(days=30)
    plain = boto3_client(sandbox, "codecatalyst")
    fast = boto3_client(sandbox, "codecatalyst", fast=True)
    boto3_pages(plain, start, end, pages, size)  # untimed: the sandbox generates the pages once
    runs: dict[str, Callable[[], float]] = {
        "ui": lambda: asyncio.run(ui_pages(sandbox, start, end, pages, size)),
        "boto3": lambda: boto3_pages(plain, start, end, pages, size),
        "boto3_fast": lambda: boto3_pages(fast, start, end, pages, size),
        "service": lambda: service_pages(sandbox, start, end, pages, size),
    }
    results: dict[str, list[float]] = {k: [] for k in runs}
    for i in range(reps):
        order = list(runs) if i % 2 == 0 else list(reversed(runs))
        for key in order:
            results[key].append(runs[key]())
    return results


# -- the table ------------------------------------------------------------------------------------
def fmt(values: list[float], scale: float = 1000.0, unit: str = "ms") -> tuple[str, str]:
    median = statistics.median(values)
    spread = f"{min(values) * scale:,.0f}–{max(values) * scale:,.0f}"
    return f"{median * scale:,.0f} {unit}", spread


def print_table(
    title: str, rows: list[tuple[str, list[float]]], baseline: list[float], note: str
) -> None:
    base = statistics.median(baseline)
    print(f"\n{title}")
    print(f"{'measure':<58} {'median':>10} {'min–max':>15} {'vs baseline':>12}")
    print("-" * 98)
    for label, values in rows:
        median, spread = fmt(values)
        ratio = statistics.median(values) / base
        print(f"{label:<58} {median:>10} {spread:>15} {ratio:>11.2f}x")
    print(note)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps-b", type=int, default=7, help="repetitions of (b) (default 7)")
    parser.add_argument("--reps-c", type=int, default=3, help="repetitions of (c) (default 3)")
    parser.add_argument("--pages", type=int, default=100, help="pages in (c) (default 100)")
    parser.add_argument("--page-size", type=int, default=250, help="page size in (c) (default 250)")
    parser.add_argument("--only", choices=("b", "c"), help="run one benchmark only")
    args = parser.parse_args()
    if shutil.which("tmux") is None and args.only != "c":
        print("bench_ui: (b) needs tmux on PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        home = Path(tmp)
        for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[key] = str(home / key.lower())
        os.environ["HOME"] = str(home)
        os.environ["AWS_CONFIG_FILE"] = str(home / "aws-config")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "aws-credentials")
        for key in [k for k in os.environ if k.startswith("AWS_") and "FILE" not in k]:
            del os.environ[key]
        sandbox = start_sandbox_process()
        print(
            f"sandbox {sandbox.endpoint} (pid {sandbox.proc.pid}, its own process: no shared GIL)"
        )
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
        )
        try:
            launch = bench_launch(sandbox, home, args.reps_b) if args.only != "c" else None
            pages = (
                bench_pages(sandbox, args.reps_c, args.pages, args.page_size)
                if args.only != "b"
                else None
            )
        finally:
            sandbox.stop()
    print(
        f"load average at the end: {os.getloadavg()[0]:.2f} (other work on the machine adds noise)"
    )
    if launch is not None:
        print_table(
            f"(b) launch to the first participant events on screen — {args.reps_b} runs each, "
            "interleaved; baseline: the AWS CLI to exit",
            [
                ("aws (CLI v1) list-participant-events: first output byte", launch["aws_first"]),
                ("aws (CLI v1) list-participant-events: exit (baseline)", launch["aws"]),
                ("bare Textual app (Header, Static, Footer): first paint", launch["min"]),
                ("eventdeck in tmux 120x40: shell painted", launch["ed_first"]),
                ("eventdeck in tmux 120x40: participant's events on screen", launch["ed"]),
            ],
            launch["aws"],
            "target: eventdeck's events on screen faster than the AWS CLI (ratio < 1.00). "
            "tmux polled every ~3 ms + one capture-pane (~2-4 ms).",
        )
    if pages is not None:
        total = args.pages * args.page_size
        print_table(
            f"(c) {args.pages} pages x {args.page_size} event logs ({total:,} rows), demo-large, "
            f"30-day range — {args.reps_c} runs each, interleaved; baseline: plain boto3",
            [
                ("plain boto3 loop (baseline)", pages["boto3"]),
                ("boto3 loop + eventdeck's fast timestamp parser", pages["boto3_fast"]),
                ("eventdeck service layer loop (cc.list_event_logs, no UI)", pages["service"]),
                ("eventdeck UI: first request to the last row in the table", pages["ui"]),
            ],
            pages["boto3"],
            "target: eventdeck UI within 20% of plain boto3 (ratio <= 1.20).",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
