"""The query engine: the bar's syntax, errors with their position, chunked scans that stop."""

from __future__ import annotations

import threading
from array import array

import pytest

from tui.services.query import (
    QueryError,
    check_functions,
    cli_query,
    item_json,
    parse_query,
    scan,
)

ROWS = [
    {"userIdentity": {"userName": "alice"}, "operationType": "MUTATION", "n": [1, 2]},
    {"userIdentity": {"userName": "bob"}, "operationType": "MUTATION"},
    {"userIdentity": {"userName": "alice"}, "operationType": "READONLY"},
    {"userIdentity": None, "operationType": "MUTATION"},
]


def test_filter_and_columns() -> None:
    query = parse_query(
        "userIdentity.userName=='alice' && operationType=='MUTATION'; col user = userIdentity.userName"
    )
    assert query.filter == "userIdentity.userName=='alice' && operationType=='MUTATION'"
    assert [c.name for c in query.columns] == ["user"]
    assert list(scan(query, len(ROWS), ROWS.__getitem__).matches) == [0]
    assert [query.cells(row) for row in ROWS] == [("alice",), ("bob",), ("alice",), ("",)]


def test_columns_only_and_json_cells() -> None:
    query = parse_query("col n = n; col who=userIdentity")
    assert query.filter is None
    assert query.cells(ROWS[0]) == ("[1,2]", '{"userName":"alice"}')
    assert list(scan(query, 4, ROWS.__getitem__).matches) == [0, 1, 2, 3]


def test_truthiness_is_jmespath_filter_truthiness() -> None:
    rows = [{"a": ""}, {"a": []}, {"a": {}}, {"a": False}, {"a": None}, {"a": 0}, {"a": "x"}]
    assert list(scan(parse_query("a"), len(rows), rows.__getitem__).matches) == [5, 6]


def test_semicolon_inside_quotes_is_not_a_clause() -> None:
    query = parse_query("a == 'x;y'; col b = b")
    assert query.filter == "a == 'x;y'"
    assert list(scan(query, 2, [{"a": "x;y"}, {"a": "x"}].__getitem__).matches) == [0]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a ==", 4),
        ("a == 'x", 5),
        ("&&a", 0),
        ("a; col u = b.(", 13),
        ("a; col = x", 3),
        ("a; b", 3),
        ("a; col u = x; col u = y", 18),
    ],
)
def test_bad_expression_has_its_position(text: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.position == position


def test_unknown_function_is_the_query_error() -> None:
    with pytest.raises(QueryError, match="lenth"):
        check_functions(parse_query("lenth(a) > `1`"), ROWS[0])


def test_type_error_in_a_row_is_no_match() -> None:
    query = parse_query("length(n) == `2`")
    assert list(scan(query, len(ROWS), ROWS.__getitem__).matches) == [0]


def test_scan_reports_chunks_and_stops_on_cancel() -> None:
    rows = [{"i": i} for i in range(100)]
    cancel = threading.Event()
    seen: list[tuple[list[int], int]] = []

    def progress(found: array[int], scanned: int) -> None:
        seen.append((list(found), scanned))
        if scanned >= 30:
            cancel.set()

    result = scan(
        parse_query("i > `4` && i < `95`"),
        100,
        rows.__getitem__,
        cancel=cancel,
        progress=progress,
        chunk=10,
    )
    assert result.cancelled and result.scanned == 30
    assert seen[0] == ([5, 6, 7, 8, 9], 10)
    assert list(result.matches) == list(range(5, 30))


def test_payload_bytes_are_parsed() -> None:
    assert item_json(b'{"a": 1}') == {"a": 1}
    assert item_json({"a": 1}) == {"a": 1}


def test_cli_query_carries_the_filter_only() -> None:
    assert cli_query(parse_query("a=='x'; col b = b"), "eventLogs") == "eventLogs[?a=='x']"
    assert cli_query(parse_query("col b = b"), "eventLogs") is None
