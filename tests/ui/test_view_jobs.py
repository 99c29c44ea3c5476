"""View jobs in pieces: filter, sort and the query's restriction give exactly the simple results.

The jobs run a few thousand rows at a time (so the UI thread gets the GIL between pieces);
these tests shrink the pieces so a few hundred random rows with many ties cross every piece
boundary, and compare with a plain ``filter`` + ``sorted`` of the same rows.
"""

from __future__ import annotations

import gc
import random
from array import array
from dataclasses import replace

import pytest

from tui.services import chunked
from tui.ui.widgets.virtual_table import Row, jobs
from tui.ui.widgets.virtual_table.jobs import TextKeys, ViewCancelled, ViewJob, compute_view
from tui.ui.widgets.virtual_table.model import TableModel

EVENTS = ("Create", "Delete", "Get", "List", "Update")


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "STEP", 16)
    monkeypatch.setattr(chunked, "STEP", 16)
    monkeypatch.setattr(chunked, "RUN", 9)
    monkeypatch.setattr(chunked, "PIECE", 6)


def _rows(n: int, seed: int = 1) -> list[Row]:
    rnd = random.Random(seed)
    return [
        Row(
            f"k{i}",
            (
                f"id-{i:04}",
                rnd.choice(EVENTS),  # few distinct values: many ties
                str(rnd.randrange(50)),  # numbers
                f"user{rnd.randrange(7)}",
                str(rnd.randrange(1000)) if i < n - 3 else "n/a",  # numbers, text at the end
            ),
        )
        for i in range(n)
    ]


def _key(row: Row, column: int, numeric: bool) -> object:
    return float(row.cells[column]) if numeric else row.cells[column].casefold()


def _expected(
    rows: list[Row], needle: str, column: int | None, descending: bool, among: list[int]
) -> list[int]:
    kept = [i for i in among if not needle or any(needle in c.casefold() for c in rows[i].cells)]
    if column is None:
        return kept
    numeric = all(c.cells[column].replace(".", "").isdigit() for c in rows)
    return sorted(kept, key=lambda i: _key(rows[i], column, numeric), reverse=descending)


def _run(model: TableModel, job: ViewJob | None) -> None:
    if job is not None:
        assert model.apply(compute_view(job))


def _shown(model: TableModel) -> list[int]:
    return [model.row_index(p) for p in range(model.visible_count)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", [1, 2, 3, 4])
def test_chunked_filter_and_sort_equal_the_simple_result(
    small_pieces: None, column: int, descending: bool
) -> None:
    rows = _rows(400)
    model = TableModel()
    model.append(rows)
    everything = list(range(len(rows)))
    _run(model, model.set_sort(column, descending))
    assert _shown(model) == _expected(rows, "", column, descending, everything)
    _run(model, model.set_filter("user3"))
    assert _shown(model) == _expected(rows, "user3", column, descending, everything)
    # Rows landing later merge into the sorted view where a full sort would put them.
    more = _rows(100, seed=2)
    model.append(more)
    assert _shown(model) == _expected(rows + more, "user3", column, descending, list(range(500)))
    for index in range(500):  # the binary search finds each row where the view has it
        expected = _shown(model).index(index) if index in _shown(model) else None
        assert model.position_of(index) == expected


@pytest.mark.parametrize("column", [1, 2, 4])
def test_a_finished_sort_keeps_its_keys_where_the_gc_does_not_walk_them(
    small_pieces: None, column: int
) -> None:
    """Text keys (columns 1 and 4) end in ``TextKeys``, numbers (column 2) in an ``array('d')``.

    Why: the model keeps a sort's keys until the next sort; as a list of a million keys, every
    full collection of the cyclic GC walked all of them (7-25 ms a time, several a second while
    the screen repaints); as a tuple, the first collection that saw it did (18 ms, a young one in
    the frame after the sort). Checked with no collection first: the first one must not walk them.
    """
    model = TableModel()
    model.append(_rows(400))
    job = model.set_sort(column)
    assert job is not None
    result = compute_view(job)
    keys = result.keys
    assert keys is not None and len(keys) == 400
    assert isinstance(keys, TextKeys if column != 2 else array)
    # What a collection visits in it (tp_traverse): its buffers and type at most, and in those
    # nothing but their type (an array is tracked but walks none), never the 400 keys.
    visited = gc.get_referents(keys)
    assert len(visited) <= 3
    assert all(len(gc.get_referents(r)) <= 1 for r in visited if not isinstance(r, type))
    assert model.apply(result)
    model.append(_rows(50, seed=3))  # and the model can still add the keys of later rows
    assert model.visible_count == 450
    assert model._keys is keys and len(keys) == 450  # grown in place, still not walked


def test_text_keys_give_back_every_key_as_it_was() -> None:
    texts = ["", "alice", "émile", "日本語", "a\x00b", "emoji 🙂", "\udcff lone surrogate", "zz"]
    keys = TextKeys.of(texts)
    assert len(keys) == len(texts)
    assert [keys[i] for i in range(len(texts))] == texts
    assert keys[-1] == "zz" and keys[2:5] == texts[2:5] and keys.to_list() == texts
    keys.extend(["more", "é"])
    assert keys.to_list() == [*texts, "more", "é"]
    assert sorted(range(len(keys)), key=keys.__getitem__) == sorted(
        range(len(keys)), key=[*texts, "more", "é"].__getitem__
    )


def test_the_query_restriction_then_sort_equals_the_simple_result(small_pieces: None) -> None:
    rows = _rows(300)
    model = TableModel()
    model.append(rows)
    model.set_sort(1, descending=True)  # sorted: the matches wait for the end of the scan

    def matches(i: int) -> bool:
        return rows[i].cells[3] in ("user1", "user4")

    generation, total = model.begin_restrict(matches)
    found = [i for i in range(total) if matches(i)]
    for start in range(0, len(found), 13):
        assert model.extend_restrict(generation, found[start : start + 13])
    _run(model, model.finish_restrict(generation, total))
    assert _shown(model) == _expected(rows, "", 1, True, found)
    _run(model, model.set_filter("delete"))
    assert _shown(model) == _expected(rows, "delete", 1, True, found)


def test_a_view_job_cancelled_part_way_leaves_the_previous_view_intact(small_pieces: None) -> None:
    rows = _rows(400)
    model = TableModel()
    model.append(rows)
    _run(model, model.set_filter("user2"))
    before = _shown(model)
    for job in (model.set_sort(1), model.set_filter("user"), model.set_sort(2, True)):
        assert job is not None
        checks: list[int] = []

        def stale(checks: list[int] = checks) -> bool:
            checks.append(1)
            return len(checks) > 5  # superseded part-way through

        with pytest.raises(ViewCancelled):
            compute_view(replace(job, stale=stale))
        assert len(checks) == 6
        assert _shown(model) == before  # nothing was installed
    model.set_sort(None)
    _run(model, model.set_filter("user2"))
    assert _shown(model) == before


def test_a_superseded_job_notices_within_a_few_thousand_rows() -> None:
    """A newer filter stops an older job at its next piece of ``chunked.STEP`` rows.

    Why: the pieces are what let the UI thread have the GIL; with pieces of 20,000 rows a
    sort held it for tens of milliseconds at a time.
    """
    rows = [Row(f"k{i}", (f"id-{i}", EVENTS[i % 5])) for i in range(100_000)]
    model = TableModel()
    model.append(rows)
    for job in (model.set_filter("id"), model.set_sort(1)):
        assert job is not None
        checks: list[int] = []

        def count(checks: list[int] = checks) -> bool:
            checks.append(1)
            return False

        compute_view(replace(job, stale=count))
        assert len(checks) >= 100_000 // chunked.STEP


def test_position_of_a_sorted_view_does_not_walk_it() -> None:
    class NoWalk(array):  # type: ignore[type-arg]
        def index(self, *args: object) -> int:  # type: ignore[override]
            raise AssertionError("position_of walked the whole view")

    rows = _rows(500)
    model = TableModel()
    model.append(rows)
    for plan in (
        lambda: model.set_sort(1, True),
        lambda: model.set_filter("user5"),
        lambda: model.set_sort(None),  # unsorted: ascending indices
    ):
        job = plan()
        assert job is not None
        result = compute_view(job)
        expected = list(result.view)
        result.view = NoWalk("q", expected)
        assert model.apply(result)
        for index in (0, 17, 499, expected[len(expected) // 2]):
            want = expected.index(index) if index in expected else None
            assert model.position_of(index) == want
