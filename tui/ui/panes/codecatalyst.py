"""Pane 2, CodeCatalyst: spaces → event logs over a time range, optionally one event name.

Built for "who changed this space yesterday?": MUTATION and error rows stand out, `t` picks the
range (presets or RFC 3339), `E` narrows to one eventName, and payloads open decoded.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from tui.errors import EventdeckError
from tui.services import codecatalyst as cc
from tui.services import console_urls
from tui.services.cli_command import cli_command
from tui.services.paging import Page
from tui.services.scope import Found
from tui.ui.format import fmt_ago, fmt_time
from tui.ui.panes.browse import BrowsePane
from tui.ui.panes.item_store import ItemCodec
from tui.ui.panes.level import Level
from tui.ui.panes.scoped import (
    SCOPE_BINDING,
    SIGN_IN_BINDING,
    cli_of,
    every_page,
    pick_scope,
    scoped_level,
    sign_in,
    unwrap,
    where_of,
)
from tui.ui.widgets.virtual_table import Column, DensityBar, Row

if TYPE_CHECKING:  # a hand-over bundle's module loads when one is written
    from tui.services.bundle import BundleView

CUSTOM = "custom…"


class CodeCatalystPane(BrowsePane):
    """Spaces, then one space's event logs for the chosen range and event name."""

    PANE_ID = "codecatalyst"
    KEY = "2"
    TITLE = "CodeCatalyst"

    BINDINGS = [
        Binding("t", "pick_range", "Time range", id="codecatalyst.range"),
        Binding("E", "pick_event_name", "Event name", id="codecatalyst.event_name"),
        SCOPE_BINDING,
        SIGN_IN_BINDING,
    ]

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.preset: str | None = ctx.settings.codecatalyst.default_range
        self.start: datetime | None = None
        self.end: datetime | None = None
        self.event_name: str | None = None
        self.space: str | None = None
        self.space_factory: Any = None  # the open space's scope target's factory (None: in use)

    @property
    def page_size(self) -> int:
        return self.ctx.settings.pages.codecatalyst

    # -- levels ----------------------------------------------------------------------------
    def action_scope_sign_in(self) -> None:
        """L: sign in the scoped error row's profile (else the profile in use)."""
        sign_in(self)

    def action_pick_scope(self) -> None:
        """S: list spaces across several profiles (one global endpoint: regions do not matter)."""
        pick_scope(self, "codecatalyst", "CodeCatalyst (one global endpoint)")

    def root_level(self) -> Level:
        """Spaces visible to the token in use, or across the scope's profiles (S) in one table."""
        return scoped_level(
            self,
            self.spaces_level(),
            "codecatalyst",
            every_page(cc.list_spaces),
            lambda space, factory, target: self.logs_level(space.name, factory),
            cli=cli_of("codecatalyst", "list-spaces"),
        )

    def spaces_level(self) -> Level:
        factory = self.ctx.factory
        return Level(
            crumb="Spaces",
            columns=[
                Column("name", "Space", ratio=2, min_width=10),
                Column("display", "Display name", ratio=2, min_width=8),
                Column("region", "Region", width=12),
                Column("description", "Description", ratio=3, min_width=8),
            ],
            fetch=lambda token: cc.list_spaces(factory, token),
            to_row=lambda s: Row(
                s.name, (s.name, s.display_name, s.region_name, s.description), "", s.raw
            ),
            open_item=lambda s: self.logs_level(s.name),
            cli_command=lambda item: cli_command(
                self.ctx.resolved, "codecatalyst", "list-spaces", {}
            ),
            empty_text="No spaces visible to this token.",
            table_id="codecatalyst.spaces",
        )

    def current_range(self) -> tuple[datetime, datetime]:
        """The range as it stands now (a preset ends now; a custom range is fixed)."""
        if self.preset is not None:
            return cc.time_range(self.preset)
        assert self.start is not None and self.end is not None
        return self.start, self.end

    def range_label(self, relative: bool = False) -> str:
        """A preset's name, or a typed range in the shown time format (and relative to now)."""
        if self.preset is not None:
            return cc.PRESET_LABELS.get(self.preset, self.preset)
        mode = "utc" if self.time_mode == "relative" else self.time_mode
        zone = "UTC" if mode == "utc" else "local"
        start, end = fmt_time(self.start, mode), fmt_time(self.end, mode)
        if start[:10] == end[:10]:
            end = end[11:]
        label = f"{start} → {end} {zone}"
        if relative and self.start is not None and self.end is not None:
            label += f" ({fmt_ago(self.start)} → {fmt_ago(self.end)})"
        return label

    def logs_level(self, space: str, factory: Any = None) -> Level:
        self.space_factory = factory
        factory = factory or self.ctx.factory
        self.space = space
        start, end = self.current_range()
        event_name = self.event_name
        page_size = self.page_size

        def fetch(token: str | None) -> Page[Any]:
            return cc.list_event_logs(
                factory, space, start, end, token, page_size, event_name=event_name
            )

        def newer(loaded: list[Any]) -> Any:
            """ListEventLogs from the newest log shown until now, newest first."""
            times = [log.event_time for log in loaded if log.event_time is not None]
            since = max(times) if times else start
            return partial(
                cc.list_event_logs,
                factory,
                space,
                since,
                datetime.now(UTC),
                max_results=page_size,
                event_name=event_name,
            )

        crumb = f"{space} · {self.range_label()}" + (f" · {event_name}" if event_name else "")
        return Level(
            crumb=crumb,
            columns=[  # priority order: what triage reads first gets room first at 80 columns
                Column("time", "Time (UTC)", width=19),
                Column("event", "Event", ratio=3, min_width=20),
                Column("user", "User", ratio=2, min_width=12),
                Column("op", "Op", width=8),
                Column("project", "Project", ratio=1, min_width=8),
                Column("error", "Error", ratio=1, min_width=6),
                Column("ip", "Source IP", width=15),
            ],
            fetch=fetch,
            to_row=lambda log: Row(
                log.id,
                (
                    self.fmt_time(log.event_time),
                    log.event_name,
                    log.user_name,
                    log.operation_type,
                    log.project_name,
                    log.error_code or "",
                    log.source_ip,
                ),
                "error" if log.is_error else ("mutation" if log.is_mutation else ""),
                # No payload: the level's codec keeps the JSON (``Level.raw_for`` gives it).
            ),
            inspect=cc.decoded_item,
            inspect_title=lambda log: f"{log.event_name} · {space}",
            cli_command=lambda item: cli_command(
                where_of(self, factory),
                "codecatalyst",
                "list-event-logs",
                {
                    "space-name": space,
                    "start-time": start,
                    "end-time": end,
                    "event-name": event_name,
                },
            ),
            newer=newer,
            codec=ItemCodec(lambda log: log.wire, cc.EventLog.from_raw),
            table_id="codecatalyst.logs",
            empty_text=(
                f"No event logs in {self.range_label(relative=True)} for {event_name or 'any event'} "
                f"in {space} (t: range, E: event name)"
            ),
            ids={
                "space": space,
                "start_time": start.isoformat().replace("+00:00", "Z"),
                "end_time": end.isoformat().replace("+00:00", "Z"),
                **({"event_name": event_name} if event_name else {}),
            },
        )

    def reopen_logs(self) -> None:
        """Run the event-log query again with the current range and event name."""
        if self.space is None:
            return
        if len(self.levels) >= 2:
            self.set_levels([*self.levels[:-1], self.logs_level(self.space, self.space_factory)])
        else:
            self.set_levels([self.root_level(), self.logs_level(self.space)])

    # -- range and event name --------------------------------------------------------------
    def action_pick_range(self) -> None:
        from tui.ui.screens.choice import ChoiceScreen

        labels = [cc.PRESET_LABELS[p] for p in cc.PRESETS] + [CUSTOM]
        current = cc.PRESET_LABELS.get(self.preset or "", CUSTOM)

        def chosen(label: str | None) -> None:
            if label is None:
                return
            if label == CUSTOM:
                self._ask_custom_range()
                return
            self.preset = next(p for p, text in cc.PRESET_LABELS.items() if text == label)
            self.start = self.end = None
            self.reopen_logs()

        self.app.push_screen(ChoiceScreen("Time range", labels, current), chosen)

    def _ask_custom_range(self) -> None:
        from tui.ui.screens.prompt import PromptScreen

        def check(text: str) -> str | None:
            try:
                self._parse_range(text, self.time_mode == "local")
            except EventdeckError as exc:
                return exc.message
            return None

        def answer(text: str | None) -> None:
            if not text:
                return
            self.start, self.end = self._parse_range(text, self.time_mode == "local")
            self.preset = None
            self.app.notify(f"Range: {self.range_label(relative=True)}", markup=False)
            self.reopen_logs()

        start, end = self.current_range()
        self.app.push_screen(
            PromptScreen(
                "Custom time range",
                "Start and end, separated by a space: relative (-2d, -90m, now) or a time "
                + (
                    "(2026-05-01T09:00, local time unless it ends in Z or +hh:mm):"
                    if self.time_mode == "local"
                    else "(2026-05-01T09:00Z, UTC unless it ends in +hh:mm):"
                ),
                value=f"{start.isoformat(timespec='seconds')} {end.isoformat(timespec='seconds')}",
                validator=check,
            ),
            answer,
        )

    @staticmethod
    def _parse_range(text: str, local: bool = False) -> tuple[datetime, datetime]:
        """Two times; with ``local``, a time without a zone is the user's local time."""
        from tui.errors import InputError

        parts = text.split()
        if len(parts) != 2:
            raise InputError("Give exactly two times: start and end.", location="range")
        times: list[str | datetime] = list(parts)
        if local:
            for i, part in enumerate(parts):
                try:
                    value = datetime.fromisoformat(part)
                except ValueError:
                    continue  # relative, epoch or bad: parse_range says what it is
                if value.tzinfo is None:
                    times[i] = value.astimezone()  # a naive time read as local
        return cc.parse_range(times[0], times[1])

    def event_names(self) -> list[str]:
        """Names to offer for E: those in the loaded rows, then the model's operations."""
        level = self.level
        seen: set[str] = set()
        if level and "space" in level.ids:  # from the stored cells: no item revived
            model = self.table.model
            seen = {model.cells(i)[1] for i in range(model.loaded_count)}
        return sorted(seen) + [n for n in cc.model_event_names() if n not in seen]

    def action_pick_event_name(self) -> None:
        """Ask for one eventName, completed from known names and matched ignoring case."""
        from textual.suggester import SuggestFromList

        from tui.ui.screens.prompt import PromptScreen

        names = self.event_names()

        def answer(text: str | None) -> None:
            if text is None:
                return
            name = cc.match_event_name(text, names) if text.strip() else ""
            if name and name != text.strip():
                self.app.notify(f"Event name: {name}", markup=False)
            self.event_name = name or None
            self.reopen_logs()

        self.app.push_screen(
            PromptScreen(
                "Event name",
                "Only this eventName (empty for all); → completes, case does not matter:",
                value=self.event_name or "",
                placeholder="e.g. " + (names[0] if names else "CreateProject"),
                suggester=SuggestFromList(names, case_sensitive=False),
            ),
            answer,
        )

    # -- hand-over bundle ------------------------------------------------------------------
    def bundle_view(self, level: Level) -> tuple[BundleView, dict[str, Any]] | None:
        """Spaces, or one space's event logs over the fixed range they were read for."""
        from tui.services.bundle import BundleView

        ids = level.ids
        space = ids.get("space")
        if not space and level.items and isinstance(level.items[0], Found):
            return None  # spaces across a scope's profiles: no one query to replay
        if not space:
            return BundleView(self.PANE_ID, "codecatalyst list-spaces"), {}
        names = (
            ("space", "space-name"),
            ("start_time", "start-time"),
            ("end_time", "end-time"),
            ("event_name", "event-name"),
        )
        params = {cli: ids[key] for key, cli in names if ids.get(key)}
        parent = self.parent_raw(0, space)
        view = BundleView(self.PANE_ID, "codecatalyst list-event-logs", params)
        return view, {"space": parent} if parent else {}

    # -- launch and jump -------------------------------------------------------------------
    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        self.activated = True
        space = params.get("space-name")
        if not space:
            self.set_levels([self.root_level()])
            return
        if params.get("start-time") or params.get("end-time"):
            try:
                self.start, self.end = cc.parse_range(
                    params.get("start-time") or "-24h", params.get("end-time") or "now"
                )
                self.preset = None
            except EventdeckError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
        self.event_name = params.get("event-name") or None
        self.set_levels([self.root_level(), self.logs_level(space)])

    def jump_label(self) -> str:
        return "Space name"

    def jump(self, text: str) -> None:
        self.set_levels([self.root_level(), self.logs_level(text)])

    def console_link(self, item: Any) -> console_urls.ConsoleLink | None:
        """The space's page on codecatalyst.aws (the row's space, else the space open)."""
        item = unwrap(item)
        if isinstance(item, cc.Space):
            return console_urls.codecatalyst_space(item.name, item.region_name or None)
        space = self.level.ids.get("space") if self.level is not None else None
        return console_urls.codecatalyst_space(space) if space else None

    # -- density zoom ----------------------------------------------------------------------
    def on_density_bar_zoom_requested(self, event: DensityBar.ZoomRequested) -> None:
        """``z`` on a bucket of the event logs' density line: query that bucket's time only."""
        event.stop()
        if self.space is None or len(self.levels) < 2:
            return
        self.start = datetime.fromtimestamp(event.start, UTC)
        self.end = datetime.fromtimestamp(math.ceil(event.end), UTC)
        self.preset = None
        self.reopen_logs()
