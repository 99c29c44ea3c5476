"""Loaded items kept compact (issue 13): exact on the way back, small, invisible to the GC; view jobs cancel.

A level with a codec keeps its items as compressed JSON and revives one when asked; what comes
back must be exactly the raw item (unicode, a lone surrogate, NaN, nesting), its position must
survive items put in front (follow mode), and nothing per item may stay tracked by the cyclic GC.
"""

from __future__ import annotations

import gc
import json
import math
import tracemalloc
import zlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from tui.sandbox.demo import LazyEventLogs
from tui.services.codecatalyst import EventLog
from tui.services.ivs_realtime import ParticipantEvent
from tui.ui.panes.item_store import ItemCodec, pack
from tui.ui.panes.level import Level
from tui.ui.widgets.virtual_table import Column, Row
from tui.ui.widgets.virtual_table.cells import pack_cells
from tui.ui.widgets.virtual_table.jobs import ViewCancelled, ViewJob, compute_view
from tui.ui.widgets.virtual_table.model import TableModel


def _logs(count: int, first: int = 0) -> list[EventLog]:
    source = LazyEventLogs(7, "space", datetime(2026, 1, 1, tzinfo=UTC), 60_000)
    return [EventLog.from_api(source.item_at(k)) for k in range(first, first + count)]


def _level() -> Level:
    return Level(
        crumb="logs",
        columns=[Column("time", "Time"), Column("event", "Event")],
        fetch=lambda token: None,  # type: ignore[arg-type,return-value]
        to_row=lambda log: Row(log.id, (str(log.event_time), log.event_name), ""),
        codec=ItemCodec(lambda log: log.wire, EventLog.from_raw),  # as the pane's level has it
    )


def test_items_come_back_exactly_and_keep_their_places() -> None:
    level = _level()
    logs = _logs(600)
    hostile = EventLog.from_api(
        {
            **logs[0].raw,
            "id": "odd-one",
            "eventTime": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
            "userAgent": "naïve \ud800 \u202e 日本 \x1b[2J",
            "requestPayload": {"contentType": "application/json", "data": '{"a": [1, 2.5]}'},
            "score": float("nan"),
        }
    )
    rows = level.add([*logs[:300], hostile])
    level.add(logs[300:])
    newer = _logs(5, first=10_000)
    level.add(newer, front=True)  # follow mode puts the newest on top

    assert all(row.payload is None for row in rows)  # the table keeps no dict per row
    assert len(level.items) == len(level.keys) == 606
    assert [log.id for log in level.items[:5]] == [log.id for log in newer]
    back = level.by_key["odd-one"]
    assert back.event_time == hostile.event_time
    assert back.raw.keys() == hostile.raw.keys()
    assert back.raw["userAgent"] == hostile.raw["userAgent"]
    assert math.isnan(back.raw["score"])
    for original in (logs[0], logs[299], logs[599], newer[4]):
        index = level.index_of(original.id)
        assert index is not None
        assert level.items[index].raw == original.raw
        assert level.items[index] == original  # every shown field, the time a datetime again
        assert level.raw_for(Row(original.id, ())) == original.raw
        assert level.index_of(original.id, hint=index) == index  # the table's index: O(1)
        assert level.index_of(original.id, hint=index + 1) == index  # a wrong hint: searched
    assert level.raw_for(Row("not-loaded", ())) is None
    assert "odd-one" in level.by_key and level.seen(hostile)
    level.clear()
    assert len(level.items) == 0 and "odd-one" not in level.by_key


def test_a_page_is_stored_as_the_json_of_its_raw_items_without_making_them() -> None:
    """Packing botocore's dicts (datetimes, bytes…) writes the same text as packing their ``raw``.

    Why: the store encodes ``EventLog.wire`` with ``jsonable`` as the encoder's default instead of
    a JSON-able copy per log; copy and export show the stored text, which must not change.
    """
    odd = {
        "id": "odd",
        "eventName": "X",
        "eventTime": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2))),
        "naive": datetime(2026, 1, 2, 3, 4, 5),
        "day": date(2026, 1, 2),
        "blob": b"\x00\xffbin",
        "amount": Decimal("1.5"),
        "tags": ("a", {"at": datetime(2026, 1, 1, tzinfo=UTC)}),
        "text": "naïve \ud800 \x1b[2J",
    }
    logs = [*_logs(40), EventLog.from_api(odd)]
    wire_block = pack([log.wire for log in logs])
    assert all(log._raw is None for log in logs)  # no JSON-able copy was made to store them
    raw_block = pack([log.raw for log in logs])
    assert zlib.decompress(wire_block.data) == zlib.decompress(raw_block.data)
    assert list(wire_block.ends) == list(raw_block.ends)
    assert logs[-1].raw["eventTime"] == "2026-01-02T01:04:05.000006+00:00"
    assert logs[-1].wire is logs[-1].raw  # once made, raw is what is stored (a revived log's)

    item = {"name": "JOINED", "participantId": "p", "eventTime": odd["eventTime"], "blob": b"x"}
    event = ParticipantEvent.from_api(item)
    wire_data = zlib.decompress(pack([event.wire]).data)
    assert event._raw is None
    assert wire_data == zlib.decompress(pack([event.raw]).data)
    assert ParticipantEvent.from_raw(json.loads(wire_data)).raw == event.raw


def test_a_loaded_event_log_costs_under_half_a_kilobyte_and_nothing_for_the_gc() -> None:
    logs = _logs(3_000)
    level = _level()
    level.add(logs[:250])  # the first page: containers exist before measuring
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for start in range(250, 3_000, 250):
            level.add(logs[start : start + 250])
        gc.collect()
        per_item = (tracemalloc.get_traced_memory()[0] - before) / 2_750
    finally:
        tracemalloc.stop()
    # The items, their keys and the key index (the table's cells are measured by its own tests).
    assert per_item < 350, f"{per_item:.0f} bytes a loaded item"
    del logs
    gc.collect()
    assert not any(gc.is_tracked(key) for key in level.keys)  # strings: the GC never walks them
    # The codec, the page and start tuples, the page cache and the arena: none per item.
    assert sum(1 for obj in gc.get_referents(level.items) if gc.is_tracked(obj)) <= 5


def _job(rows: list[Any], needle: str, column: int | None, stale: Any) -> ViewJob:
    return ViewJob(1, rows, len(rows), needle, column, False, None, None, None, stale)


def test_a_superseded_view_job_stops_part_way() -> None:
    rows = [pack_cells((f"row {i}", "x")) for i in range(100_000)]
    checks: list[int] = []

    def stale() -> bool:
        checks.append(1)
        return len(checks) > 1  # the user typed on while the first chunk ran

    with pytest.raises(ViewCancelled):
        compute_view(_job(rows, "nothing", None, stale))
    checks.clear()
    with pytest.raises(ViewCancelled):
        compute_view(_job(rows, "", 0, stale))
    assert len(compute_view(_job(rows, "row 9999", None, lambda: False)).view) == 11


def test_a_column_of_numbers_with_text_far_down_sorts_as_text_as_before() -> None:
    cells = [str(n) for n in range(30_000, 0, -1)] + ["zeta", "Alpha"]
    rows = [pack_cells((cell,)) for cell in cells]
    result = compute_view(_job(rows, "", 0, lambda: False))
    assert result.numeric is False
    assert [cells[i] for i in result.view] == sorted(cells, key=str.casefold)
    numbers = [pack_cells((str(n),)) for n in range(30_000, 0, -1)]
    result = compute_view(_job(numbers, "", 0, lambda: False))
    assert result.numeric is True and [int(numbers[i]) for i in result.view[:3]] == [1, 2, 3]


def test_the_model_gives_its_jobs_a_staleness_check() -> None:
    model = TableModel()
    model.append([Row(str(i), (str(i),)) for i in range(10)])
    job = model.set_filter("1")
    assert job is not None and job.stale is not None and not job.stale()
    model.set_filter("12")
    assert job.stale()


def test_a_view_job_of_many_rows_describes_itself_briefly() -> None:
    # Textual names a worker by repr(work): a repr holding every row froze the UI for seconds.
    rows = [pack_cells((f"row {i}", "x")) for i in range(100_000)]
    job = _job(rows, "needle", 0, lambda: False)
    assert len(repr(job)) < 300


@pytest.mark.parametrize("descending", [False, True])
def test_a_big_sort_in_runs_is_the_same_stable_order_as_one_sort(descending: bool) -> None:
    cells = [f"name-{(i * 7919) % 50}" for i in range(70_000)]  # many ties: stability shows
    rows = [pack_cells((cell,)) for cell in cells]
    job = ViewJob(1, rows, len(rows), "", 0, descending, None, None, None, lambda: False)
    expected = sorted(range(len(cells)), key=lambda i: cells[i], reverse=descending)
    assert list(compute_view(job).view) == expected
