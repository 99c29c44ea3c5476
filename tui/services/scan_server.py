"""The query scan of a big view's item pages in a process of its own, spawned, not a fork of the app.

Why: a scan forked from the app (``tui/services/child_scan.py``) costs the UI thread twice at a
million rows: ``os.fork`` holds the GIL while the kernel copies the page tables (7–14 ms), and
then every page the app writes while the child lives is copied on its first write (the first
frames after the fork, any collection), so the first key after a big query took 49–66 ms in
quiet runs (``bench_query.py``). Here the scan runs in a process started with ``exec``
(``subprocess``: nothing of the app's memory is shared or copied). It imports only the query
engine, and reads the items where the app keeps them: the compact item store's compressed
pages live in memory files (``tui/services/arena.py``), whose descriptors are handed to it over
a Unix socket (``SCM_RIGHTS``) with a table of where each page is. It maps them read-only,
decompresses each page, parses each item and tests it, and writes the same records as the
forked child (``child_scan.read_records`` reads both).

One process is kept between scans (started on the first big scan, or ahead of it by
``prestart``); a cancelled scan kills it (the next scan starts another), and one that dies or
fails ends the scan with a ``ChildScanError``. It exits when the app's end of its socket closes
(the app quit or died). The process's side is ``tui/services/scan_process.py``. Where this cannot run (no memory files, no process to be had) the caller
scans as before. This module never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import subprocess
import sys
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from tui.services import child_scan

PAGE_FIELDS = 7
"""Numbers per page in ``ItemPages.table``: its first item's index, then where its compressed
bytes are (chunk, offset, length), then where its item ends are (chunk, offset, length)."""

MAX_FILES = 200
"""Chunk files one job may hand over (an arena of a million rows has about ten)."""

JOB = struct.Struct("<qqqqq")
"""A job's head: the query's length (UTF-8 bytes), the table's length (bytes), start, count,
rows per report. The query text and the table follow; the chunk files ride with the head."""


class NoServer(Exception):
    """No scan process could be had (no memory files, a refused spawn): the caller scans otherwise."""


@dataclass(frozen=True)
class ItemPages:
    """Where a compact item store's pages are, for a scan in another process (a snapshot).

    Item ``i`` of the view is item ``i`` of these pages; ``keep`` holds what keeps the files
    open (the store's arena) while the snapshot is in use.
    """

    files: list[int]
    table: array[int]
    count: int
    keep: object


def available() -> bool:
    """Whether scans may run in a spawned process: Linux (memory files and ``SCM_RIGHTS``)."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


class _Server:
    """One spawned scan process and the app's end of its socket."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tui.services.scan_process", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's signals reach the app only
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.socket = ours

    def send(self, text: str, pages: ItemPages, start: int, count: int, chunk: int) -> None:
        """Hand the scan its job: the head with the chunk files, then the query and the table."""
        query = text.encode("utf-8")
        table = pages.table.tobytes()
        head = JOB.pack(len(query), len(table), start, count, chunk)
        sent = socket.send_fds(self.socket, [head], pages.files)
        self.socket.sendall(head[sent:] + query + table)

    def stop(self) -> None:
        """Kill the process (if it runs) and reap it; close the socket."""
        with contextlib.suppress(OSError):
            self.socket.close()
        with contextlib.suppress(ProcessLookupError, OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)

    def death(self) -> str:
        """How the process that closed its socket early ended."""
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            return "the query scan's process stopped answering; run the query again"
        return child_scan.ended(code)


_lock = threading.Lock()
_idle: list[_Server] = []  # at most one process waits for the next scan


def _take() -> _Server:
    """An idle scan process, or a new one (``NoServer`` if none can be had)."""
    with _lock:
        while _idle:
            server = _idle.pop()
            if server.process.poll() is None:
                return server
            server.stop()
    try:
        return _Server()
    except (OSError, subprocess.SubprocessError) as exc:
        raise NoServer(str(exc)) from exc


def _give_back(server: _Server) -> None:
    with _lock:
        if not _idle:
            _idle.append(server)
            return
    server.stop()


def prestart() -> None:
    """Start a scan process now (in the caller's thread) if none waits: the first scan's start.

    Called when a big view's query bar opens, so the process's start (~60 ms) overlaps the
    typing; nothing if one already waits or none can be had.
    """
    with _lock:
        if _idle:
            return
    try:
        server = _Server()
    except (OSError, subprocess.SubprocessError):
        return
    _give_back(server)


def shutdown() -> None:
    """Stop the waiting process (the app quits; a test ends)."""
    with _lock:
        servers, _idle[:] = list(_idle), []
    for server in servers:
        server.stop()


def scan_pages(
    text: str,
    pages: ItemPages,
    start: int,
    count: int,
    *,
    chunk: int,
    cancel: threading.Event | None = None,
    progress: Callable[[array[int], int], None] | None = None,
) -> tuple[array[int], int, bool]:
    """Test items ``start..count`` of ``pages`` with the query ``text`` in a scan process.

    Gives (matches, scanned, cancelled), with ``progress(new_matches, scanned)`` per chunk as
    the other scans give. Raises ``NoServer`` before any report if no process could be had,
    ``ChildScanError`` if it failed or died.
    """
    if len(pages.files) > MAX_FILES:
        raise NoServer("too many chunk files")
    server = _take()
    try:
        server.send(text, pages, start, count, chunk)
    except OSError as exc:  # it died before the job: a fresh one next time
        server.stop()
        raise NoServer(str(exc)) from exc
    finished = False
    try:
        result = child_scan.read_records(server.socket.fileno(), cancel, progress)
        finished = not result[2]
        return result
    except child_scan.ProcessEnded:
        raise child_scan.ChildScanError(server.death()) from None
    finally:
        if finished:
            _give_back(server)
        else:  # stopped, failed or died: its state is unknown, so it goes
            server.stop()
