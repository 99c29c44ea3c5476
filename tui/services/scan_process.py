"""The query's scan process: the other side of ``tui/services/scan_server.py``.

Spawned by the app (``python -m tui.services.scan_process FD``) with one end of a Unix socket; it
imports only the query engine, takes jobs from the socket (the query's text, the compact item
store's chunk files and the table of its pages) and writes each job's records back, until the
app closes its end. It never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mmap
import os
import socket
import sys
import zlib
from array import array
from collections.abc import Callable

from tui.services import child_scan, scan_server
from tui.services.query import parse_query

NICENESS = 10
"""How much lower than the app the scan process runs (``os.nice``).

Why: a scan wants a whole CPU for seconds, and the app's UI thread must win whenever the two (or
anything else on a shared jump host) want the same CPU: the UI draws the matches as they come,
the scan only takes longer. With two other busy processes on a 2-CPU machine, a 3 ms frame took
27–37 ms of wall time while the scan ran at the app's priority.
"""


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    """``size`` bytes from ``sock`` (None: the app closed its end)."""
    parts = bytearray()
    while len(parts) < size:
        data = sock.recv(min(1 << 20, size - len(parts)))
        if not data:
            return None
        parts += data
    return bytes(parts)


def _receive_job(sock: socket.socket) -> tuple[str, array[int], list[int], int, int, int] | None:
    """The next job: (query, table, chunk files, start, count, rows per report); None at the end."""
    head, files, _, _ = socket.recv_fds(sock, scan_server.JOB.size, scan_server.MAX_FILES)
    if not head:
        return None
    if len(head) < scan_server.JOB.size:
        rest = _receive_exactly(sock, scan_server.JOB.size - len(head))
        if rest is None:
            return None
        head += rest
    query_size, table_size, start, count, chunk = scan_server.JOB.unpack(head)
    body = _receive_exactly(sock, query_size + table_size)
    if body is None:
        return None
    table: array[int] = array("q")
    table.frombytes(body[query_size:])
    return body[:query_size].decode("utf-8"), table, files, start, count, chunk


def _scan_job(
    fd: int,
    test: Callable[[object], bool],
    table: array[int],
    files: list[int],
    start: int,
    count: int,
    chunk: int,
) -> None:
    """Scan items ``start..count`` of the pages in ``table`` and write the records to ``fd``."""
    maps = [mmap.mmap(file, 0, prot=mmap.PROT_READ) for file in files]
    views = [memoryview(m) for m in maps]
    loads = json.loads
    try:
        found: array[int] = array("q")
        position = start
        report_at = start + chunk
        for page in range(0, len(table), scan_server.PAGE_FIELDS):
            first, dc, do, dl, ec, eo, el = table[page : page + scan_server.PAGE_FIELDS]
            if first >= count:
                break
            items = el // 8
            if first + items <= start:
                continue
            data = zlib.decompress(views[dc][do : do + dl])
            # released on the way out, so a failure mid-page is reported, not a BufferError
            with views[ec][eo : eo + el].cast("q") as ends:
                begin = 0
                for offset in range(items):
                    index = first + offset
                    end = ends[offset]
                    if index >= count:
                        break
                    if index >= start:
                        if test(loads(data[begin:end])):
                            found.append(index)
                        position = index + 1
                        if position >= report_at:
                            child_scan.send_matches(fd, position - start, found)
                            found = array("q")
                            report_at += chunk
                    begin = end
        if found or position < count:
            child_scan.send_matches(fd, position - start, found)
        child_scan.send_done(fd, position - start)
    finally:
        for view in views:
            view.release()
        for m in maps:
            m.close()


def serve(sock: socket.socket) -> None:
    """The scan process's life: jobs from ``sock`` until the app closes it."""
    gc.disable()  # parsed items are dropped at once and make no cycles: nothing to collect
    fd = sock.fileno()
    while True:
        job = _receive_job(sock)
        if job is None:
            return
        text, table, files, start, count, chunk = job
        try:
            _scan_job(fd, parse_query(text).matcher(), table, files, start, count, chunk)
        except BrokenPipeError:
            return
        except Exception as exc:  # told to the app, which shows it at the query bar
            child_scan.send_error(fd, exc)
        finally:
            for file in files:
                with contextlib.suppress(OSError):
                    os.close(file)


def lower_priority() -> None:
    """Run this process ``NICENESS`` lower than it started (a system that refuses keeps it)."""
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


if __name__ == "__main__":
    lower_priority()
    serve(socket.socket(fileno=int(sys.argv[1])))
