"""The query scan of a big view in a forked child process, so its Python never holds the UI's GIL.

Why: a scan is per-row Python (``json.loads`` and JMESPath) for seconds. In a worker thread it
shares the GIL with the event loop, and on a loaded machine the OS preempts the worker while it
holds the GIL: the loop then waits for a thread that is not running (keys took 45–80 ms at load
2–4), which no switch interval can fix. A child made by ``os.fork`` from the worker has the rows
copy-on-write (nothing is copied through a pipe), scans them with its own interpreter lock on the
other core, and streams each chunk's matches back (``array('q')`` bytes with the rows scanned so
far); the worker only reads the pipe. Cancel kills the child (SIGKILL) and reaps it; a child that
dies or fails ends the scan with a ``ChildScanError`` (never a hang).

Where fork is unsafe or absent (anything but Linux) or the view is small (a fork costs more than
a thread scan of a few thousand rows), ``tui.services.query.scan`` keeps its thread scan.
This module never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import struct
import sys
import threading
import warnings
from array import array
from collections.abc import Callable
from typing import NoReturn

from tui.errors import EventdeckError
from tui.fsutil import write_all
from tui.services import early_call

MIN_ROWS = 50_000
"""Views with fewer rows to scan stay in a thread (a fork of a big process costs a few ms)."""

POLL_SECONDS = 0.05
"""How often the reading worker checks ``cancel`` while the child sends nothing."""

_HEADER = struct.Struct("<cqq")
"""One record on the pipe: its kind, then two numbers (see ``_MATCHES``, ``_DONE``, ``_ERROR``)."""
_MATCHES = b"M"  # rows scanned so far, number of matches; then the matches as array('q') bytes
_DONE = b"D"  # rows scanned; the scan ended
_ERROR = b"E"  # length of the message; then the message (UTF-8)

# Python 3.12+ warns (DeprecationWarning) on every fork of a process with threads, because a lock
# another thread held at the fork stays locked in the child. Ignored here deliberately, for this
# module's fork only: the child only reads rows, runs the query and writes a pipe (no logging, no
# I/O but the pipe, no lock another thread may hold: see ``_child``), then ``os._exit``s.
warnings.filterwarnings(
    "ignore",
    message=r".*multi-threaded, use of fork\(\)",
    category=DeprecationWarning,
    module=__name__,
)


class ChildScanError(EventdeckError):
    """The scan's child process failed or died: the message says how."""


class NoChild(Exception):
    """No child could be made (no pipe, or ``fork`` refused: too many processes, no memory)."""


def available() -> bool:
    """Whether a scan may fork: Linux only (macOS frameworks are not fork-safe with threads)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def scan_in_child(
    test: Callable[[object], bool],
    item_at: Callable[[int], object],
    start: int,
    count: int,
    *,
    chunk: int,
    cancel: threading.Event | None = None,
    progress: Callable[[array[int], int], None] | None = None,
) -> tuple[array[int], int, bool]:
    """``test(item_at(i))`` for rows ``start..count`` in a forked child: (matches, scanned, cancelled).

    ``progress(new_matches, scanned)`` is called in this thread for each chunk the child sends,
    exactly as the thread scan calls it. Raises ``ChildScanError`` if the child fails or dies,
    ``NoChild`` before any report if no child could be made (the caller scans in a thread).
    """
    try:
        read_fd, write_fd = os.pipe()
    except OSError as exc:
        raise NoChild(str(exc)) from exc
    try:
        pid = os.fork()
    except BaseException as exc:
        os.close(read_fd)
        os.close(write_fd)
        if isinstance(exc, OSError):
            raise NoChild(str(exc)) from exc
        raise
    if pid == 0:  # the child: never returns
        _child(write_fd, test, item_at, start, count, chunk)
    os.close(write_fd)
    reaped = False
    try:
        return read_records(read_fd, cancel, progress)
    except ProcessEnded:
        reaped = True
        raise ChildScanError(_death(pid)) from None
    finally:
        os.close(read_fd)
        if not reaped:
            _kill(pid)


class ProcessEnded(Exception):
    """The records' sender closed its end before saying the scan ended (it died)."""


def read_records(
    fd: int,
    cancel: threading.Event | None,
    progress: Callable[[array[int], int], None] | None,
) -> tuple[array[int], int, bool]:
    """Read a scan's records from ``fd`` until it says it ended: (matches, scanned, cancelled).

    The one reader of the records a scan process writes (this module's forked child, and the
    scan process of ``tui/services/scan_server.py``): ``progress`` gets each chunk's matches;
    ``cancel`` is checked between records and every ``POLL_SECONDS`` while nothing comes.
    Raises ``ProcessEnded`` if the sender closed its end early, ``ChildScanError`` with the
    message of a scan that failed there.
    """
    matches: array[int] = array("q")
    scanned = 0
    buffer = bytearray()
    while True:
        if cancel is not None and cancel.is_set():
            return matches, scanned, True
        ready, _, _ = select.select([fd], [], [], POLL_SECONDS)
        if not ready:
            continue
        data = os.read(fd, 1 << 16)
        if not data:  # closed before the scan said it ended: the process died
            raise ProcessEnded
        buffer += data
        while len(buffer) >= _HEADER.size:
            if cancel is not None and cancel.is_set():
                return matches, scanned, True
            kind, a, b = _HEADER.unpack_from(buffer)
            size = _HEADER.size + (8 * b if kind == _MATCHES else a if kind == _ERROR else 0)
            if len(buffer) < size:
                break
            body = bytes(buffer[_HEADER.size : size])
            del buffer[:size]
            if kind == _DONE:
                return matches, a, False
            if kind == _ERROR:
                text = body.decode("utf-8", "replace")
                raise ChildScanError(f"the query scan failed: {text}")
            found: array[int] = array("q")
            found.frombytes(body)
            matches.extend(found)
            scanned = a
            if progress is not None:
                progress(found, scanned)


def send_matches(fd: int, scanned: int, found: array[int]) -> None:
    """Write one chunk's record: rows scanned so far and that chunk's matches."""
    write_all(fd, _HEADER.pack(_MATCHES, scanned, len(found)) + found.tobytes())


def send_done(fd: int, scanned: int) -> None:
    """Write the record that ends a scan of ``scanned`` rows."""
    write_all(fd, _HEADER.pack(_DONE, scanned, 0))


def send_error(fd: int, exc: BaseException) -> None:
    """Write the record of a scan that failed with ``exc`` (shown at the query bar)."""
    text = f"{type(exc).__name__}: {exc}"[:500].encode("utf-8", "replace")
    write_all(fd, _HEADER.pack(_ERROR, len(text), 0) + text)


def _death(pid: int) -> str:
    """Reap the child that closed its pipe early and say how it ended."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "the query scan's process ended without its result"
    if os.WIFSIGNALED(status):
        return ended(-os.WTERMSIG(status))
    return ended(os.WEXITSTATUS(status) if os.WIFEXITED(status) else status)


def ended(returncode: int) -> str:
    """How a scan's process that stopped without its result ended, for the query bar.

    ``returncode`` as ``subprocess`` gives it: negative for the signal that killed it.
    """
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the query scan's process was killed ({name}); run the query again"
    return f"the query scan's process ended without its result (exit status {returncode})"


def _kill(pid: int) -> None:
    """Stop the child if it still runs (SIGKILL) and reap it: no zombie is left behind."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _child(
    write_fd: int,
    test: Callable[[object], bool],
    item_at: Callable[[int], object],
    start: int,
    count: int,
    chunk: int,
) -> NoReturn:
    """Scan and write the records to ``write_fd``: the child's whole life, ended by ``os._exit``.

    Only pure work after the fork: no logging (its handlers write files and the terminal), no
    botocore or network, no lock another thread may hold (the compact item store's lock is a
    fresh one in a forked child: ``item_store._new_locks_in_child``), and ``os._exit`` so no
    atexit handler, flush or finaliser of the parent's state runs here.
    """
    status = 0
    try:
        # Only the pipe stays open: the app's sockets and files (and another scan's pipe, forked
        # at the same moment) are not held open by this child.
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, os.sysconf("SC_OPEN_MAX"))
        _detach()
        position = start
        while position < count:
            stop = min(count, position + chunk)
            found = array("q", [i for i in range(position, stop) if test(item_at(i))])
            position = stop
            send_matches(write_fd, position - start, found)
        send_done(write_fd, position - start)
    except BaseException as exc:  # told to the parent, which shows it at the query bar
        status = 1
        with contextlib.suppress(BaseException):
            send_error(write_fd, exc)
    finally:
        os._exit(status)


def _detach() -> None:
    """Cut the child off the parent's signal handlers, the cyclic GC, the terminal and the log.

    Why each: the app's Python signal handlers (SIGHUP saves drafts) and the event loop's
    wake-up fd (a socket shared with the parent) must not run or be written here; a collection
    would walk, so copy, every page of the parent's heap (the rows are shared copy-on-write);
    and, as for the launch's early call (``early_call.detach_child``), its own session (the
    terminal's signals reach only the app, which kills the child), stdio on /dev/null and
    logging off, so nothing it might print or log lands on the UI or the app's log.
    """
    gc.disable()
    signal.set_wakeup_fd(-1)
    for number in signal.valid_signals():
        with contextlib.suppress(OSError, ValueError):
            if callable(signal.getsignal(number)):
                signal.signal(number, signal.SIG_DFL)
    early_call.detach_child()
