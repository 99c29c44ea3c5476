"""Mark rows, write a hand-over bundle of the view a browse pane shows, apply one opened offline.

`m` marks the row under the cursor (the marked rows go in the bundle). `W` asks for a note, then writes the level's loaded items, its AWS CLI command, filter, time
range and marked rows as one JSON file in the export directory (off the UI thread), says where and
copies the path. ``eventdeck --open FILE`` gives the same view back: its filter and marks are put
on the pane here once the launch has set the view up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tui.fsutil import make_private_dir
from tui.services.bundle import Bundle, build_bundle, bundle_name, write_bundle
from tui.ui.clipboard import copy_and_notify
from tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from textual.app import App

    from tui.services.bundle import BundleView
    from tui.ui.panes.level import Level
    from tui.ui.widgets.virtual_table import VirtualTable
    from tui.ui.work import ErrorHandler, ResultHandler


class BundlePane(Protocol):
    """What marking and the bundle need of a pane (BrowsePane has it; the import stays one-way)."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def table(self) -> VirtualTable: ...
    def rerender(self) -> None: ...
    def bundle_view(self, level: Level) -> tuple[BundleView, dict[str, Any]] | None: ...
    def export_dir(self) -> Path: ...
    def run_file_job(
        self, fn: Any, on_result: ResultHandler, on_error: ErrorHandler | None = None
    ) -> object: ...


def toggle_mark(pane: BundlePane) -> None:
    """Mark the row under the cursor (or unmark it): marks are kept in a hand-over bundle."""
    level = pane.level
    row = pane.table.current_row
    if level is None or row is None or row.key not in level.by_key:
        return
    level.marked ^= {row.key}
    pane.rerender()  # the loaded rows again, in the marked style; filter, sort, cursor stay
    count = len(level.marked)
    pane.app.notify(f"{count:,} marked (W writes a hand-over bundle).", markup=False)


def ask_and_write(pane: BundlePane) -> None:
    """Ask for a note, then write the current view's bundle in a worker and report the path."""
    level = pane.level
    found = pane.bundle_view(level) if level is not None else None
    if level is None or found is None:
        pane.app.notify("No hand-over bundle for this view.", markup=False)
        return
    view, parents = found
    if not level.items:
        pane.app.notify("Nothing loaded to hand over yet.", markup=False)
        return
    table = pane.table
    items = [getattr(item, "raw", None) or level.value_of(item) for item in level.items]
    items = list({id(raw): raw for raw in items}.values())  # one stream's detail rows share it
    cli = level.cli_command(None) if level.cli_command else ""
    filter_text = table.filter_text
    marked = [key for key in level.keys if key in level.marked]
    params = view.params
    time_range = (
        {"start": params["start-time"], "end": params["end-time"]}
        if "start-time" in params and "end-time" in params
        else None
    )
    export_dir = pane.export_dir()

    def chosen(note: str | None) -> None:
        if note is None:
            return
        now = datetime.now(UTC)

        def write() -> Path:
            document = build_bundle(
                view,
                items,
                parents=parents,
                cli_command=cli,
                filter_text=filter_text,
                time_range=time_range,
                marked=marked,
                note=note,
                now=now,
            )
            make_private_dir(export_dir)
            return write_bundle(export_dir, document, bundle_name(view, now))

        def done(path: Path) -> None:
            pane.app.notify(
                f"Bundle of {len(items):,} items written to {path}", title="Hand-over", markup=False
            )
            copy_and_notify(pane.app, str(path), "the bundle's path")

        def failed(error: Exception) -> None:
            pane.app.notify(f"Bundle not written: {error}", severity="error", markup=False)

        pane.run_file_job(write, done, failed)

    shown = f"{len(items):,} items" + (f", {len(marked):,} marked" if marked else "")
    pane.app.push_screen(
        PromptScreen(
            "Hand-over bundle",
            f"Note for whoever opens it ({shown}; enter writes, escape cancels):",
            placeholder="what you saw, what to look at",
        ),
        chosen,
    )


def apply_opened(pane: BundlePane, bundle: Bundle) -> None:
    """Put an opened bundle's marks and filter on the view the launch just set up."""
    level = pane.level
    if level is None:
        return
    level.marked = set(bundle.marked)
    if bundle.filter:
        pane.table.show_filter(bundle.filter)
    if bundle.note:
        pane.app.notify(bundle.note, title="Hand-over note", timeout=30, markup=False)
