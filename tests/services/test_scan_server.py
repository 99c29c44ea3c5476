"""The query scan of compact item pages in a spawned scan process: same result, reuse, cancel, death."""

from __future__ import annotations

import itertools
import json
import os
import signal
import threading
import time
from array import array
from pathlib import Path
from typing import Any

import pytest

from tests.procs import children
from tui.services import arena as arena_module
from tui.services import child_scan, scan_process, scan_server
from tui.services.query import QueryError, parse_query, scan
from tui.ui.panes.item_store import CompactItems, ItemCodec

pytestmark = pytest.mark.skipif(not scan_server.available(), reason="the scan process needs Linux")

QUERY = "user.name=='alice' && op < `3`"


def store_of(count: int, page: int = 250) -> CompactItems:
    """A compact store as a level keeps one: pages of event-like items (some odd types)."""
    store = CompactItems(ItemCodec(raw_of=lambda item: item, revive=lambda raw: raw))
    items: list[dict[str, Any]] = []
    for i in range(count):
        if i % 50 == 9:
            items.append({"i": i, "user": "not-an-object", "op": "x"})  # another type: no match
        else:
            items.append({"i": i, "user": {"name": ["alice", "bob", "carol"][i % 3]}, "op": i % 4})
    for first in range(0, count, page):
        store.extend(items[first : first + page])
    return store


@pytest.fixture(autouse=True)
def no_process_left() -> Any:
    before = set(children())
    yield
    scan_server.shutdown()
    assert set(children()) == before  # every scan process stopped and reaped


def the_process() -> int:
    """The pid of the scan process waiting for the next scan (the one the last scan used)."""
    assert len(scan_server._idle) == 1
    pid = scan_server._idle[0].process.pid
    deadline = time.monotonic() + 10
    while (
        not (command := Path(f"/proc/{pid}/cmdline").read_bytes()) and time.monotonic() < deadline
    ):
        time.sleep(0.01)  # just spawned: the kernel fills in its arguments as exec completes
    assert b"tui.services.scan_process" in command.split(b"\0")  # exec'd, not a fork of this one
    return pid


def test_the_scan_process_gives_the_thread_scans_matches() -> None:
    store = store_of(5000, page=173)  # pages that do not line up with the report chunks
    query = parse_query(QUERY)
    pages = store.item_pages()
    assert pages is not None and len(pages.files) >= 1
    thread = scan(query, len(store), store.raw, start=3, chunk=256, in_child=False)
    reports: list[tuple[list[int], int]] = []
    spawned = scan(
        query,
        len(store),
        store.raw,
        start=3,
        chunk=256,
        pages=pages,
        in_child=True,
        progress=lambda found, scanned: reports.append((list(found), scanned)),
    )
    the_process()
    assert list(spawned.matches) == list(thread.matches) and len(thread.matches) > 500
    assert (spawned.scanned, spawned.cancelled) == (4997, False)
    assert [i for found, _ in reports for i in found] == list(spawned.matches)
    assert [scanned for _, scanned in reports][-1] == 4997
    assert all(b > a for (_, a), (_, b) in itertools.pairwise(reports))


def test_the_scan_process_runs_at_a_lower_priority_than_the_app() -> None:
    """The UI thread wins the CPU from a running scan (the scan only takes longer)."""
    store = store_of(2000)
    query = parse_query(QUERY)
    scan(query, len(store), store.raw, pages=store.item_pages(), in_child=True)
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, the_process()) == min(19, ours + scan_process.NICENESS)


def test_fewer_rows_than_the_pages_hold_and_no_matches() -> None:
    store = store_of(3000)
    pages = store.item_pages()
    assert pages is not None
    query = parse_query("op == `2`")
    expected = [i for i in range(1000, 2001) if i % 4 == 2 and i % 50 != 9]
    result = scan(query, 2001, store.raw, start=1000, pages=pages, in_child=True)
    assert list(result.matches) == expected and result.scanned == 1001
    none = scan(parse_query("op == `9`"), 3000, store.raw, pages=pages, in_child=True)
    assert list(none.matches) == [] and none.scanned == 3000


def test_one_process_serves_scan_after_scan() -> None:
    store = store_of(2000)
    query = parse_query(QUERY)
    scan(query, len(store), store.raw, pages=store.item_pages(), in_child=True)
    first = the_process()
    store.extend([{"i": 2000, "user": {"name": "alice"}, "op": 0}])  # a page landed since
    result = scan(query, len(store), store.raw, pages=store.item_pages(), in_child=True)
    assert the_process() == first
    assert result.matches[-1] == 2000


def test_the_process_is_started_ahead_by_prestart() -> None:
    scan_server.prestart()
    ahead = the_process()
    scan_server.prestart()  # one is waiting: no second one
    assert the_process() == ahead
    store = store_of(1000)
    scan(parse_query(QUERY), 1000, store.raw, pages=store.item_pages(), in_child=True)
    assert the_process() == ahead


def test_cancel_kills_the_process_and_the_next_scan_has_a_new_one() -> None:
    store = store_of(20_000)
    stop = threading.Event()
    reports: list[int] = []

    def progress(found: array[int], scanned: int) -> None:
        reports.append(scanned)
        stop.set()

    result = scan(
        parse_query(QUERY),
        len(store),
        store.raw,
        pages=store.item_pages(),
        in_child=True,
        chunk=100,
        cancel=stop,
        progress=progress,
    )
    assert result.cancelled and 0 < result.scanned < 20_000
    assert not scan_server._idle  # killed, not kept: its state is unknown
    again = scan(parse_query(QUERY), 1000, store.raw, pages=store.item_pages(), in_child=True)
    assert not again.cancelled and again.scanned == 1000
    the_process()


def test_a_process_killed_mid_scan_is_a_query_error() -> None:
    store = store_of(20_000)
    killed: list[int] = []

    def progress(found: array[int], scanned: int) -> None:
        if not killed:
            (pid,) = set(children()) - before
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    before = set(children())
    with pytest.raises(QueryError, match=r"scan's process was killed \(SIGKILL\)"):
        scan(
            parse_query(QUERY),
            len(store),
            store.raw,
            pages=store.item_pages(),
            in_child=True,
            chunk=100,
            progress=progress,
        )
    assert killed and killed[0] not in children()


def test_a_failure_in_the_process_is_a_query_error_and_it_keeps_serving() -> None:
    store = store_of(1000)
    pages = store.item_pages()
    assert pages is not None
    broken = array("q", pages.table)
    broken[3] = 5  # the first page's compressed length: its bytes no longer decompress
    bad = scan_server.ItemPages(pages.files, broken, pages.count, pages.keep)
    with pytest.raises(QueryError, match="the query scan failed: error"):
        scan(parse_query(QUERY), 1000, store.raw, pages=bad, in_child=True)
    ok = scan(parse_query("op == `1`"), 1000, store.raw, pages=pages, in_child=True)
    assert len(ok.matches) == sum(1 for i in range(1000) if i % 4 == 1 and i % 50 != 9)


def test_the_process_ends_when_the_apps_end_of_its_socket_closes() -> None:
    """The app quit or died: the waiting process exits by itself (no stray process)."""
    scan_server.prestart()
    server = scan_server._idle.pop()
    server.socket.close()
    assert server.process.wait(10) == 0


def test_without_memory_files_the_scan_forks_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where chunks have no file (no memfd) the store offers no pages; the scan still works."""
    monkeypatch.setattr(arena_module.os, "memfd_create", _refuse, raising=False)
    store = store_of(1000)
    assert store.item_pages() is None
    forks: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(child_scan.os, "fork", counted_fork)
    result = scan(parse_query("op == `1`"), 1000, store.raw, pages=None, in_child=True)
    assert forks and len(result.matches) == sum(
        1 for i in range(1000) if i % 4 == 1 and i % 50 != 9
    )
    assert not scan_server._idle


def _refuse(*args: object) -> int:
    raise OSError(24, "Too many open files")


def test_the_app_keeps_no_descriptor_of_a_scan() -> None:
    store = store_of(2000)
    pages = store.item_pages()
    scan(parse_query(QUERY), 2000, store.raw, pages=pages, in_child=True)
    scan_server.shutdown()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        scan(parse_query(QUERY), 2000, store.raw, pages=store.item_pages(), in_child=True)
    scan_server.shutdown()
    assert len(os.listdir("/proc/self/fd")) == before


def test_items_are_read_exactly_as_the_store_revives_them() -> None:
    """Unicode, escapes and nesting: the process parses the same JSON the inspector shows."""
    store = CompactItems(ItemCodec(raw_of=lambda item: item, revive=lambda raw: raw))
    odd = ["naïve ☃", 'quote " and \\ back', "\u0000nul", "line\nbreak", "𝄞"]
    items = [{"i": i, "s": odd[i % len(odd)], "deep": {"a": [i, {"b": i % 7}]}} for i in range(600)]
    store.extend(items)
    for text in ("s == 'naïve ☃'", "deep.a[1].b == `3`", "contains(s, '𝄞')"):
        query = parse_query(text)
        thread = scan(query, 600, store.raw, in_child=False)
        spawned = scan(query, 600, store.raw, pages=store.item_pages(), in_child=True)
        assert list(spawned.matches) == list(thread.matches) and len(thread.matches) > 0
        assert all(query.matcher()(json.loads(json.dumps(items[i]))) for i in spawned.matches)


def test_a_failure_mid_page_is_reported_as_itself() -> None:
    """An item that does not parse is the error the bar shows (not the release of its page)."""
    store = store_of(1000)
    pages = store.item_pages()
    assert pages is not None
    broken = array("q", pages.table)
    broken[5] += 8  # the first page's item ends, one item on: its first "item" is two items
    bad = scan_server.ItemPages(pages.files, broken, pages.count, pages.keep)
    with pytest.raises(QueryError, match="JSONDecodeError: Extra data"):
        scan(parse_query(QUERY), 1000, store.raw, pages=bad, in_child=True)
