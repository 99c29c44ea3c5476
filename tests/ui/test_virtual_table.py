"""Pilot tests for VirtualTable: lazy loading, keys, filter/sort with appends, messages, safe rendering."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from textual.app import ComposeResult
from textual.message import Message

from tests.ui.helpers import StyledApp
from tui.ui.widgets.virtual_table import Column, Row, VirtualTable
from tui.ui.widgets.virtual_table.columns import layout_widths
from tui.ui.widgets.virtual_table.jobs import ViewCancelled, compute_view
from tui.ui.widgets.virtual_table.model import TableModel

COLUMNS = [
    Column("time", "Time", width=20),
    Column("name", "Name", ratio=2),
    Column("kind", "Kind"),
    Column("n", "N", width=6, align="right"),
]
KINDS = ["JOINED", "LEFT", "PUBLISH_ERROR", "SUBSCRIBED"]


def make_rows(start: int, stop: int) -> list[Row]:
    """Rows whose name and numeric column make filter and sort results easy to predict."""
    return [
        Row(
            key=f"arn:row/{i}",
            cells=(
                f"2024-01-01T00:{i // 60 % 60:02}:{i % 60:02}",
                f"user-{i}",
                KINDS[i % 4],
                str((i * 37) % 101),
            ),
            style="error" if i % 4 == 2 else "",
            payload={"id": i, "when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        )
        for i in range(start, stop)
    ]


class TableApp(StyledApp):
    """A bare app holding one VirtualTable and recording the messages it posts."""

    def __init__(self, rows: int = 0, more: bool = True) -> None:
        super().__init__()
        self.initial = rows
        self.more = more
        self.seen: list[Message] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        if self.initial:
            table.append_rows(make_rows(0, self.initial), more=self.more)
        table.focus()

    def on_virtual_table_more_rows_requested(self, message: VirtualTable.MoreRowsRequested) -> None:
        self.seen.append(message)

    def on_virtual_table_row_activated(self, message: VirtualTable.RowActivated) -> None:
        self.seen.append(message)

    def on_virtual_table_back_requested(self, message: VirtualTable.BackRequested) -> None:
        self.seen.append(message)

    def on_virtual_table_retry_requested(self, message: VirtualTable.RetryRequested) -> None:
        self.seen.append(message)

    def on_virtual_table_copy_requested(self, message: VirtualTable.CopyRequested) -> None:
        self.seen.append(message)

    def on_virtual_table_export_requested(self, message: VirtualTable.ExportRequested) -> None:
        self.seen.append(message)

    def of(self, kind: type[Message]) -> list[Message]:
        return [m for m in self.seen if isinstance(m, kind)]


def screen_lines(table: VirtualTable) -> list[str]:
    """The text of every line the body renders right now."""
    return [
        table.body.render_line(y).text for y in range(table.body.scrollable_content_region.height)
    ]


async def settle(pilot: object, table: VirtualTable) -> None:
    """Wait (bounded) until a filter/sort job running in the thread worker has been applied."""
    for _ in range(500):
        await pilot.pause(0.01)  # type: ignore[attr-defined]
        if not table.model.pending:
            return
    raise AssertionError("view job never finished")


def keys_in_view(table: VirtualTable) -> list[str]:
    return [table.model.visible_row(p).key for p in range(table.row_count)]


async def test_lazy_loading_requests_once_per_load() -> None:
    app = TableApp(rows=30)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        page = table.body.page_height
        assert table.status_text == "30 loaded · more available"
        for _ in range(30 - page - 1):
            await pilot.press("j")
        await pilot.pause()
        assert app.of(VirtualTable.MoreRowsRequested) == []
        await pilot.press("j")  # now within one screen of the end
        await pilot.press("j", "j", "j", "G", "G")
        await pilot.pause()
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 1
        table.set_loading(True)
        await pilot.pause()
        assert "loading…" in screen_lines(table)[-1] or "loading…" in "".join(screen_lines(table))
        table.append_rows(make_rows(30, 60), more=True)
        await pilot.pause()
        assert table.loaded_count == 60 and not table.page_loading
        await pilot.press("G")
        await pilot.pause()
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 2
        await pilot.press("G", "k", "G")
        await pilot.pause()
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 2  # still in flight: not again
        table.append_rows(make_rows(60, 65), more=False)
        await pilot.press("G")
        await pilot.pause()
        assert len(app.of(VirtualTable.MoreRowsRequested)) == 2
        assert table.status_text == "65 · all loaded"
        assert "— end of results —" in "".join(screen_lines(table))


async def test_g_G_half_pages_and_pages() -> None:
    app = TableApp(rows=200, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        half = table.body.page_height // 2
        await pilot.press("G")
        assert table.cursor_row == 199
        assert table.current_row is not None and table.current_row.key == "arn:row/199"
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("ctrl+d", "ctrl+d")
        assert table.cursor_row == 2 * half
        await pilot.press("ctrl+u")
        assert table.cursor_row == half
        await pilot.press("pagedown")
        assert table.cursor_row == half + table.body.page_height
        await pilot.press("k", "up", "down")
        assert table.cursor_row == half + table.body.page_height - 1
        await pilot.press("G")
        await pilot.pause()
        # The cursor row is on screen and highlighted with the last row's text.
        assert any("user-199" in line for line in screen_lines(table))


async def test_filter_incremental_then_n_and_N() -> None:
    app = TableApp(rows=100, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("slash", "u", "s", "e", "r", "-", "7")
        await pilot.pause()
        expected = [f"arn:row/{i}" for i in range(100) if "user-7" in f"user-{i}"]
        assert keys_in_view(table) == expected
        assert table.status_text == f"{len(expected)} of 100 match"
        await pilot.press("enter")  # keep filter, focus back on rows
        assert table.body.has_focus
        await pilot.press("j")
        assert table.current_row is not None and table.current_row.key == expected[1]
        await pilot.press("escape")  # clears the active filter, no BackRequested
        await pilot.pause()
        assert table.row_count == 100 and app.of(VirtualTable.BackRequested) == []
        await pilot.press("g", "n")
        assert table.current_row is not None and table.current_row.key == "arn:row/7"
        await pilot.press("n")
        assert table.current_row is not None and table.current_row.key == "arn:row/70"
        await pilot.press("N", "N")
        assert table.current_row is not None and table.current_row.key == "arn:row/79"  # wrapped
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.of(VirtualTable.BackRequested)) == 1


async def test_filter_is_case_insensitive_any_column() -> None:
    app = TableApp(rows=40, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("slash", *"publish_e")
        await pilot.pause()
        assert keys_in_view(table) == [f"arn:row/{i}" for i in range(40) if i % 4 == 2]
        await pilot.press("escape")  # escape in the filter input clears it and hides it
        await pilot.pause()
        assert table.row_count == 40 and table.body.has_focus
        assert table.status_text == "40 · all loaded"
        assert app.of(VirtualTable.BackRequested) == []


async def test_sort_cycles_asc_desc_off_on_column_cursor() -> None:
    app = TableApp(rows=50, more=False)
    async with app.run_test(size=(200, 30)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("right", "right", "right")  # the numeric N column
        await pilot.press("s")
        await pilot.pause()
        values = [int(table.model.visible_row(p).cells[3]) for p in range(50)]
        assert values == sorted(values)
        assert "N ▲" in screen_lines(table)[0]
        await pilot.press("s")
        await pilot.pause()
        values = [int(table.model.visible_row(p).cells[3]) for p in range(50)]
        assert values == sorted(values, reverse=True)
        await pilot.press("s")
        await pilot.pause()
        assert keys_in_view(table) == [f"arn:row/{i}" for i in range(50)]
        await pilot.press("greater_than_sign")  # wraps to the first column
        assert table.body.column_cursor == 0


def _expected(start: int, stop: int, needle: str, column: int | None, desc: bool) -> list[str]:
    rows = [r for r in make_rows(start, stop) if needle in "\x00".join(r.cells).casefold()]
    if column is not None:
        rows.sort(key=lambda r: int(r.cells[column]), reverse=desc)
    return [r.key for r in rows]


async def test_appends_land_in_active_filter_and_sort_sync_and_threaded() -> None:
    for limit in (1_000_000, 10):  # on the UI thread, then through the thread worker
        app = TableApp(rows=300, more=True)
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(VirtualTable)
            table.sync_view_limit = limit
            table.set_filter("error")
            assert table.model.pending == (limit == 10)
            table.append_rows(make_rows(300, 350), more=True)  # may land while the job is pending
            table.set_sort(3, descending=True)
            table.append_rows(make_rows(350, 420), more=True)
            await settle(pilot, table)
            assert not table.model.pending
            assert keys_in_view(table) == _expected(0, 420, "error", 3, True)
            table.append_rows(make_rows(420, 500), more=False)
            got = keys_in_view(table)
            assert got == _expected(0, 500, "error", 3, True)
            assert len(got) == len(set(got))
            table.set_filter("")
            await settle(pilot, table)
            assert sorted(keys_in_view(table)) == sorted(f"arn:row/{i}" for i in range(500))


async def test_sort_keeps_cursor_row_when_rows_arrive() -> None:
    app = TableApp(rows=20, more=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_sort(3)
        await pilot.press("j", "j", "j")
        before = table.current_row
        table.append_rows(make_rows(20, 40), more=True)
        await pilot.pause()
        assert table.current_row == before


async def test_follow_mode_moves_only_from_last_row() -> None:
    app = TableApp(rows=10, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j")
        table.append_rows(make_rows(10, 12), more=False, follow=True)
        assert table.cursor_row == 1
        await pilot.press("G")
        table.append_rows(make_rows(12, 15), more=False, follow=True)
        assert table.cursor_row == 14


async def test_error_row_retry_keeps_rows() -> None:
    app = TableApp(rows=10, more=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_error("Throttled [red]x[/red]")
        await pilot.pause()
        text = "".join(screen_lines(table))
        assert "✖ Throttled [red]x[/red] — r to retry" in text
        assert table.loaded_count == 10
        await pilot.press("r")
        await pilot.pause()
        assert len(app.of(VirtualTable.RetryRequested)) == 1
        assert table.error is None
        await pilot.press("r")
        await pilot.pause()
        assert len(app.of(VirtualTable.RetryRequested)) == 1


async def test_enter_copy_and_export_messages() -> None:
    app = TableApp(rows=5, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "enter", "y", "Y", "e")
        await pilot.pause()
        activated = app.of(VirtualTable.RowActivated)
        assert [m.row.key for m in activated] == ["arn:row/1"]  # type: ignore[attr-defined]
        copies = app.of(VirtualTable.CopyRequested)
        assert [(m.what, m.text) for m in copies] == [("id", "arn:row/1"), ("JSON", copies[1].text)]  # type: ignore[attr-defined]
        assert copies[1].what == "JSON"  # type: ignore[attr-defined]
        assert json.loads(copies[1].text) == {"id": 1, "when": "2024-01-01T00:00:00+00:00"}  # type: ignore[attr-defined]
        assert [m.fmt for m in app.of(VirtualTable.ExportRequested)] == ["jsonl"]  # type: ignore[attr-defined]
        table.set_filter("user-3")
        assert [row["id"] for row in table.iter_export_rows()] == [3]


async def test_hostile_strings_render_as_visible_literal_text() -> None:
    hostile = ("[bold]x[/]", "\x1b]52;c;ZXZpbA==\x07", "\u202eabc", "ok")
    app = TableApp()
    async with app.run_test(size=(200, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.append_rows([Row("k", hostile)], more=False)
        await pilot.pause()
        line = screen_lines(table)[1]
        assert "[bold]x[/]" in line
        assert "\\e]52;c;ZXZpbA==\\x07" in line
        assert "\\u202eabc" in line
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in line)


async def test_layout_fits_80_and_200_columns() -> None:
    for width in (80, 200):
        app = TableApp(rows=3, more=False)
        async with app.run_test(size=(width, 24)) as pilot:
            table = app.query_one(VirtualTable)
            await pilot.pause()
            content = table.body.scrollable_content_region.width
            header, first = screen_lines(table)[:2]
            assert len(header) == content and len(first) == content
            widths = table.body.widths
            assert widths[0] == 20 and widths[3] == 6
            assert sum(widths) + 3 == content
            assert widths[1] >= 2 * widths[2] - 1  # ratio 2:1
            assert header.startswith("Time") and header.rstrip().endswith("N")
            assert first.startswith("2024-01-01T00:00:00")


def test_layout_widths_pins_minimums_and_overflows() -> None:
    cols = [Column("a", "A", width=10), Column("b", "B", min_width=30), Column("c", "C", ratio=3)]
    assert layout_widths(cols, 80) == [10, 30, 38]
    assert layout_widths(cols, 30) == [10, 30, 4]  # wider than 30: the table scrolls sideways


def test_model_narrowing_filter_and_stale_results_dropped() -> None:
    model = TableModel()
    model.append(make_rows(0, 100))
    first = model.set_filter("user-1")
    assert first is not None
    second = model.set_filter("user-12")
    assert second is not None and second.candidates is None  # first never applied: full scan
    with pytest.raises(ViewCancelled):  # superseded: it stops at its first check
        compute_view(first)
    # A result that was finished just before being superseded is dropped by its generation.
    assert not model.apply(compute_view(replace(first, stale=None)))
    assert model.apply(compute_view(second))
    third = model.set_filter("user-123")
    assert third is not None and third.candidates is not None  # narrows the last result
    assert model.apply(compute_view(third)) and model.visible_count == 0


async def test_prepended_rows_keep_the_cursor_on_its_row_plain_filtered_and_sorted() -> None:
    app = TableApp(rows=40, more=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "j")
        before = table.current_row
        table.prepend_rows(make_rows(100, 103))
        assert table.current_row == before and table.cursor_row == 6
        assert [table.model.row(i).key for i in range(3)] == [
            f"arn:row/{i}" for i in range(100, 103)
        ]
        # On the top row, the cursor stays on top (on the newest row).
        await pilot.press("g")
        table.prepend_rows(make_rows(200, 202))
        assert table.cursor_row == 0 and table.current_row.key == "arn:row/200"
        # With a filter and a sort, the new rows join the view and the cursor keeps its row.
        table.set_filter("PUBLISH")
        table.set_sort(3)
        await pilot.pause()
        await pilot.press("j", "j")
        before = table.current_row
        table.prepend_rows(make_rows(300, 310))
        await pilot.pause()
        assert table.current_row == before
        keys = {row.key for row in table.model.iter_visible()}
        assert {"arn:row/302", "arn:row/306"} <= keys and "arn:row/300" not in keys
        assert all("PUBLISH" in row.cells[2] for row in table.model.iter_visible())


def test_prepended_rows_are_tested_against_an_active_query_and_old_matches_shift() -> None:
    """Follow puts new rows on top while a query restricts the view: matches move with the rows."""
    model = TableModel()
    model.append(make_rows(0, 10))
    matches = lambda i: model.row(i).key.endswith(("/3", "/7", "/101"))  # noqa: E731
    generation, upto = model.begin_restrict(matches)
    model.extend_restrict(generation, [i for i in range(upto) if matches(i)])
    job = model.finish_restrict(generation, upto)
    if job is not None:
        model.apply(compute_view(job))
    before = model.epoch
    job = model.prepend(make_rows(100, 103))
    if job is not None:
        model.apply(compute_view(job))
    shown = [model.visible_row(p).key for p in range(model.visible_count)]
    assert shown == ["arn:row/101", "arn:row/3", "arn:row/7"]
    assert model.epoch > before  # the density line recounts
