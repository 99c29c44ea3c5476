"""The compose pane's batch model, without a Pilot: edits, sends, drafts and what shows."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tui.services.validation import FieldError
from tui.ui.panes.compose.batch import Batch, result_failed, result_ok, result_unconfirmed

SENT = {"EventId": "e-1"}
FAILED = {"ErrorCode": "Throttled", "ErrorMessage": "slow down"}
UNCONFIRMED = {"Unconfirmed": True, "ErrorMessage": "no answer"}


def new_entry() -> dict[str, Any]:
    return {"Source": "", "DetailType": "", "Time": "now"}


def batch_of(*names: str, max_entries: int = 20) -> Batch:
    batch = Batch(new_entry, max_entries)
    batch.replace({}, [{"Source": "s", "DetailType": n, "Time": "now"} for n in names])
    return batch


def test_results_are_told_apart() -> None:
    assert result_ok(SENT) and not result_failed(SENT) and not result_unconfirmed(SENT)
    assert result_failed(FAILED) and not result_ok(FAILED)
    assert result_unconfirmed(UNCONFIRMED) and not result_ok(UNCONFIRMED)
    assert not result_ok(None) and not result_failed(None) and not result_unconfirmed(None)


def test_unsent_resend_and_unconfirmed_indexes() -> None:
    batch = batch_of("a", "b", "c", "d")
    batch.results = [SENT, FAILED, UNCONFIRMED, None]
    assert batch.unsent() == [1, 3]
    assert batch.failed() == [1]
    assert batch.unconfirmed() == [2]
    assert batch.to_resend() == [1, 2]


def test_editing_a_sent_entry_makes_it_new_unless_it_is_sending() -> None:
    batch = batch_of("a", "b")
    batch.results = [dict(SENT), dict(SENT)]
    assert batch.edit(0, "DetailType", "changed") is True
    assert batch.results[0] is None
    batch.begin_send([1])  # a re-send of entry 1 in flight
    assert batch.edit(1, "DetailType", "changed") is False
    assert batch.results[1] == SENT
    assert batch.edit(None, "trackingId", "t") is False
    assert batch.header == {"trackingId": "t"}


def test_add_duplicate_delete_and_move_keep_results_beside_their_entries() -> None:
    batch = batch_of("a", "b")
    batch.results = [SENT, None]
    batch.add()
    assert batch.selected == 1 and len(batch.entries) == 3 and batch.results == [SENT, None, None]
    batch.select(0)
    batch.entries[0]["eventId"] = "kept-out"
    batch.duplicate()
    assert batch.selected == 1 and "eventId" not in batch.entries[1]
    assert batch.results[:2] == [SENT, None]
    batch.select(0)
    assert batch.move(1) is True
    assert batch.selected == 1 and batch.results[1] == SENT
    assert batch.move(5) is False
    batch.delete()
    assert len(batch.entries) == 3 and SENT not in batch.results
    batch.begin_send([0])
    flying = batch.entries[0]
    batch.select(1)
    assert batch.move(-1) is True  # entries move while a send is in flight
    assert batch.sending == {1} and batch.entries[1] is flying
    assert batch.finish_send([SENT]) == ([1], 0) and batch.results[1] == SENT  # it follows


def test_deleting_the_last_entry_empties_it_and_full_counts_the_limit() -> None:
    batch = batch_of("only", max_entries=2)
    batch.delete()
    assert batch.entries == [new_entry()] and batch.results == [None]
    batch.add()
    assert batch.full


def test_a_send_records_one_result_per_index_and_a_refused_one_records_none() -> None:
    batch = batch_of("a", "b", "c")
    batch.begin_send([0, 2])
    assert batch.sending == {0, 2} and batch.send_attempted
    assert batch.row_state(0) == ("sending", "sending…")
    assert batch.finish_send([SENT, FAILED]) == ([0, 2], 0)
    assert batch.results == [SENT, None, FAILED] and not batch.sending
    assert batch.row_state(2) == ("failed", "Throttled: slow down")
    batch.begin_send([1])
    assert batch.finish_send() == ([], 0)
    assert batch.results[1] is None and not batch.sending


def test_results_land_on_their_entries_when_entries_are_added_or_deleted_meanwhile() -> None:
    """A send of b and c is in flight; the user adds an entry before them and deletes a. Each
    result lands on the entry it belongs to, not on whatever stands at the old index (which
    showed a sent entry unsent, for the next ctrl+s to send again, and a blank one sent)."""
    batch = batch_of("a", "b", "c")
    batch.begin_send([1, 2])
    batch.select(0)
    batch.add()  # a new entry at 1: b and c move to 2 and 3
    assert batch.sending == {2, 3}
    landed, edited = batch.finish_send([SENT, FAILED])
    assert (landed, edited) == ([2, 3], 0)
    assert [e["DetailType"] for e in batch.entries] == ["a", "", "b", "c"]
    assert batch.results == [None, None, SENT, FAILED]
    assert batch.unsent() == [0, 1, 3]  # b is not sent again
    # Deleting before the entries in flight moves them the other way.
    batch.begin_send([3])
    batch.select(0)
    batch.delete()
    assert batch.sending == {2}
    assert batch.finish_send([SENT]) == ([2], 0)
    assert batch.results == [None, SENT, SENT]


def test_an_entry_edited_while_sending_is_new_when_its_result_comes() -> None:
    """AWS got what was sent, not the edit: a success there leaves the edit unsent; a failure
    stays (ctrl+r re-sends the edit)."""
    batch = batch_of("a", "b")
    batch.begin_send([0, 1])
    batch.edit(0, "DetailType", "a, changed")
    batch.edit(1, "DetailType", "b, changed")
    landed, edited = batch.finish_send([SENT, FAILED])
    assert landed == [0, 1] and edited == 1
    assert batch.results == [None, FAILED]


def test_an_unchanged_entry_passed_back_keeps_its_send_and_a_replaced_one_takes_none() -> None:
    batch = batch_of("a", "b")
    batch.begin_send([0, 1])
    a, b = batch.entries
    batch.replace({}, [a, {**b, "DetailType": "b2"}])  # the raw JSON taken back, b changed there
    assert batch.sending == {0}
    assert batch.finish_send([SENT, SENT]) == ([0], 0)
    assert batch.results == [SENT, None]


def test_deleted_entries_come_back_where_they_stood_newest_first() -> None:
    batch = batch_of("a", "b", "c")
    batch.results = [None, dict(SENT), None]
    batch.select(1)
    assert batch.delete() is True
    batch.select(0)
    assert batch.delete() is True
    assert [e["DetailType"] for e in batch.entries] == ["c"]
    assert batch.undelete() == 0
    assert [e["DetailType"] for e in batch.entries] == ["a", "c"]
    assert batch.undelete() == 1 and batch.selected == 1
    assert [e["DetailType"] for e in batch.entries] == ["a", "b", "c"]
    assert batch.results == [None, SENT, None]  # its result came back with it
    assert batch.undelete() is None


def test_a_blank_entry_is_not_kept_and_the_last_entry_comes_back_in_its_place() -> None:
    batch = batch_of("only", max_entries=2)
    batch.add()
    assert batch.delete() is False  # the new, blank entry: nothing to put back
    assert batch.deleted == []
    assert batch.delete() is True  # the last entry is emptied, and kept
    assert batch.entries == [new_entry()]
    assert batch.undelete() == 0
    assert [e["DetailType"] for e in batch.entries] == ["only"]


def test_a_full_batch_takes_no_deleted_entry_back_until_there_is_room() -> None:
    batch = batch_of("a", "b", max_entries=2)
    batch.delete()
    batch.add()
    assert batch.full and batch.undelete() is None
    assert len(batch.deleted) == 1  # still kept
    batch.delete()  # the blank one
    assert batch.undelete() is not None and batch.deleted == []


def test_the_draft_round_trips_through_json() -> None:
    batch = batch_of("a", "b")
    batch.header = {"trackingId": "t"}
    batch.results = [SENT, None]
    batch.selected = 1
    draft = batch.draft()
    again = Batch(new_entry, 20)
    again.restore(draft)
    assert again.draft() == draft
    assert (again.header, again.entries, again.results, again.selected) == (
        batch.header, batch.entries, batch.results, 1,
    )  # fmt: skip


def test_a_damaged_draft_keeps_what_it_can() -> None:
    batch = Batch(new_entry, 20)
    batch.restore({"entries": [{"Source": "x"}, "junk"], "results": [SENT, None, FAILED],
                   "selected": 7})  # fmt: skip
    assert batch.entries == [{"Source": "x"}] and batch.results == [SENT] and batch.selected == 0
    batch.restore({"selected": "not a number"})
    assert batch.entries == [new_entry()] and batch.selected == 0


def test_dirty_ignores_clock_fields_and_sent_entries() -> None:
    batch = Batch(new_entry, 20)
    assert not batch.dirty()
    batch.edit(0, "Time", "-5m")
    assert not batch.dirty()
    batch.edit(0, "DetailType", "typed")
    assert batch.dirty()
    batch.results = [SENT]
    assert not batch.dirty()


def test_required_errors_show_once_touched_or_after_a_send_was_tried() -> None:
    batch = batch_of("")
    batch.entries[0]["Source"] = ""
    batch.errors = [
        FieldError(0, "Source", "Source is required"),
        FieldError(0, "Resources[0]", "not an ARN"),
        FieldError(0, "Resources[1]", "too long"),
    ]
    assert batch.entry_errors(0) == {
        "Source": "Source is required",
        "Resources": "not an ARN; too long",
    }
    assert batch.field_errors(0) == {}  # nothing typed, no send tried yet
    batch.edit(0, "Source", "")
    assert "Source" in batch.field_errors(0)
    batch.send_attempted = True
    assert set(batch.field_errors(0)) == {"Source", "Resources"}
    assert batch.row_state(0) == ("invalid", "")


def test_status_says_what_ctrl_s_would_do() -> None:
    batch = batch_of("a", "b")
    assert batch.status("entry", set()) == ("Ready: ctrl+s sends 2 entries", False)
    batch.errors = [FieldError(1, "Source", "bad")]
    assert batch.status("entry", set()) == ("1 entry needs fixing before ctrl+s can send", True)
    batch.errors = [FieldError(None, "Entries", "too big"), FieldError(None, "trackingId", "x")]
    assert batch.status("entry", {"trackingId"}) == ("too big", True)
    batch.errors = []
    batch.results = [SENT, UNCONFIRMED]
    text, error = batch.status("event", set())
    assert error and text.startswith("1 event unconfirmed")
    batch.results = [SENT, SENT]
    assert batch.status("event", set())[0].startswith("Every event of this batch was sent")


def test_new_batch_keeps_the_header_and_forgets_touched_fields() -> None:
    batch = batch_of("a", "b")
    batch.header = {"trackingId": "t"}
    batch.edit(1, "Source", "x")
    batch.send_attempted = True
    batch.start_new()
    assert batch.header == {"trackingId": "t"} and batch.entries == [new_entry()]
    assert batch.selected == 0 and not batch.touched and not batch.send_attempted


def test_the_batch_model_imports_no_textual_or_rich() -> None:
    code = (
        "import sys, tui.ui.panes.compose.batch\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
