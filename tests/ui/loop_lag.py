"""A monitor of how long each step of the event loop blocks it, for tests of "the UI never stalls".

Every handler, message and task slice runs as one step of the asyncio loop (a ``Handle``); while a
step runs, nothing else on the screen moves. ``LoopLag`` times each step the loop runs while it is
active and keeps the worst ones, with what they were.

Why not wall-clock of a whole flow: workers, the in-process sandbox and the machine's other jobs
make that vary. Even a single step's wall time does: on a loaded 2-core machine it is preempted,
and it waits for the GIL while worker threads (and the sandbox, in the same process) parse pages.
So a step's *blocked* time is its thread CPU time (user + system: file reads from the cache count),
and its wall time is only reported. Waits that use no CPU (a slow NFS write, simulated with a
sleep) are caught where they are injected: the injected code calls ``LoopLag.sleep``, which
counts the sleep as blocking when it runs on the loop's thread.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from dataclasses import dataclass, field
from typing import Any

LIMIT = 0.050  # seconds: the bound for one handler


@dataclass(order=True)
class Step:
    """One loop step: its blocked time (what the check uses), wall and CPU seconds, and what ran."""

    blocked: float
    wall: float = field(compare=False)
    cpu: float = field(compare=False)
    what: str = field(compare=False)


def _describe(handle: asyncio.events.Handle) -> str:
    """What a step ran: the task's name and coroutine (a Textual message pump names its widget)."""
    task = getattr(getattr(handle, "_callback", None), "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        return f"{task.get_name()} / {getattr(coro, '__qualname__', coro)}"[:200]
    return repr(handle)[:200]


RENDER_TASKS = ("screen_update",)  # Textual's compositor timer: painting, not a handler


class LoopLag:
    """Time every step of the running loop between ``start()`` and ``stop()``.

    Steps of Textual's screen-update timer (layout and painting of what changed) are kept apart
    in ``render``: they are the framework drawing, not a handler of ours, and their cost is
    reported as a figure, not checked.
    """

    def __init__(self, keep: int = 5) -> None:
        self.keep = keep
        self.worst: list[Step] = []
        self.render: list[Step] = []
        self.steps = 0
        self._original: Any = None
        self._loop_thread = 0

    def sleep(self, seconds: float, what: str) -> None:
        """Sleep (an injected slow write); counted as blocking when it runs on the loop's thread."""
        time.sleep(seconds)
        if threading.get_ident() == self._loop_thread:
            self._note(Step(seconds, seconds, 0.0, f"{what} on the event loop"))

    def start(self) -> LoopLag:
        # The cyclic GC runs inside whatever step allocates when a threshold trips; over this
        # suite's large heap a gen-2 pass takes ~100 ms of that step's CPU, at a moment that
        # depends on every test before. That is the scale issue's business (gc.freeze, compact
        # rows), not a handler's: collect now, and keep it off while the flow is measured.
        gc.collect()
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        handle_run = asyncio.events.Handle._run
        self._original = handle_run
        self._loop_thread = threading.get_ident()
        monitor = self

        def timed_run(handle: asyncio.events.Handle) -> None:
            cpu0, wall0 = time.thread_time(), time.perf_counter()
            try:
                handle_run(handle)
            finally:
                cpu = time.thread_time() - cpu0
                wall = time.perf_counter() - wall0
                if wall > LIMIT / 5:
                    monitor._note(Step(cpu, wall, cpu, _describe(handle)))
                monitor.steps += 1

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        return self

    def stop(self) -> None:
        if self._original is not None:
            asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None
        if getattr(self, "_gc_was_enabled", False):
            gc.enable()

    def _note(self, step: Step) -> None:
        kept = self.render if step.what.startswith(RENDER_TASKS) else self.worst
        kept.append(step)
        kept.sort(reverse=True)
        del kept[self.keep :]

    @property
    def max_render(self) -> float:
        return self.render[0].blocked if self.render else 0.0

    @property
    def max_blocked(self) -> float:
        return self.worst[0].blocked if self.worst else 0.0

    def report(self) -> str:
        """The worst steps, for the failure message and the printed figures."""
        return "; ".join(
            f"{s.blocked * 1000:.0f} ms (wall {s.wall * 1000:.0f}, cpu {s.cpu * 1000:.0f}) {s.what}"
            for s in self.worst
        )

    def __enter__(self) -> LoopLag:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
