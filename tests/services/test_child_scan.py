"""The query scan of a big view in a forked child: same result as the thread scan, cancel, crashes."""

from __future__ import annotations

import json
import os
import signal
import threading
from array import array

import pytest

from tests.procs import children
from tui.services import child_scan
from tui.services.query import QueryError, parse_query, payload_source, scan

pytestmark = pytest.mark.skipif(not child_scan.available(), reason="the child scan needs Linux")

PARENT = os.getpid()


def payloads(count: int) -> list[object]:
    """Rows as the table keeps them: JSON bytes mostly, some dicts, text and odd types."""
    out: list[object] = []
    for i in range(count):
        item = {"i": i, "user": {"name": ["alice", "bob", "carol"][i % 3]}, "op": i % 4}
        if i % 50 == 7:
            out.append(item)  # a dict payload
        elif i % 50 == 9:
            out.append({"i": i, "user": "not-an-object", "op": "x"})  # other types: no match
        else:
            out.append(json.dumps(item).encode())
    return out


QUERY = "user.name=='alice' && op < `3`"


def test_a_big_view_is_scanned_in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """At MIN_ROWS rows and more ``scan`` forks: the rows are read in another process."""
    monkeypatch.setattr(child_scan, "MIN_ROWS", 100)

    def item_at(index: int) -> object:
        return {"pid": os.getpid()}

    query = parse_query(f"pid != `{PARENT}`")
    assert list(scan(query, 99, item_at).matches) == []  # small: this process
    assert list(scan(query, 300, item_at).matches) == list(range(300))  # big: a child


def test_the_child_gives_the_thread_scans_result_and_reports() -> None:
    rows = payloads(5000)
    query = parse_query(QUERY)
    results = {}
    for in_child in (False, True):
        reports: list[tuple[list[int], int]] = []
        result = scan(
            query,
            len(rows),
            payload_source(rows),
            start=3,
            chunk=256,
            in_child=in_child,
            progress=lambda found, scanned, out=reports: out.append((list(found), scanned)),
        )
        results[in_child] = (list(result.matches), result.scanned, result.cancelled, reports)
    assert results[True] == results[False]
    matches, scanned, cancelled, _ = results[True]
    assert scanned == 4997 and not cancelled and len(matches) > 500


def test_cancel_kills_and_reaps_the_child() -> None:
    """Cancel while the child computes: it is killed (it would run an hour) and reaped."""
    cancel = threading.Event()
    during: list[dict[int, str]] = []

    def item_at(index: int) -> object:
        if index >= 20 and os.getpid() != PARENT:
            threading.Event().wait(3600)  # the child never finishes this row
        return {"i": index}

    def progress(found: array[int], scanned: int) -> None:
        during.append(children())
        cancel.set()  # asked between two chunks; the child is still working

    result = scan(
        parse_query("i > `4`"),
        100_000,
        item_at,
        chunk=10,
        cancel=cancel,
        progress=progress,
        in_child=True,
    )
    assert result.cancelled and result.scanned == 10 and list(result.matches) == list(range(5, 10))
    assert len(during[0]) == 1  # the child was there, scanning
    (pid,) = during[0]
    assert pid not in children()  # killed and reaped: no zombie, no leftover process
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_cancel_while_the_child_sends_nothing() -> None:
    """A child stuck in one row still stops: the reader checks ``cancel`` while it waits."""
    cancel = threading.Event()
    started: list[int] = []

    def item_at(index: int) -> object:
        if os.getpid() != PARENT:
            threading.Event().wait(3600)
        return {}

    timer = threading.Timer(0.2, cancel.set)
    timer.start()
    try:
        before = set(children())
        result = scan(parse_query("a"), 100_000, item_at, cancel=cancel, in_child=True)
        started.extend(set(children()) - before)
    finally:
        timer.cancel()
    assert result.cancelled and result.scanned == 0
    assert started == []  # nothing left behind


def test_a_child_killed_mid_scan_is_a_query_error() -> None:
    def item_at(index: int) -> object:
        if index == 700 and os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"i": index}

    before = set(children())
    with pytest.raises(QueryError, match="killed \\(SIGKILL\\)"):
        scan(parse_query("i"), 5000, item_at, chunk=100, in_child=True)
    assert set(children()) == before


def test_an_error_in_the_child_is_a_query_error() -> None:
    def item_at(index: int) -> object:
        if index == 10 and os.getpid() != PARENT:
            raise RuntimeError("the row store broke")
        return {"i": index}

    before = set(children())
    with pytest.raises(QueryError, match="failed: RuntimeError: the row store broke"):
        scan(parse_query("i"), 5000, item_at, in_child=True)
    assert set(children()) == before


def test_a_refused_fork_scans_in_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many processes (EAGAIN): the scan still runs, in this thread, with the same result."""
    import errno

    def refuse() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    rows = payloads(600)
    result = scan(parse_query(QUERY), len(rows), payload_source(rows), in_child=True)
    expected = scan(parse_query(QUERY), len(rows), payload_source(rows), in_child=False)
    assert list(result.matches) == list(expected.matches) and result.scanned == 600
