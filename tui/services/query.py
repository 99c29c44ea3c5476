"""The query bar's engine: a JMESPath filter and computed columns over each row's JSON, run in chunks.

JMESPath is the AWS CLI's ``--query`` language and comes with botocore, so a query typed here can
travel to the CLI unchanged. The syntax of the bar is the filter, then any number of
``; col NAME = EXPR`` clauses (either part may be missing)::

    userIdentity.userName=='alice' && operationType=='MUTATION'; col user = userIdentity.userName

A row matches when the filter is JMESPath-truthy on it (as in ``[?filter]``: not null, false, or an
empty string, list or object). Expressions are compiled once; a scan runs over a row source in
chunks, checks a cancel event between chunks and reports the matches found so far, so a UI can show
progress and stop it. This module never imports textual or rich.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jmespath
from jmespath import exceptions as jexc
from jmespath import visitor

from tui.errors import InputError
from tui.services import child_scan
from tui.services.chunked import responsive

if TYPE_CHECKING:  # the scan process's module is imported by the first big scan, not at launch
    from tui.services.scan_server import ItemPages

CHUNK = 4096
"""Rows per chunk: the cancel check and progress report happen between chunks."""


class QueryError(InputError):
    """A query that does not parse, with ``position``: the character offset in the whole text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, location="query")
        self.position = position


@dataclass(frozen=True)
class ComputedColumn:
    """``col NAME = EXPR``: a column whose cell is EXPR evaluated on the row."""

    name: str
    expression: str
    compiled: Any = field(compare=False, repr=False)


@dataclass(frozen=True)
class Query:
    """A parsed query: the filter (None: every row) and the computed columns, compiled once."""

    text: str
    filter: str | None
    columns: tuple[ComputedColumn, ...]
    compiled: Any = field(compare=False, repr=False, default=None)

    @property
    def is_empty(self) -> bool:
        """Whether the query neither filters nor adds columns."""
        return self.filter is None and not self.columns

    def matcher(self) -> Callable[[object], bool]:
        """A test for one row's JSON, reusing one interpreter (no per-row setup)."""
        if self.compiled is None:
            return _always
        interpreter = visitor.TreeInterpreter()
        visit = interpreter.visit
        parsed = self.compiled.parsed

        def test(value: object) -> bool:
            try:
                result = visit(parsed, value)
            except jexc.JMESPathTypeError:
                return False  # a row whose field has another type is no match, not a failure
            return not (
                result is None or result is False or result == "" or result == [] or result == {}
            )

        return test

    def cells(self, value: object) -> tuple[str, ...]:
        """The computed columns' cells for one row's JSON, as plain text."""
        return tuple(cell_text(_search(column.compiled, value)) for column in self.columns)


def _always(value: object) -> bool:
    return True


def _search(compiled: Any, value: object) -> object:
    try:
        return compiled.search(value)
    except jexc.JMESPathTypeError:
        return None


def cell_text(value: object) -> str:
    """A computed value as a cell: strings as they are, null as '', anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), default=str, ensure_ascii=False)


def _split_clauses(text: str) -> list[tuple[int, str]]:
    """``text`` cut at ``;`` outside quotes and backticks, each clause with its offset."""
    clauses: list[tuple[int, str]] = []
    quote: str | None = None
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote is not None:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == ";":
            clauses.append((start, text[start:i]))
            start = i + 1
        i += 1
    clauses.append((start, text[start:]))
    return clauses


def _compile(expression: str, offset: int) -> Any:
    """Compile one expression; a failure becomes a QueryError positioned in the whole text."""
    try:
        return jmespath.compile(expression)
    except jexc.IncompleteExpressionError:
        raise QueryError("incomplete expression", offset + len(expression.rstrip())) from None
    except jexc.LexerError as exc:
        raise QueryError(str(exc.message), offset + int(exc.lexer_position)) from None
    except jexc.ParseError as exc:
        token = exc.token_value if exc.token_value is not None else exc.token_type
        what = "unexpected end" if exc.token_type == "EOF" else f"unexpected {token!s}"
        raise QueryError(what, offset + int(exc.lex_position)) from None
    except jexc.JMESPathError as exc:
        raise QueryError(str(exc), offset) from None


def parse_query(text: str) -> Query:
    """Parse the bar's text (see the module docstring); raises QueryError with the position."""
    filter_text: str | None = None
    filter_compiled: Any = None
    columns: list[ComputedColumn] = []
    names: set[str] = set()
    for index, (offset, clause) in enumerate(_split_clauses(text)):
        stripped = clause.strip()
        if not stripped:
            continue
        lead = offset + (len(clause) - len(clause.lstrip()))
        head = stripped.split(None, 1)
        if head[0] == "col" and len(head) > 1:
            name, equals, expression = head[1].partition("=")
            name = name.strip()
            if not equals or not name:
                raise QueryError("write a column as: col NAME = EXPRESSION", lead)
            if not name.replace("_", "").replace("-", "").isalnum():
                raise QueryError(f"column name {name!r}: letters, digits, _ and - only", lead + 4)
            if name in names:
                raise QueryError(f"column {name!r} given twice", lead + 4)
            names.add(name)
            expr_offset = offset + clause.index("=", clause.index("col") + 3) + 1
            columns.append(
                ComputedColumn(name, expression.strip(), _compile(expression, expr_offset))
            )
        elif index == 0:
            filter_text = stripped
            filter_compiled = _compile(clause, offset)
        else:
            raise QueryError("only the first clause can be a filter; add columns with 'col'", lead)
    query = Query(text, filter_text, tuple(columns), filter_compiled)
    return query


def check_functions(query: Query, sample: object) -> None:
    """Run the query once on ``sample`` so an unknown function or wrong arity is reported at once.

    Why: jmespath checks function names and argument counts only while searching, and they fail
    on every row alike, so they are the query's error rather than each row's.
    """
    compiled = [query.compiled] if query.compiled is not None else []
    compiled += [column.compiled for column in query.columns]
    for item in compiled:
        try:
            item.search(sample)
        except (jexc.UnknownFunctionError, jexc.ArityError) as exc:
            raise QueryError(str(exc), 0) from None
        except jexc.JMESPathTypeError:
            pass


@dataclass
class ScanResult:
    """The outcome of a scan: matching row indices (ascending), rows scanned, whether it was stopped."""

    matches: array[int]
    scanned: int
    cancelled: bool


def scan(
    query: Query,
    count: int,
    item_at: Callable[[int], object],
    *,
    start: int = 0,
    cancel: threading.Event | None = None,
    progress: Callable[[array[int], int], None] | None = None,
    chunk: int = CHUNK,
    in_child: bool | None = None,
    pages: ItemPages | None = None,
) -> ScanResult:
    """Test rows ``start..count`` with ``item_at(i)``; report each chunk's new matches to ``progress``.

    ``progress(new_matches, scanned)`` gets only the chunk's matches (the caller keeps the total),
    so reporting costs the matches, not the rows scanned so far. Where it runs is chosen here
    (``in_child=None``): a big view (``child_scan.MIN_ROWS`` rows or more) on Linux is scanned
    in a forked child process, so the scan's Python never holds the GIL the UI thread needs
    (``tui/services/child_scan.py``); a small one, or where fork is unsafe, in this thread with
    a short switch interval (``chunked.responsive``): the UI thread waiting for the GIL gets it
    within about a millisecond instead of 5 ms per wake-up. Both give the same matches and
    reports; a child that fails or dies raises ``QueryError``.

    ``pages``: where row ``i``'s item is in a compact item store (``ItemPages``, covering every
    row scanned). A big scan then runs in a spawned scan process reading those pages
    (``tui/services/scan_server.py``), not in a fork of the app, which copies page tables and
    then pages while the UI thread waits; a fork is the next choice, this thread the last.
    """
    test = query.matcher()
    if in_child is None:
        in_child = count - start >= child_scan.MIN_ROWS and child_scan.available()
    if in_child and pages is not None and pages.count >= count:
        result = _scan_in_process(query, pages, start, count, chunk, cancel, progress)
        if result is not None:
            return result
    if in_child:
        try:
            found, scanned, cancelled = child_scan.scan_in_child(
                test, item_at, start, count, chunk=chunk, cancel=cancel, progress=progress
            )
        except child_scan.ChildScanError as exc:
            raise QueryError(exc.message, 0) from None
        except child_scan.NoChild:
            pass  # no process to be had (a process limit, memory): this thread scans instead
        else:
            return ScanResult(found, scanned, cancelled)
    matches: array[int] = array("q")
    position = start
    with responsive():
        while position < count:
            if cancel is not None and cancel.is_set():
                return ScanResult(matches, position - start, True)
            stop = min(count, position + chunk)
            found = array("q", [i for i in range(position, stop) if test(item_at(i))])
            matches.extend(found)
            position = stop
            if progress is not None:
                progress(found, position - start)
    return ScanResult(matches, position - start, False)


def _scan_in_process(
    query: Query,
    pages: ItemPages,
    start: int,
    count: int,
    chunk: int,
    cancel: threading.Event | None,
    progress: Callable[[array[int], int], None] | None,
) -> ScanResult | None:
    """The scan in the spawned scan process (None: none to be had, or not here: scan otherwise)."""
    from tui.services import scan_server

    if not scan_server.available():
        return None
    try:
        found, scanned, cancelled = scan_server.scan_pages(
            query.text, pages, start, count, chunk=chunk, cancel=cancel, progress=progress
        )
    except child_scan.ChildScanError as exc:
        raise QueryError(exc.message, 0) from None
    except scan_server.NoServer:
        return None
    return ScanResult(found, scanned, cancelled)


def item_json(payload: object) -> object:
    """A row's JSON for querying: a payload kept as bytes or text is parsed; a dict is used as is."""
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return json.loads(bytes(payload))
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def payload_source(payloads: Sequence[object]) -> Callable[[int], object]:
    """``item_at`` over a sequence of payloads (dicts, or JSON bytes parsed on demand)."""

    def item_at(index: int) -> object:
        return item_json(payloads[index])

    return item_at


def cli_query(query: Query | None, result_key: str) -> str | None:
    """The AWS CLI ``--query`` that prints the same rows: ``RESULT_KEY[?FILTER]`` (None: no filter).

    Computed columns are not carried: the CLI would print only them, not the same rows.
    """
    if query is None or query.filter is None:
        return None
    return f"{result_key}[?{query.filter}]"


def result_key(service: str, operation: str) -> str | None:
    """The output member holding the rows of an AWS CLI ``service operation`` (the one list).

    Read from botocore's service model, so ``codecatalyst list-event-logs`` gives ``items`` and
    ``ivs-realtime list-participant-events`` gives ``events`` without a table kept by hand.
    """
    import botocore.exceptions
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    try:
        model = session.get_service_model(service)
    except botocore.exceptions.UnknownServiceError:  # an unknown service has no key
        return None
    for name in model.operation_names:
        if xform_name(name, "-") == operation:
            output = model.operation_model(name).output_shape
            if output is None:
                return None
            lists = [k for k, shape in output.members.items() if shape.type_name == "list"]
            return lists[0] if len(lists) == 1 else None
    return None


def add_cli_query(command: str, query: Query | None) -> str:
    """``command`` (``aws SERVICE OPERATION …``) with ``--query`` carrying the query's filter.

    The AWS CLI applies it to the whole (paginated) output, so it prints the rows the table
    shows once everything is loaded; without a filter, or a list to filter, the command is kept.
    """
    from tui.textsafe import shell_quote

    if query is None or query.filter is None:
        return command
    words = command.split(None, 3)[:3]  # the service and operation words are never quoted
    if len(words) < 3 or words[0] != "aws":
        return command
    key = result_key(words[1], words[2])
    text = cli_query(query, key) if key else None
    return f"{command} --query {shell_quote(text)}" if text else command
