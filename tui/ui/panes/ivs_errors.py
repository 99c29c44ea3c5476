"""IVS `E`: every error event of every participant of the open session, in one pooled scan.

Why a module of its own: the scan level (its columns, rows and the way into one participant's
events) is the IVS pane's one level that lists across parents; the pane calls it from its key.
"""

from __future__ import annotations

import threading
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from tui.services.paging import Page
from tui.services.triage_scans import session_errors
from tui.ui.format import key_time
from tui.ui.panes.level import Level
from tui.ui.panes.scoped import factory_of, target_ids
from tui.ui.widgets.virtual_table import Column, Row

if TYPE_CHECKING:
    from textual.app import App

    from tui.context import AppContext


class ErrorsPane(Protocol):
    """What the errors scan needs of the IVS pane (IvsPane has it; the import stays one-way)."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def ctx(self) -> AppContext: ...
    def fmt_time(self, value: datetime | None) -> str: ...
    def push_level(self, level: Level) -> None: ...
    def _current_ids(self) -> dict[str, str]: ...
    def _participants(
        self, factory: Any, stage_arn: str, session_id: str, token: str | None
    ) -> Page[Any]: ...
    def _events(
        self,
        factory: Any,
        stage_arn: str,
        session_id: str,
        participant_id: str,
        token: str | None,
    ) -> Page[Any]: ...
    def events_level(
        self, stage_arn: str, session_id: str, participant_id: str, factory: Any = None
    ) -> Level: ...


def errors_level(pane: ErrorsPane, stage_arn: str, session_id: str, factory: Any = None) -> Level:
    """Every error event of every participant of a session, found in one pooled scan."""
    factory = factory or pane.ctx.factory

    def scan(cancel: threading.Event) -> Page[Any]:
        found = session_errors(
            pane.ctx.pool,
            partial(pane._participants, factory, stage_arn, session_id),
            lambda participant_id: partial(
                pane._events, factory, stage_arn, session_id, participant_id
            ),
            cancel,
        )
        return Page(found, None)

    return Level(
        crumb=f"errors in {session_id}",
        columns=[
            Column("time", "Time (UTC)", width=19),
            Column("participant", "Participant", width=14),
            Column("user", "User id", ratio=1, min_width=8),
            Column("event", "Event", width=16),
            Column("error", "Error code: meaning", ratio=2, min_width=12),
        ],
        fetch=lambda token: scan(threading.Event()),
        scan=scan,
        to_row=lambda f: Row(
            f"{f.participant.participant_id}@{key_time(f.time)}:"
            + (f.event.name if f.event is not None else "scan-failed"),
            (
                pane.fmt_time(f.time),
                f.participant.participant_id,
                f.participant.user_id,
                f.event.name if f.event is not None else "scan failed",
                f.line,
            ),
            "error",
            f.raw,
        ),
        open_item=lambda f: pane.events_level(
            stage_arn, session_id, f.participant.participant_id, factory
        ),
        describe=lambda f: f.line or None,
        empty_text="No participant of this session hit an error.",
        table_id="ivs.errors",
        ids={"stage_arn": stage_arn, "session_id": session_id, **target_ids(pane, factory)},
    )


def open_session_errors(pane: ErrorsPane) -> None:
    """Scan the open session's participants for error events (E at the session's levels)."""
    ids = pane._current_ids()
    if "session_id" not in ids:
        pane.app.notify("Open a session first: E lists its participants' errors.", markup=False)
        return
    pane.push_level(errors_level(pane, ids["stage_arn"], ids["session_id"], factory_of(pane, ids)))
