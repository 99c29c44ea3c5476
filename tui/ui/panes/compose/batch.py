"""The batch being composed, as plain data: entries, their results, the selection, what is sending.

Why: every rule about a batch (which entries are unsent, what an edit does to a sent entry, what
the draft on disk holds, which errors show yet) lives here, UI-free, so it is tested without a
Pilot and the pane only shows it. No Textual or Rich import here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.services.validation import FieldError
from tui.words import count

Result = dict[str, Any]  # {"EventId"}, {"ErrorCode", "ErrorMessage"} or {"Unconfirmed", ...}
Entry = dict[str, Any]
# Fields a fresh entry fills with "now": an entry differing only there holds nothing typed.
CLOCK_FIELDS = frozenset({"sentAt", "Time"})


def result_ok(result: Result | None) -> bool:
    """True when ``result`` is a success (an EventId and no ErrorCode)."""
    return bool(result) and not result.get("ErrorCode") and bool(result.get("EventId"))  # type: ignore[union-attr]


def result_failed(result: Result | None) -> bool:
    """True when AWS answered that the entry was not recorded."""
    return bool(result) and bool(result.get("ErrorCode"))  # type: ignore[union-attr]


def result_unconfirmed(result: Result | None) -> bool:
    """True when the entry was sent but no answer came back: it may have reached AWS."""
    return bool(result) and bool(result.get("Unconfirmed"))  # type: ignore[union-attr]


def same_entry(a: Entry, b: Entry) -> bool:
    """True when ``a`` and ``b`` hold the same values, an empty field being the same as none.

    Why: the raw JSON view leaves empty fields out (the request AWS takes has no ``Resources``
    when there are none), so an entry taken back from it unchanged lacks keys the form has; a
    plain ``==`` called it changed and dropped its result: a sent entry shown unsent, for the
    next ctrl+s to send again.
    """

    def filled(entry: Entry) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if v not in ("", None)}

    return filled(a) == filled(b)


def field_of(path: str) -> str:
    """The top-level field an error path names: "Resources[0]" -> "Resources", "a.b" -> "a"."""
    return path.split(".", 1)[0].split("[", 1)[0]


UNDO_DEPTH = 20  # deleted entries kept for ``u``


class Batch:
    """Entries with one result slot each (None: not sent), the selected index and send state."""

    def __init__(self, new_entry: Callable[[], Entry], max_entries: int) -> None:
        self.new_entry = new_entry
        self.max_entries = max_entries
        self.header: Entry = {}
        self.entries: list[Entry] = [new_entry()]
        self.results: list[Result | None] = [None]
        self.selected = 0
        # The entries of the send in flight, each with a copy of what was sent. Entries are told
        # by identity, not index: entries added, deleted or put back while a send is in flight
        # move the others, and a result written by index landed on the wrong entry (a sent one
        # shown unsent and sent again by the next ctrl+s).
        self._in_flight: list[tuple[Entry, Entry]] = []
        # Entries deleted with ``x``: (where it stood, the entry, its result), newest last, at most
        # UNDO_DEPTH. ``u`` puts the newest back: a deletion is one key, so is its undoing.
        self.deleted: list[tuple[int, Entry, Result | None]] = []
        self.errors: list[FieldError] = []  # the last validation of the whole batch
        # "X is required" under a field nobody has typed in yet is noise; it shows once the field
        # was edited or a send was tried. Every other error shows as soon as it exists.
        self.touched: set[tuple[int | None, str]] = set()
        self.send_attempted = False

    # -- replacing and editing -------------------------------------------------------------
    def replace(
        self, header: Entry, entries: list[Entry], results: list[Result | None] | None = None
    ) -> None:
        """Take a whole batch (a draft, a file, the raw JSON, history); results pad with None."""
        self.header = dict(header)
        # An entry of the send in flight passed back as itself stays itself: its result finds it.
        flying = {id(e) for e, _ in self._in_flight}
        self.entries = [e if id(e) in flying else dict(e) for e in entries] or [self.new_entry()]
        given = list(results or [])
        self.results = [given[i] if i < len(given) else None for i in range(len(self.entries))]
        self.selected = min(self.selected, len(self.entries) - 1)

    def _rearranged(self, entries: list[Entry], results: list[Result | None], at: int) -> None:
        self.entries, self.results = entries, results
        self.selected = max(0, min(at, len(entries) - 1))

    def select(self, index: int) -> bool:
        """Select entry ``index``; False when there is no such entry or it is already selected."""
        if index == self.selected or not 0 <= index < len(self.entries):
            return False
        self.selected = index
        return True

    @property
    def full(self) -> bool:
        return len(self.entries) >= self.max_entries

    def add(self, entry: Entry | None = None) -> None:
        """Insert ``entry`` (default: a new one) after the selected entry and select it."""
        at = self.selected + 1
        self._rearranged(
            [
                *self.entries[:at],
                entry if entry is not None else self.new_entry(),
                *self.entries[at:],
            ],
            [*self.results[:at], None, *self.results[at:]],
            at,
        )

    def duplicate(self) -> None:
        """Copy the selected entry (without its result or generated eventId) after it."""
        self.add({k: v for k, v in self.entries[self.selected].items() if k != "eventId"})

    @property
    def sending(self) -> set[int]:
        """The indexes, as the batch stands now, of the entries the send in flight carries."""
        return {i for e, _ in self._in_flight if (i := self._index_of(e)) is not None}

    def _index_of(self, entry: Entry) -> int | None:
        """Where ``entry`` itself (not an equal one) stands now; None: not in the batch."""
        return next((i for i, e in enumerate(self.entries) if e is entry), None)

    def delete(self) -> bool:
        """Delete the selected entry (the last one is emptied instead); True when it held
        something (typed or sent) and ``undelete`` can put it back."""
        at = self.selected
        kept = self._holds_something(at)
        if kept:
            self.deleted.append((at, self.entries[at], self.results[at]))
            del self.deleted[:-UNDO_DEPTH]
        if len(self.entries) == 1:
            self._rearranged([self.new_entry()], [None], 0)
        else:
            self._rearranged(
                self.entries[:at] + self.entries[at + 1 :],
                self.results[:at] + self.results[at + 1 :],
                at,
            )
        return kept

    def undelete(self) -> int | None:
        """Put the newest deleted entry back where it stood and select it; its index, or None
        when nothing was deleted or the batch is full (the entry stays deleted then)."""
        if not self.deleted:
            return None
        lone_blank = len(self.entries) == 1 and not self._holds_something(0)
        if self.full and not lone_blank:
            return None
        at, entry, result = self.deleted.pop()
        if lone_blank:  # the last entry was emptied by its deletion: it comes back in its place
            self._rearranged([entry], [result], 0)
            return 0
        at = min(at, len(self.entries))
        self._rearranged(
            [*self.entries[:at], entry, *self.entries[at:]],
            [*self.results[:at], result, *self.results[at:]],
            at,
        )
        return at

    def _holds_something(self, index: int) -> bool:
        """True when entry ``index`` was typed in or has a result (not a fresh, blank entry)."""
        return self.results[index] is not None or self._typed(self.entries[index])

    def _typed(self, entry: Entry) -> bool:
        """True when ``entry`` differs from a new one other than in its clock fields."""
        blank = {k: v for k, v in self.new_entry().items() if k not in CLOCK_FIELDS}
        return {k: v for k, v in entry.items() if k not in CLOCK_FIELDS} != blank

    def move(self, delta: int) -> bool:
        """Move the selected entry by ``delta``; False (nothing moved) at an end. Entries sending
        move too: their results find them wherever they stand."""
        at, to = self.selected, self.selected + delta
        if not 0 <= to < len(self.entries):
            return False
        entries, results = list(self.entries), list(self.results)
        entries[at], entries[to] = entries[to], entries[at]
        results[at], results[to] = results[to], results[at]
        self._rearranged(entries, results, to)
        return True

    def edit(self, index: int | None, field: str, value: Any) -> bool:
        """Set a field of entry ``index`` (None: the header); True when a sent result was dropped.

        A sent (or unconfirmed) entry that is edited is a new entry now, unless it is sending.
        """
        self.touched.add((index, field))
        if index is None:
            self.header[field] = value
            return False
        self.entries[index][field] = value
        result = self.results[index]
        if (result_ok(result) or result_unconfirmed(result)) and index not in self.sending:
            self.results[index] = None
            return True
        return False

    def start_new(self) -> None:
        """An empty batch with the same header; errors show only after typing again."""
        self.selected = 0
        self.touched.clear()
        self.send_attempted = False
        self.replace(self.header, [self.new_entry()])

    # -- sending ---------------------------------------------------------------------------
    def unsent(self) -> list[int]:
        """Entries neither sent nor unconfirmed: what ctrl+s sends."""
        return [
            i for i, r in enumerate(self.results) if not result_ok(r) and not result_unconfirmed(r)
        ]

    def unconfirmed(self) -> list[int]:
        return [i for i, r in enumerate(self.results) if result_unconfirmed(r)]

    def failed(self) -> list[int]:
        return [i for i, r in enumerate(self.results) if result_failed(r)]

    def to_resend(self) -> list[int]:
        """Failed and unconfirmed entries, in order: what ctrl+r re-sends."""
        return [i for i, r in enumerate(self.results) if result_failed(r) or result_unconfirmed(r)]

    def begin_send(self, indexes: list[int]) -> None:
        self.send_attempted = True
        self._in_flight = [
            (self.entries[i], json.loads(json.dumps(self.entries[i]))) for i in indexes
        ]

    def finish_send(self, results: list[Result] | None = None) -> tuple[list[int], int]:
        """The send came back: record its results, one per entry sent, in the order sent (None:
        nothing was sent). Each lands on its entry wherever that stands now.

        An entry edited while it was sending is not what AWS got: a success (or an unconfirmed
        send) is dropped there, so the edit shows as new and the next ctrl+s sends it; a failure
        stays (ctrl+r re-sends the edit). An entry no longer in the batch (the batch was
        replaced) takes no result; the journal has it.
        Returns the indexes the results landed on, and how many entries were edited meanwhile.
        """
        in_flight, self._in_flight = self._in_flight, []
        landed: list[int] = []
        edited = 0
        for (entry, sent), result in zip(in_flight, results or [], strict=False):
            index = self._index_of(entry)
            if index is None:
                continue
            landed.append(index)
            if not same_entry(entry, sent) and not result_failed(result):
                edited += 1
                self.results[index] = None
            else:
                self.results[index] = result
        return landed, edited

    def dirty(self) -> bool:
        """True when the batch holds something typed and not yet sent."""
        return any(
            not result_ok(self.results[i]) and self._typed(e) for i, e in enumerate(self.entries)
        )

    # -- the draft on disk -----------------------------------------------------------------
    def draft(self) -> dict[str, Any]:
        """The batch as the outbox keeps it (a deep copy in JSON types)."""
        return json.loads(json.dumps({
            "header": self.header, "entries": self.entries, "results": self.results,
            "selected": self.selected,
        }))  # fmt: skip

    def restore(self, draft: dict[str, Any]) -> None:
        """Take a draft back (anything not an entry dropped, the selection kept in range)."""
        entries = [e for e in draft.get("entries") or [] if isinstance(e, dict)]
        results = draft.get("results") or []
        try:
            self.selected = int(draft.get("selected") or 0) if entries else 0
        except (TypeError, ValueError):
            self.selected = 0
        self.replace(draft.get("header") or {}, entries, results)

    # -- what shows ------------------------------------------------------------------------
    def entry_errors(self, index: int | None) -> dict[str, str]:
        """Every error of entry ``index`` (None: the header and batch), by top-level field."""
        found: dict[str, str] = {}
        for error in self.errors:
            if error.entry == index:
                name = field_of(error.field)
                found[name] = f"{found[name]}; {error.message}" if name in found else error.message
        return found

    def field_errors(self, index: int | None) -> dict[str, str]:
        """The errors to show at the fields of entry ``index``: those typed in, or after a send."""
        values = self.header if index is None else self.entries[index]
        return {
            name: message
            for name, message in self.entry_errors(index).items()
            if self.send_attempted
            or (index, name) in self.touched
            or str(values.get(name) or "").strip()
        }

    def row_state(self, index: int) -> tuple[str, str]:
        """The list's state of entry ``index`` and its result line ("failed", "Code: message")."""
        result = self.results[index]
        if index in self.sending:
            return "sending", "sending…"
        if result_failed(result):
            assert result is not None
            return "failed", f"{result.get('ErrorCode')}: {result.get('ErrorMessage') or ''}"
        if result_unconfirmed(result):
            return "unconfirmed", "unconfirmed"
        if result_ok(result):
            assert result is not None
            return "sent", f"{result['EventId']}"
        return ("invalid", "") if self.entry_errors(index) else ("new", "")

    def status(self, noun: str, header_fields: set[str]) -> tuple[str, bool]:
        """The status line under the batch and whether it is an error."""
        batch = [
            e.message
            for e in self.errors
            if e.entry is None and field_of(e.field) not in header_fields
        ]
        invalid = sum(1 for i in range(len(self.entries)) if self.entry_errors(i))
        unsent = len(self.unsent())
        unconfirmed = len(self.unconfirmed())
        if batch:
            return "; ".join(batch), True
        if invalid:
            verb = "needs" if invalid == 1 else "need"
            return f"{count(invalid, noun)} {verb} fixing before ctrl+s can send", True
        if unsent:
            return f"Ready: ctrl+s sends {count(unsent, noun)}", False
        if unconfirmed:
            return (
                f"{count(unconfirmed, noun)} unconfirmed (sent, no answer came back); "
                "ctrl+r re-sends them after asking",
                True,
            )
        return f"Every {noun} of this batch was sent; N starts a new batch", False
