"""One-shot timers that always fire: the app's only way to call something later.

Why not ``MessagePump.set_timer``: Textual's ``Timer`` skips ticks that are already late
(``skip=True``, not settable through ``set_timer``), and for a one-shot timer that means the
only tick. ``Timer._run`` reads the clock twice; if the delay has passed between the two reads
(a delay of microseconds, or any delay when another thread holds the GIL in between) the timer
ends without calling back. Paging put off a landing by what was left of its 1/30 s gap, and a
remainder of 0.4 µs left the table "loading" for good at 123,750 rows; a draft's autosave
timer that never fired would stop autosaving. ``call_after`` makes the same timer with
``skip=False``: late, it fires at once.
"""

from __future__ import annotations

from functools import partial

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
