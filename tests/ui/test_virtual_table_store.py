"""TableModel's compact row store: Rows come back exactly as given, whatever their cells hold."""

from __future__ import annotations

import subprocess
import sys

from tui.ui.widgets.virtual_table import Row
from tui.ui.widgets.virtual_table.cells import SEP, pack_cells
from tui.ui.widgets.virtual_table.jobs import compute_view
from tui.ui.widgets.virtual_table.model import TableModel


def _odd_rows() -> list[Row]:
    return [
        Row("a", ("a", "plain", "1")),  # key is the first cell: stored without a key
        Row("k-2", ("b", "", "2")),  # key differs, an empty cell
        Row("k-3", (f"has{SEP}sep", "x", "3"), "error"),  # the separator inside a cell
        Row("k-4", (), payload={"id": 4}),  # no cells at all
        Row("k-5", ("",)),  # one empty cell
        Row("e", ("e", "ünïcødé ✓", "10"), "mutation", payload=[1, 2]),
        Row("f", ("f", "tail", "-1")),
    ]


def test_rows_round_trip_exactly() -> None:
    model = TableModel()
    rows = _odd_rows()
    model.append(rows[:2])  # keys/styles/payloads lists appear only with later rows
    model.append(rows[2:])
    assert [model.row(i) for i in range(len(rows))] == rows
    assert list(model.rows) == rows
    assert list(model.iter_visible()) == rows
    assert model.cells(2) == (f"has{SEP}sep", "x", "3") and model.style(2) == "error"
    assert model.style(0) == ""


def test_packing_is_compact_only_when_unambiguous() -> None:
    assert pack_cells(("a", "b")) == f"a{SEP}b"
    assert pack_cells((f"a{SEP}", "b")) == (f"a{SEP}", "b")
    assert pack_cells(()) == ()
    assert pack_cells(("a", 3)) == ("a", 3)  # type: ignore[arg-type]


def test_filter_and_sort_see_every_cell() -> None:
    model = TableModel()
    model.append(_odd_rows())
    job = model.set_filter("SEP")
    assert job is not None and model.apply(compute_view(job))
    assert [model.visible_row(p).key for p in range(model.visible_count)] == ["k-3"]
    job = model.set_filter("")
    job = model.set_sort(2, descending=True)
    assert job is not None and model.apply(compute_view(job))
    order = [model.visible_row(p).key for p in range(model.visible_count)]
    assert order[:2] == ["e", "k-3"]  # numeric: 10, 3, ... ; empty cells sort as lowest
    assert model.find("ünïcødé", 0, 1) is not None


def test_snapshot_survives_clear_and_appends() -> None:
    model = TableModel()
    model.append(_odd_rows())
    rows, order = model.snapshot()
    model.clear()
    model.append([Row("new", ("new", "row", "0"), "warning", payload="p")])
    assert len(rows) == 7 and list(order) == list(range(7))
    assert [rows[i] for i in order] == _odd_rows()
    assert model.row(0) == Row("new", ("new", "row", "0"), "warning", payload="p")


def test_the_table_model_imports_no_textual_or_rich() -> None:
    """The model, its jobs and pure parts load without Textual (the package's widget names are lazy)."""
    code = (
        "import sys\n"
        "import tui.ui.widgets.virtual_table.model, tui.ui.widgets.virtual_table.jobs\n"
        "import tui.ui.widgets.virtual_table.store, tui.ui.widgets.virtual_table.columns\n"
        "import tui.ui.widgets.virtual_table.load, tui.ui.widgets.virtual_table.export\n"
        "from tui.ui.widgets.virtual_table import Column, Row\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_computed_cells_are_sorted_and_filtered_like_stored_ones() -> None:
    """The pure model, no widget: a query's computed cells go through the same view jobs."""
    model = TableModel()
    model.append([Row(f"r{i}", (f"r{i}", "x")) for i in range(6)])
    model.computed = lambda index: (f"v{(index * 5) % 6}",)
    assert model.cells(1) == ("r1", "x", "v5")
    job = model.set_sort(2)
    assert job is not None and model.apply(compute_view(job))
    assert [model.visible_row(p).key for p in range(6)] == ["r0", "r5", "r4", "r3", "r2", "r1"]
    assert model.find("v1", 0, 1) == 1  # n/N search the computed cells too
    job = model.set_filter("v4")
    assert job is not None and model.apply(compute_view(job))
    assert [model.visible_row(p).key for p in range(model.visible_count)] == ["r2"]
