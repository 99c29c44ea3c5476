"""The launch's pause of the cyclic GC: from before the UI's imports until the first frame is out.

Why: the imports and the first frame make ~100,000 objects that live as long as the app and no
garbage worth finding; the collections they trigger (~50 young, several older) cost ~10 ms of CPU
before the first frame. What they made is frozen when the pause ends (``gc.freeze``), so no
later collection walks it. Only a pause this module started is ended by it: a caller that turned
the GC off itself (a benchmark) keeps it off.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_paused = False


def pause() -> None:
    """Turn the cyclic GC off until ``resume`` (nothing if it is off already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def paused() -> bool:
    """Whether the GC is off because ``pause`` turned it off."""
    return _paused


def resume() -> None:
    """End the pause ``pause`` started: freeze what was made meanwhile, turn the GC back on."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def off() -> Iterator[None]:
    """No cyclic GC inside the ``with`` (imports that make many objects and no garbage).

    The GC comes back on at the end only if it was on at the start (a caller's own pause stays).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
