"""The one measuring harness every benchmark uses: interleaved A/B runs, paired ratios, the load.

Why: a figure taken on a shared machine means little unless both sides ran under the same
conditions. So contenders run interleaved (the order rotating per repetition, so drift and
neighbours hit them alike), every repetition yields one ratio per contender against the
baseline measured right beside it, and the table prints the median ratio with its min–max and
the machine's load average and CPU count next to the figures. ``PtyRun`` runs a program in a
pseudo-terminal and times the moment a given text is written to it (on screen), so a TUI and
a CLI are measured by the same clock in the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_line() -> str:
    """The 1/5/15-minute load average and the CPU count, as one line to print beside figures."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def interleave(
    runs: Mapping[str, Callable[[], float]], reps: int, warmup: int = 1, quiet: bool = False
) -> dict[str, list[float]]:
    """Run every contender ``reps`` times, rotating the order each repetition; untimed warm-ups first."""
    names = list(runs)
    for _ in range(warmup):
        for name in names:
            runs[name]()
    results: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        order = names[shift:] + names[:shift]
        if rep % 2:
            order.reverse()
        for name in order:
            results[name].append(runs[name]())
        if not quiet:
            print(f"  rep {rep + 1}/{reps} done · {load_line()}", file=sys.stderr, flush=True)
    return results


def paired(values: Sequence[float], baseline: Sequence[float]) -> list[float]:
    """One ratio per repetition: each run against the baseline run beside it."""
    return [v / b for v, b in zip(values, baseline, strict=True) if b]


@dataclass
class Spread:
    """Median and min–max of a list of figures."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))


@dataclass
class Table:
    """A benchmark table: each row a figure with its spread and its paired ratio to the baseline."""

    title: str
    unit: str = "ms"
    scale: float = 1000.0
    rows: list[tuple[str, list[float], list[float] | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, values: list[float], baseline: list[float] | None = None) -> None:
        """A row; with ``baseline`` (same length, same repetitions) its paired ratio is printed."""
        self.rows.append((label, values, baseline))

    def render(self) -> str:
        lines = [self.title, f"  {load_line()}"]
        head = (
            f"  {'measure':<56}{'median':>12}{'min–max':>18}{'ratio (paired)':>16}{'min–max':>14}"
        )
        lines += [head, "  " + "-" * (len(head) - 2)]
        for label, values, baseline in self.rows:
            s = Spread.of(values)
            value = f"{s.median * self.scale:,.1f} {self.unit}"
            spread = f"{s.low * self.scale:,.1f}–{s.high * self.scale:,.1f}"
            ratio = ratio_spread = ""
            if baseline is not None:
                r = Spread.of(paired(values, baseline))
                ratio = f"{r.median:.2f}×"
                ratio_spread = f"{r.low:.2f}–{r.high:.2f}"
            lines.append(f"  {label:<56}{value:>12}{spread:>18}{ratio:>16}{ratio_spread:>14}")
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)

    def print(self) -> None:
        print("\n" + self.render(), flush=True)


def gen2_timer() -> tuple[list[float], Callable[[str, dict[str, int]], None]]:
    """A ``gc.callbacks`` entry timing every gen-2 collection, and the list it fills (seconds).

    Why: an automatic gen-2 collection is a pause of the thread that triggers it; the UI
    benchmarks report them beside the loop pauses.
    """
    times: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            times.append(time.perf_counter() - started[0])

    return times, on_gc


def timed_pages(
    call: Callable[..., dict[str, Any]], kwargs: dict[str, Any], items_key: str, pages: int
) -> tuple[float, int]:
    """Seconds for ``pages`` pages of ``call(**kwargs)`` following ``nextToken``, and the items read.

    Why: the boto3 baselines of the paging benchmarks are the same loop over other operations.
    """
    token: str | None = None
    rows = 0
    t0 = time.perf_counter()
    for _ in range(pages):
        resp = call(**kwargs, **({"nextToken": token} if token else {}))
        rows += len(resp[items_key])
        token = resp.get("nextToken")
    return time.perf_counter() - t0, rows


def rss_kib(field_name: str = "VmRSS") -> int:
    """This process's resident set (or VmHWM, its peak) in KiB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


# -- a program in a pseudo-terminal ---------------------------------------------------------------
ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78]"
)


def visible_text(stream: bytes) -> str:
    """What a terminal shows of ``stream``, as text in write order (escape sequences dropped)."""
    return ESCAPES.sub(b"", stream).decode("utf-8", "replace")


@dataclass
class PtyResult:
    """When the text was seen, when the program exited (if it did before it was stopped), and its output."""

    shown: float
    exited: float | None
    output: bytes


def run_in_pty(
    argv: Sequence[str],
    env: Mapping[str, str],
    shown: Callable[[bytes], bool],
    size: tuple[int, int] = (120, 40),
    timeout: float = 60.0,
    wait_exit: bool = False,
) -> PtyResult:
    """Seconds from spawning ``argv`` on a fresh pty until ``shown(output so far)`` holds.

    The pty is the program's terminal (stdin, stdout, stderr, window size ``size``), its output is
    drained as it comes (as a terminal would), and the clock stops when the bytes that make
    ``shown`` true have been written to the terminal. With ``wait_exit`` the program then runs to
    its exit (timed too); otherwise it is stopped with SIGTERM (SIGKILL if it lingers).
    """
    master, slave = pty.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        env=dict(env),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    out = bytearray()
    seen: float | None = None
    exited: float | None = None
    deadline = t0 + timeout
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                raise RuntimeError(
                    f"{argv[0]}: not on screen after {timeout:.0f} s:\n{visible_text(bytes(out))[-2000:]}"
                )
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the program exited and closed the terminal
                    chunk = b""
                if not chunk:
                    if proc.poll() is not None:
                        exited = exited or time.perf_counter() - t0
                        if seen is None:
                            raise RuntimeError(
                                f"{argv[0]} exited {proc.returncode} before the text showed:\n"
                                + visible_text(bytes(out))[-2000:]
                            )
                        break
                    continue
                out += chunk
                if seen is None and shown(bytes(out)):
                    seen = time.perf_counter() - t0
                    if not wait_exit:
                        break
            elif seen is not None and proc.poll() is not None:
                exited = time.perf_counter() - t0
                break
    finally:
        if proc.poll() is None and not wait_exit:
            _stop(proc)
        elif proc.poll() is None:
            proc.wait(timeout)
        os.close(master)
    assert seen is not None
    return PtyResult(seen, exited, bytes(out))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# -- the sandbox in its own process (no GIL shared with the client under test) -----------------
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


def isolate_home(home: Path) -> None:
    """Point HOME, the XDG dirs and the AWS config files at ``home``; drop every other AWS_ var.

    Why: a benchmark must neither read nor write the user's config, and must not pick up a
    profile, region or endpoint from the shell it was started in.
    """
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[key] = str(home / key.lower())
    os.environ["HOME"] = str(home)
    os.environ["AWS_CONFIG_FILE"] = str(home / "aws-config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "aws-credentials")
    for key in [k for k in os.environ if k.startswith("AWS_") and "FILE" not in k]:
        del os.environ[key]


def start_sandbox_process(*args: str) -> SandboxProcess:
    """Start the sandbox CLI on a free port (``args`` added) and read its endpoint, CA bundle and exports."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox.cli", "--port", "0", *args],
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
