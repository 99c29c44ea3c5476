"""One-shot timers that always fire: the app's only way to call something later.

Why not ``MessagePump.set_timer``: Textual's ``Timer`` skips ticks that are already late
(``skip=True``, not settable through ``set_timer``), and for a one-shot timer that means the
only tick. ``Timer._run`` reads the clock twice; if the delay has passed between the two reads
(a delay of microseconds, or any delay when another thread holds the GIL in between) the timer
ends without calling back. Paging put off a landing by what was left of its 1/30 s gap, and a
remainder of 0.4 µs left the table "loading" for good at 123,750 rows; a draft's autosave
timer that never fired would stop autosaving. ``call_after`` makes the same timer with
``skip=False``: late, it fires at once.

The frames are timed here too (``use_frame_rate``): a screen repaints on the ticks of its own
Textual timer, so how soon a key's change is on the terminal depends on that timer's period.
"""

from __future__ import annotations

import os
from functools import partial

import textual.screen
from textual.message_pump import MessagePump
from textual.timer import Timer, TimerCallback


def call_after(
    pump: MessagePump,
    delay: float,
    callback: TimerCallback | None,
    *,
    name: str | None = None,
    pause: bool = False,
) -> Timer:
    """Call ``callback`` once, ``delay`` seconds from now (or at once if late), on ``pump``.

    As ``pump.set_timer`` (whose arguments it takes), the callback runs as ``pump``'s next
    message (``call_next``; no callback: a ``Timer`` event), and the timer stops with ``pump``
    or when stopped; unlike it, it never silently drops its only tick.
    """
    timer = Timer(
        pump,
        max(0.0, delay),
        name=name or f"call_after#{Timer._timer_count}",
        callback=None if callback is None else partial(pump.call_next, callback),
        repeat=0,
        skip=False,
        pause=pause,
    )
    timer._start()
    pump._timers.add(timer)  # stopped with the pump, as set_timer's are
    return timer


FRAME_RATE = 120  # the screen's repaints a second at most (Textual's default is 60)


def use_frame_rate(fps: int = FRAME_RATE) -> None:
    """Let every screen repaint up to ``fps`` times a second, unless the user set ``TEXTUAL_FPS``.

    Why: a screen repaints on the next tick of its update timer (``1 / TEXTUAL_FPS`` apart,
    aligned to when the timer started), and a tick that comes late, as it does while a worker
    holds the GIL parsing a page, is skipped to the one after. At 60 a second that made ``G``
    to paint p99 41 ms while pages loaded at 100,000 event logs (a 50 ms timer was never more
    than 15 ms late); at 120 p99 was 20–22 ms, paging as fast (``bench_scale.py``). Frames still
    come only when something changed: an idle screen draws nothing. Called before the first
    screen makes its timer (the app's ``__init__``); ``textual.screen.UPDATE_PERIOD`` is where
    Textual reads it then.
    """
    if "TEXTUAL_FPS" in os.environ:
        return  # Textual read the user's own rate
    setattr(textual.screen, "UPDATE_PERIOD", 1 / fps)  # noqa: B010  (a Final, set on purpose)
