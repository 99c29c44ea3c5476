"""Pane 1, IVS Real-Time: stages → sessions → participants → participant events.

Built for "why did this participant drop?": error events stand out with their code explained in
one line, and a pasted stage ARN, session id or participant id jumps straight to its level.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from tui.services import console_urls
from tui.services import ivs_realtime as ivs
from tui.services.cli_command import cli_command
from tui.services.paging import Page
from tui.services.scope import Found
from tui.services.triage_scans import SessionError
from tui.ui.format import fmt_bool, fmt_tags, key_time
from tui.ui.panes import ivs_errors
from tui.ui.panes.browse import BrowsePane
from tui.ui.panes.item_store import ItemCodec
from tui.ui.panes.level import Level
from tui.ui.panes.scoped import (
    SCOPE_BINDING,
    SIGN_IN_BINDING,
    cli_of,
    every_page,
    factory_of,
    pick_scope,
    scoped_level,
    sign_in,
    target_ids,
    where_of,
)
from tui.ui.widgets.virtual_table import Column, Row

if TYPE_CHECKING:  # a hand-over bundle's module loads when one is written
    from tui.services.bundle import BundleView


class IvsPane(BrowsePane):
    """Drill down from stages to one participant's events."""

    BINDINGS = [
        Binding("E", "session_errors", "Errors in session", id="ivs.session_errors"),
        Binding("V", "session_timeline", "Session timeline", id="ivs.session_timeline"),
        SCOPE_BINDING,
        SIGN_IN_BINDING,
    ]

    _seek: tuple[Level, float] | None = None  # the timeline's jump, until its event is loaded
    _seek_checked: int = 0  # items of the seek's level already looked at

    PANE_ID = "ivs"
    KEY = "1"
    TITLE = "IVS Real-Time"
    SHORT_TITLE = "IVS"

    @property
    def page_size(self) -> int:
        return self.ctx.settings.pages.ivs

    def _cli(self, operation: str, factory: Any = None, **params: object) -> str:
        return cli_command(where_of(self, factory), "ivs-realtime", operation, params)

    # -- levels ----------------------------------------------------------------------------
    def action_scope_sign_in(self) -> None:
        """L: sign in the scoped error row's profile (else the profile in use)."""
        sign_in(self)

    def action_pick_scope(self) -> None:
        """S: list stages across several profiles and regions."""
        pick_scope(self, "ivs-realtime", "IVS Real-Time")

    def root_level(self) -> Level:
        """Stages of the profile and region in use, or across the scope (S) in one table."""
        return scoped_level(
            self,
            self.stages_level(),
            "ivs-realtime",
            every_page(ivs.list_stages, max_results=self.page_size),
            lambda stage, factory, target: self.sessions_level(stage.arn, stage.name, factory),
            cli=cli_of("ivs-realtime", "list-stages"),
        )

    def stages_level(self) -> Level:
        factory = self.ctx.factory
        return Level(
            crumb="Stages",
            columns=[
                Column("name", "Name", ratio=2, min_width=12),
                Column("id", "Stage id", width=14),
                Column("active", "Active session", width=16),
                Column("tags", "Tags", ratio=2, min_width=6),
            ],
            fetch=lambda token: ivs.list_stages(factory, token, self.page_size),
            to_row=lambda s: Row(
                s.arn,
                (s.name, s.arn.rsplit("/", 1)[-1], s.active_session_id or "", fmt_tags(s.tags)),
                "" if s.active_session_id else "muted",
                s.raw,
            ),
            open_item=lambda s: self.sessions_level(s.arn, s.name),
            describe=lambda s: s.arn,
            cli_command=lambda item: self._cli("list-stages"),
            empty_text="No stages in this region.",
            table_id="ivs.stages",
        )

    def sessions_level(
        self, stage_arn: str, stage_name: str | None = None, factory: Any = None
    ) -> Level:
        factory = factory or self.ctx.factory

        def fetch(token: str | None) -> Page[Any]:
            page = ivs.list_stage_sessions(factory, stage_arn, token, self.page_size)
            return Page(ivs.newest_first(list(page.items)), page.next_token)

        def row(s: ivs.StageSession) -> Row:
            ongoing = s.is_active
            duration = s.duration()
            return Row(
                s.session_id,
                (
                    s.session_id,
                    self.fmt_time(s.start_time),
                    "ongoing" if ongoing else self.fmt_time(s.end_time),
                    ivs.format_duration(duration),
                ),
                "warning" if ongoing else "",
                s.raw,
            )

        return Level(
            crumb=f"stage {stage_name or stage_arn.rsplit('/', 1)[-1]}",
            columns=[
                Column("session", "Session", width=16),
                Column("start", "Start (UTC)", width=19),
                Column("end", "End (UTC)", width=19),
                Column("duration", "Duration", ratio=1, min_width=8),
            ],
            fetch=fetch,
            to_row=row,
            open_item=lambda s: self.participants_level(stage_arn, s.session_id, factory),
            cli_command=lambda item: self._cli(
                "list-stage-sessions", factory, **{"stage-arn": stage_arn}
            ),
            empty_text="This stage has no sessions.",
            table_id="ivs.sessions",
            ids={"stage_arn": stage_arn, **target_ids(self, factory)},
        )

    def participants_level(self, stage_arn: str, session_id: str, factory: Any = None) -> Level:
        factory = factory or self.ctx.factory
        return Level(
            crumb=f"session {session_id}",
            columns=[
                Column("participant", "Participant", width=14),
                Column("state", "State", width=12),
                Column("published", "Pub", width=4),
                Column("user", "User id", ratio=2, min_width=8),
                Column("joined", "First join (UTC)", width=19),
                Column("recording", "Recording", ratio=1, min_width=6),
            ],
            fetch=partial(self._participants, factory, stage_arn, session_id),
            to_row=lambda p: Row(
                p.participant_id,
                (
                    p.participant_id,
                    p.state,
                    fmt_bool(p.published),
                    p.user_id,
                    self.fmt_time(p.first_join_time),
                    p.recording_state or "",
                ),
                "" if p.state == "CONNECTED" else "muted",
                p.raw,
            ),
            open_item=lambda p: self.events_level(stage_arn, session_id, p.participant_id, factory),
            cli_command=lambda item: self._cli(
                "list-participants", factory, **{"stage-arn": stage_arn, "session-id": session_id}
            ),
            empty_text="No participants in this session.",
            table_id="ivs.participants",
            ids={"stage_arn": stage_arn, "session_id": session_id, **target_ids(self, factory)},
        )

    def _participants(
        self, factory: Any, stage_arn: str, session_id: str, token: str | None
    ) -> Page[Any]:
        return ivs.list_participants(factory, stage_arn, session_id, token, self.page_size)

    def events_level(
        self, stage_arn: str, session_id: str, participant_id: str, factory: Any = None
    ) -> Level:
        factory = factory or self.ctx.factory
        fetch = partial(self._events, factory, stage_arn, session_id, participant_id)

        def newer(loaded: list[Any]) -> Any:
            """ListParticipantEvents is newest first: follow reads from its first page down."""
            return partial(self._events, factory, stage_arn, session_id, participant_id, fresh=True)

        def row(e: ivs.ParticipantEvent) -> Row:
            error = ivs.is_error_event(e)
            target = e.remote_participant_id or e.destination_session_id or ""
            return Row(
                f"{e.participant_id}@{key_time(e.event_time)}:{e.name}:{target}",
                (
                    self.fmt_time(e.event_time),
                    e.name + (" (replica)" if e.replica else ""),
                    target,
                    e.error_line,
                ),
                "error" if error else "",
                # No payload: the level's codec keeps the JSON (``Level.raw_for`` gives it).
            )

        return Level(
            crumb=f"participant {participant_id}",
            columns=[
                Column("time", "Time (UTC)", width=19),
                Column("event", "Event", width=20),
                Column("remote", "Remote/dest.", width=14),
                Column("error", "Error code: meaning", ratio=1, min_width=12),
            ],
            fetch=fetch,
            ready=partial(self._events_ready, factory, stage_arn, session_id, participant_id),
            to_row=row,
            codec=ItemCodec(lambda e: e.wire, ivs.ParticipantEvent.from_raw),
            inspect_title=lambda e: f"{e.name} · participant {participant_id}",
            cli_command=lambda item: self._cli(
                "list-participant-events",
                factory,
                **{
                    "stage-arn": stage_arn,
                    "session-id": session_id,
                    "participant-id": participant_id,
                },
            ),
            newer=newer,
            table_id="ivs.events",
            describe=lambda e: f"{e.name} {e.error_line}" if e.error_code else None,
            empty_text="No events for this participant.",
            ids={
                "stage_arn": stage_arn,
                "session_id": session_id,
                "participant_id": participant_id,
                **target_ids(self, factory),
            },
        )

    def _prefetch_key(
        self, factory: Any, stage_arn: str, session_id: str, participant_id: str
    ) -> Hashable | None:
        """The prefetch slot the launch's first page of these events waits in (None: not ours)."""
        if factory is not self.ctx.factory:
            return None
        return ivs.events_page_key(stage_arn, session_id, participant_id, self.page_size)

    def _events_ready(
        self, factory: Any, stage_arn: str, session_id: str, participant_id: str
    ) -> Page[Any] | None:
        """The launch's prefetched first page if it is already in (never waits, never calls)."""
        key = self._prefetch_key(factory, stage_arn, session_id, participant_id)
        page: Page[Any] | None = None if key is None else self.ctx.prefetch.take_ready(key)
        return page

    def _events(
        self,
        factory: Any,
        stage_arn: str,
        session_id: str,
        participant_id: str,
        token: str | None,
        *,
        fresh: bool = False,
    ) -> Page[Any]:
        key = self._prefetch_key(factory, stage_arn, session_id, participant_id)
        if token is None and not fresh and key is not None:
            page = self.ctx.prefetch.take(key)
            if page is not None:
                return page  # type: ignore[no-any-return]
        return ivs.list_participant_events(
            factory, stage_arn, session_id, participant_id, token, self.page_size
        )

    def action_session_errors(self) -> None:
        """Scan the open session's participants for error events (E: tui/ui/panes/ivs_errors.py)."""
        ivs_errors.open_session_errors(self)

    def action_session_timeline(self) -> None:
        """Every participant of the open session on one time axis (V at the session's levels)."""
        from tui.ui.screens.timeline import OpenAt, TimelineScreen

        ids = self._current_ids()
        if "session_id" not in ids:
            self.app.notify("Open a session first: V shows its timeline.", markup=False)
            return
        stage_arn, session_id = ids["stage_arn"], ids["session_id"]

        def chosen(choice: OpenAt | None) -> None:
            if choice is None:
                return
            if "target" in ids:  # under a scoped row: open its participant in place
                self.push_level(
                    self.events_level(
                        stage_arn, session_id, choice.participant_id, factory_of(self, ids)
                    )
                )
            else:
                self.set_levels(self.stack_for(stage_arn, session_id, choice.participant_id))
            if self.level is not None:
                self._seek = (self.level, choice.until)
                self._seek_checked = 0

        screen = TimelineScreen(factory_of(self, ids), self.ctx.pool, stage_arn, session_id)
        self.app.push_screen(screen, chosen)

    def page_shown(self, level: Level) -> None:
        """After a page: finish a jump from the timeline to the event at its time."""
        seek = self._seek
        if seek is None or seek[0] is not level:
            return
        until = seek[1]
        items = level.items
        # Newest first: the first one before the moment. Only this page's items are new (the
        # earlier ones were looked at already), so each page revives only its own items.
        for index in range(self._seek_checked, len(items)):
            item = items[index]
            at = item.event_time.timestamp() if item.event_time is not None else None
            if at is not None and at < until:
                self._seek = None
                self.table.move_to(index)
                return
        self._seek_checked = len(items)
        if level.done:
            self._seek = None
            self.table.move_to(len(level.items) - 1)
        else:
            self.load_more()

    # -- hand-over bundle ------------------------------------------------------------------
    def bundle_view(self, level: Level) -> tuple[BundleView, dict[str, Any]] | None:
        """Stages, sessions, participants or events as a bundle view (not the errors scan)."""
        from tui.services.bundle import BundleView

        if level.items and isinstance(level.items[0], SessionError | Found):
            return None  # a scan across parents or a scope: no one query to replay
        ids = level.ids
        names = (("stage_arn", "stage-arn"), ("session_id", "session-id"))
        params = {cli: ids[key] for key, cli in names if ids.get(key)}
        if ids.get("participant_id"):
            params["participant-id"] = ids["participant_id"]
        operation = ("list-stages", "list-stage-sessions", "list-participants")
        name = operation[len(params)] if len(params) < 3 else "list-participant-events"
        parents = {
            "stage": self.parent_raw(0, ids.get("stage_arn")),
            "session": self.parent_raw(1, ids.get("session_id")),
            "participant": self.parent_raw(2, ids.get("participant_id")),
        }
        view = BundleView(self.PANE_ID, f"ivs-realtime {name}", params)
        return view, {k: v for k, v in parents.items() if v}

    # -- launch and jump -------------------------------------------------------------------
    def stack_for(
        self, stage_arn: str, session_id: str | None = None, participant_id: str | None = None
    ) -> list[Level]:
        """The full drill-down stack down to the deepest id given (parents load when shown)."""
        levels = [self.root_level(), self.sessions_level(stage_arn)]
        if session_id:
            levels.append(self.participants_level(stage_arn, session_id))
            if participant_id:
                levels.append(self.events_level(stage_arn, session_id, participant_id))
        return levels

    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        self.activated = True
        stage_arn = params.get("stage-arn")
        if not stage_arn:
            self.set_levels([self.root_level()])
            return
        self.set_levels(
            self.stack_for(stage_arn, params.get("session-id"), params.get("participant-id"))
        )

    def jump_label(self) -> str:
        return "Stage ARN, session id (st-…) or participant id — or all three"

    def jump_placeholder(self) -> str:
        return "arn:aws:ivs:REGION:ACCOUNT:stage/ID st-… PARTICIPANT"

    def jump(self, text: str) -> None:
        target = ivs.resolve_jump(text)
        if target is None:
            self.app.notify(
                "Not a stage ARN, session id (st-…) or participant id.",
                severity="warning",
                markup=False,
            )
            return
        stage_arn, session_id = target.stage_arn, target.session_id
        # Fill what the text left out from where the user is now.
        current = self._current_ids()
        stage_arn = stage_arn or current.get("stage_arn")
        if target.level == "participant" and not session_id:
            session_id = current.get("session_id")
        if not stage_arn or (target.level == "participant" and not session_id):
            self.app.notify(
                "Open the stage (and session) first, or paste the stage ARN with the id.",
                severity="warning",
                markup=False,
            )
            return
        self.set_levels(self.stack_for(stage_arn, session_id, target.participant_id))

    def _current_ids(self) -> dict[str, str]:
        """The ids of the levels open now, deepest last."""
        ids: dict[str, str] = {}
        for level in self.levels:
            ids.update(level.ids)
        return ids

    def console_link(self, item: Any) -> console_urls.ConsoleLink | None:
        """The stage, session or participant page of the row, else of the deepest level open."""
        ids = self._current_ids()
        if isinstance(item, Found):  # a row of the scoped stages: its stage's ARN has its region
            item = item.item
        if isinstance(item, ivs.Stage):
            ids = {"stage_arn": item.arn}
        elif isinstance(item, ivs.StageSession):
            ids["session_id"] = item.session_id
        elif isinstance(item, ivs.Participant):
            ids["participant_id"] = item.participant_id
        elif isinstance(item, SessionError):
            ids["participant_id"] = item.participant.participant_id
        arn = ids.get("stage_arn")
        if not arn:
            return None
        parts = arn.split(":")
        region = parts[3] if len(parts) > 3 and parts[3] else self.console_region()
        if ids.get("session_id") and ids.get("participant_id"):
            return console_urls.ivs_participant(
                region, arn, ids["session_id"], ids["participant_id"]
            )
        if ids.get("session_id"):
            return console_urls.ivs_session(region, arn, ids["session_id"])
        return console_urls.ivs_stage(region, arn)
