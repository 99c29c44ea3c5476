"""Where a loop pause comes from: the event loop's own long callbacks, and long GIL holds.

Used by ``bench_bulk.py --trace`` and ``bench_query.py --trace``. Three views, all in one process:

- ``LoopTrace``: every asyncio callback on the loop thread longer than a threshold, with its wall
  time and the thread CPU it used (``time.thread_time``). Wall minus CPU is what the loop waited
  for (the GIL held by another thread, or a core); CPU is the app's own share on the UI thread.
- ``GilProbe``: a thread that sleeps 1 ms in a loop and records how late it wakes. With a core
  free, lateness is the time it waited for the GIL: what any thread (the loop included) waits.
- ``CallTrace``: C calls longer than a threshold in threads started while it is on
  (``threading.setprofile``): the single calls that hold the GIL (a big ``sorted``, ``json.dumps``,
  an ``fsync`` does not count: it lets go of the GIL).

Why: pauses over 50 ms mix the app's work, other threads' GIL holds and the scheduler; the idle
baseline and these three say which is which.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any


class LoopTrace:
    """Record loop callbacks longer than ``threshold`` seconds: (wall, cpu, what)."""

    def __init__(self, threshold: float = 0.01) -> None:
        self.threshold = threshold
        self.slow: list[tuple[float, float, str, float]] = []  # wall, cpu, what, s from ``origin``
        self.cpu: dict[str, list[float]] = {}  # "phase: what" -> CPU of every such callback
        self.phase = ""
        self.origin = time.perf_counter()  # the phase's start (the bench sets it with ``phase``)
        self._original: Any = None

    def start(self) -> None:
        self._original = original = asyncio.events.Handle._run
        trace = self

        def _run(handle: asyncio.events.Handle) -> None:
            w0, c0 = time.perf_counter(), time.thread_time()
            original(handle)
            wall = time.perf_counter() - w0
            cpu = time.thread_time() - c0
            if wall >= trace.threshold or cpu >= 0.002:
                what = f"{trace.phase}: {_describe(handle)}"
                trace.cpu.setdefault(what, []).append(cpu)
                if wall >= trace.threshold:
                    trace.slow.append((wall, cpu, what, w0 - trace.origin))

        asyncio.events.Handle._run = _run  # type: ignore[method-assign]

    def stop(self) -> None:
        if self._original is not None:
            asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None

    def report(self, top: int = 12) -> list[str]:
        out = [f"loop callbacks over {self.threshold * 1e3:.0f} ms: {len(self.slow)}"]
        for wall, cpu, what, at in sorted(self.slow, reverse=True)[:top]:
            out.append(
                f"  wall {wall * 1e3:6.1f} ms  cpu {cpu * 1e3:6.1f} ms  at {at:6.2f} s  {what[:100]}"
            )
        out.append("loop callbacks using 2 ms of CPU or more (count, CPU p50 / max):")
        for what, cpus in sorted(self.cpu.items(), key=lambda kv: -sum(kv[1]))[:top]:
            ordered = sorted(cpus)
            out.append(
                f"  {len(cpus):5}  {ordered[len(ordered) // 2] * 1e3:5.1f} / {ordered[-1] * 1e3:5.1f}"
                f" ms  {what[:100]}"
            )
        return out


def _describe(handle: asyncio.events.Handle) -> str:
    callback = getattr(handle, "_callback", None)
    coro = getattr(getattr(callback, "__self__", None), "get_coro", None)
    if coro is not None:
        c = coro()
        code = getattr(c, "cr_code", None)
        frame = getattr(c, "cr_frame", None)
        where = f" @{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}" if frame else ""
        owner = frame.f_locals.get("self") if frame else None
        if owner is not None and hasattr(owner, "_callback"):  # a Textual Timer: whose, doing what
            callback_of = getattr(owner, "_callback", None)
            where += f" {getattr(owner, 'name', '')} {getattr(callback_of, '__qualname__', '')}"
        return f"task {getattr(code, 'co_qualname', c)}{where}"
    return repr(callback)[:120]


class GilProbe:
    """A thread that sleeps 1 ms at a time and records wake-ups later than ``threshold``."""

    def __init__(self, threshold: float = 0.005) -> None:
        self.threshold = threshold
        self.late: list[float] = []
        self.phase = ""
        self.by_phase: dict[str, list[float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.perf_counter()
            time.sleep(0.001)
            late = time.perf_counter() - t0 - 0.001
            self.by_phase.setdefault(self.phase, []).append(late)

    def report(self) -> list[str]:
        out = ["GIL probe (1 ms sleeps; lateness = wait for the GIL or a core):"]
        for phase, values in self.by_phase.items():
            ordered = sorted(values)
            if not ordered:
                continue
            p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
            over = sum(1 for v in ordered if v >= self.threshold)
            out.append(
                f"  {phase:<28} p50 {ordered[len(ordered) // 2] * 1e3:5.1f}  p99 {p99 * 1e3:5.1f}"
                f"  max {ordered[-1] * 1e3:6.1f} ms  ({over} of {len(ordered)} over "
                f"{self.threshold * 1e3:.0f} ms)"
            )
        return out


class CallTrace:
    """C calls longer than ``threshold`` in threads started while on (not the loop thread)."""

    def __init__(self, threshold: float = 0.003) -> None:
        self.threshold = threshold
        self.calls: Counter[str] = Counter()
        self.longest: dict[str, float] = {}
        self._local = threading.local()

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call":
            stack = getattr(self._local, "stack", None)
            if stack is None:
                stack = self._local.stack = []
            stack.append(time.perf_counter())
        elif event in ("c_return", "c_exception"):
            stack = getattr(self._local, "stack", None)
            if not stack:
                return
            took = time.perf_counter() - stack.pop()
            if took >= self.threshold:
                name = getattr(arg, "__qualname__", repr(arg))
                where = (
                    f"{name} from {frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}"
                )
                self.calls[where] += 1
                self.longest[where] = max(self.longest.get(where, 0.0), took)

    def start(self) -> None:
        threading.setprofile(self._profile)

    def stop(self) -> None:
        threading.setprofile(None)  # type: ignore[arg-type]

    def report(self, top: int = 12) -> list[str]:
        out = [f"C calls over {self.threshold * 1e3:.0f} ms in worker threads (count, longest):"]
        for where, longest in sorted(self.longest.items(), key=lambda kv: -kv[1])[:top]:
            out.append(f"  {self.calls[where]:5}  {longest * 1e3:6.1f} ms  {where[:100]}")
        return out


class GcTrace:
    """Every cyclic-GC collection of generation 1 and 2: how long, and in which thread."""

    def __init__(self) -> None:
        self.times: dict[tuple[str, int, str], list[float]] = {}
        # took, phase, gen, thread, at, the collecting thread's CPU, objects collected
        self.longest: list[tuple[float, str, int, str, float, float, int]] = []
        self.phase = ""
        self.origin = time.perf_counter()  # the phase's start (the bench sets it with ``phase``)
        self._started = 0.0
        self._cpu = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        generation = info.get("generation", 0)
        if generation == 0:
            return
        if phase == "start":
            self._started = time.perf_counter()
            self._cpu = time.thread_time()
        else:
            where = "loop" if threading.current_thread() is threading.main_thread() else "worker"
            key = (self.phase, generation, where)
            took = time.perf_counter() - self._started
            self.times.setdefault(key, []).append(took)
            if generation == 2 or took >= 0.01:
                at = self._started - self.origin
                cpu = time.thread_time() - self._cpu
                collected = info.get("collected", 0)
                self.longest.append((took, self.phase, generation, where, at, cpu, collected))

    def start(self) -> None:
        gc.callbacks.append(self._callback)

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def report(self) -> list[str]:
        out = ["GC collections (phase, generation, thread: count, p50 / max):"]
        for (phase, generation, where), values in self.times.items():
            ordered = sorted(values)
            out.append(
                f"  {phase:<28} gen {generation} in {where:<6} {len(values):5}  "
                f"{ordered[len(ordered) // 2] * 1e3:5.1f} / {ordered[-1] * 1e3:5.1f} ms"
            )
        out.append(
            "  the longest (ms, phase, generation, thread, at s from the phase's start, the"
            " thread's CPU, objects freed):"
        )
        for took, phase, generation, where, at, cpu, freed in sorted(self.longest, reverse=True)[
            :6
        ]:
            out.append(
                f"    {took * 1e3:6.1f}  {phase:<24} gen {generation} {where:<6} at {at:6.2f}"
                f"  cpu {cpu * 1e3:5.1f} ms  freed {freed:,}"
            )
        return out


def print_report(*parts: Any) -> None:
    for part in parts:
        if part is not None:
            print("\n".join(part.report()), file=sys.stdout)


def time_forks(times: int) -> list[float]:
    """``os.fork`` from a worker thread, as the scan does, ``times`` times: how long each took.

    The fork holds the GIL throughout (the kernel copies the page tables of private memory), so
    each is a pause for the UI thread. The child exits at once.
    """
    took: list[float] = []
    for _ in range(times):
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        took.append(time.perf_counter() - t0)
        os.waitpid(pid, 0)
    return took


def memory_line() -> str:
    """This process's resident memory: private anonymous (a fork copies its page tables) and shared."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssShmem"):
            fields[name] = int(rest.split()[0]) // 1024
    return (
        f"RSS {fields.get('VmRSS', 0)} MB: private anonymous {fields.get('RssAnon', 0)} MB,"
        f" shared {fields.get('RssShmem', 0)} MB"
    )
