"""Saved views of a browse pane's table: save the query (computed columns included), sort, hidden
columns and time range by name, reopen them with every part applied.

Views are kept per table in config.toml (``[views."PANE/COLUMNS".NAME]``, tui/settings.py) through
the one save path (``Pane.remember``, off the event loop) and reopened from the command palette,
where the pane offers "Save view…" and one "Open view: NAME" per view of the table on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tui.settings import SavedView, remember_view
from tui.ui.widgets.virtual_table import QueryBar, current_query

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

    from tui.context import AppContext
    from tui.ui.panes.level import Level
    from tui.ui.widgets.virtual_table import VirtualTable


class ViewsPane(Protocol):
    """What saved views need of a pane (BrowsePane has it; the import stays one-way).

    The time range (``preset``, ``start``, ``end``, ``reopen_logs``) is the CodeCatalyst pane's
    alone, so it is looked up on the pane, not promised here.
    """

    PANE_ID: ClassVar[str]

    @property
    def app(self) -> App[Any]: ...
    @property
    def ctx(self) -> AppContext: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def levels(self) -> Sequence[Level]: ...
    @property
    def table(self) -> VirtualTable: ...
    def remember(
        self,
        change: Callable[[Any], Any],
        not_saved: str,
        *,
        saved: Callable[[], None] | None = None,
        severity: SeverityLevel = "warning",
    ) -> None: ...


def table_key(pane: ViewsPane) -> str | None:
    """The table a view belongs to: the pane and its level's column keys (None: no level)."""
    level = pane.level
    if level is None:
        return None
    return f"{pane.PANE_ID}/{'+'.join(column.key for column in level.columns)}"


def _range_text(pane: ViewsPane) -> str | None:
    preset = getattr(pane, "preset", None)
    start: datetime | None = getattr(pane, "start", None)
    end: datetime | None = getattr(pane, "end", None)
    if preset:
        return str(preset)
    if start is not None and end is not None:
        return f"{start.isoformat(timespec='seconds')} {end.isoformat(timespec='seconds')}"
    return None


def current_view(pane: ViewsPane) -> SavedView:
    """What the table shows now, as a view: query text, sort column and direction, hidden
    columns (computed ones by their ``col:NAME`` key), time range."""
    table = pane.table
    query = current_query(table)
    sort = table.model.sort_column
    sort_key = table.columns[sort].key if sort is not None and sort < len(table.columns) else None
    hidden = tuple(column.key for column in table.columns if column.key in table.hidden_columns)
    return SavedView(
        query.text if query is not None else "",
        sort_key,
        table.model.descending,
        hidden,
        _range_text(pane) if len(pane.levels) >= 2 else None,
    )


def save_view(pane: ViewsPane) -> None:
    """Ask for a name and save the current view of the table under it."""
    from tui.ui.screens.prompt import PromptScreen

    key = table_key(pane)
    if key is None:
        return
    view = current_view(pane)

    def answer(name: str | None) -> None:
        if not name or not name.strip():
            return
        name = name.strip()

        def saved() -> None:
            pane.app.notify(f"View {name!r} saved (palette: Open view).", markup=False)

        pane.remember(
            lambda s: remember_view(s, key, name, view),
            "View not saved",
            saved=saved,
            severity="error",
        )

    pane.app.push_screen(
        PromptScreen("Save view", "Name of this view:", placeholder="e.g. mutations"), answer
    )


def open_view(pane: ViewsPane, view: SavedView) -> None:
    """Apply ``view``: its time range first (the level is queried again), then its query, then
    sort and hidden columns (which may name the query's computed columns)."""
    requery = (
        view.range is not None
        and view.range != _range_text(pane)
        and hasattr(pane, "reopen_logs")
        and len(pane.levels) >= 2
    )
    if requery and view.range is not None:
        from tui.services import codecatalyst as cc

        parts = view.range.split()
        if len(parts) == 2:
            pane.start, pane.end = cc.parse_range(parts[0], parts[1])  # type: ignore[attr-defined]
            pane.preset = None  # type: ignore[attr-defined]
        else:
            pane.preset = view.range  # type: ignore[attr-defined]
            pane.start = pane.end = None  # type: ignore[attr-defined]
        pane.reopen_logs()  # type: ignore[attr-defined]
    table = pane.table
    # On the columns there are now (the query's scan then starts on the sorted view), and again
    # once the query made its computed columns, which the sort and hidden columns may name.
    _sort_and_hide(table, view)
    QueryBar.run_on(table, view.query, then=lambda: _sort_and_hide(table, view))


def _sort_and_hide(table: VirtualTable, view: SavedView) -> None:
    """Sort as ``view`` says (unless already so) and hide exactly its hidden columns."""
    keys = [column.key for column in table.columns]
    column = keys.index(view.sort) if view.sort in keys else None
    descending = view.descending if column is not None else False
    if (table.model.sort_column, table.model.descending) != (column, descending):
        table.set_sort(column, descending)
    # The view's hidden columns exactly (none hidden: every column shown); widths stay.
    widths = [item for item in table.layout_text.split() if not item.startswith("-")]
    table.set_layout(" ".join([f"-{key}" for key in view.hidden] + widths))


def commands(pane: ViewsPane) -> Iterator[tuple[str, str, Callable[[], None]]]:
    """Palette entries: save the view, and open each saved view of this table."""
    key = table_key(pane)
    if key is None:
        return
    yield (
        "Save view…",
        "Save this table's query, sort, hidden columns and time range by name",
        lambda: save_view(pane),
    )
    for name, view in sorted(pane.ctx.settings.views.get(key, {}).items()):
        summary = view.query or "no query"
        yield f"Open view: {name}", summary, lambda v=view: open_view(pane, v)  # type: ignore[misc]
