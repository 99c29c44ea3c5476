"""The browse pane's inspectors: the side inspector beside the table, the full one, the error one.

Why a part of its own: showing an item (beside the table on wide terminals, as a screen
otherwise) and showing an error row are one concern; the pane owns one ``Inspectors`` and calls
it from its keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Protocol

from textual.app import App
from textual.geometry import Size

from tui.errors import EventdeckError
from tui.ui.panes.level import Level
from tui.ui.widgets.json_view import JsonView
from tui.ui.widgets.virtual_table import Row, VirtualTable


class InspectorsHost(Protocol):
    """What the inspectors need of their pane (BrowsePane has it all), so they never import it."""

    TITLE: ClassVar[str]

    @property
    def SIDE_MIN_WIDTH(self) -> int: ...
    @property
    def app(self) -> App[object]: ...
    @property
    def size(self) -> Size: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def table(self) -> VirtualTable: ...
    @property
    def last_error(self) -> EventdeckError | None: ...
    def query_one(self, selector: str, expect_type: type[JsonView]) -> JsonView: ...
    def item_for(self, row: Row | None) -> Any: ...
    def error_text_hint(self, error: EventdeckError) -> str | None: ...
    def export_dir(self) -> Path: ...


class Inspectors:
    """The side inspector of one pane, and the inspector screens it opens."""

    def __init__(self, pane: InspectorsHost) -> None:
        self.pane = pane

    @property
    def side(self) -> JsonView:
        return self.pane.query_one(".side-inspector", JsonView)

    def toggle_side(self) -> None:
        """Show the current item beside the table on wide terminals; the full inspector otherwise.

        On the error row (the cursor on the last row, or no rows) it shows the error instead:
        message, fix and request id, copyable for a support case.
        """
        pane = self.pane
        table = pane.table
        on_last = table.current_row is None or table.body.cursor_row >= table.row_count - 1
        if pane.last_error is not None and on_last:
            self.inspect_error(pane.last_error)
            return
        side = self.side
        if side.display:
            side.display = False
            return
        if pane.size.width < pane.SIDE_MIN_WIDTH:
            item = pane.item_for(table.current_row)
            if item is not None:
                self.inspect(item)
            return
        side.display = True
        self.update_side()

    def update_side(self) -> None:
        side = self.side
        if not side.display:
            return
        pane = self.pane
        level = pane.level
        item = pane.item_for(pane.table.current_row)
        if level is None or item is None:
            side.set_value(None)
            return
        value = level.value_of(item)
        from tui.ui.screens.inspector import decode_json_payloads

        side.set_value(decode_json_payloads(value))

    def inspect_error(self, error: EventdeckError) -> None:
        """The inspector of an error row: the whole message, its fix and AWS's request id."""
        from tui.ui.screens.error_modal import ErrorModal

        pane = self.pane
        level = pane.level
        title = f"{pane.TITLE}: {level.crumb if level else 'load'} failed"
        # the message ends with "(request id …)" when AWS answered (EventdeckError adds it)
        pane.app.push_screen(ErrorModal(title, error.message, pane.error_text_hint(error)))

    def inspect(self, item: Any) -> None:
        from tui.ui.screens.inspector import InspectorScreen

        pane = self.pane
        level = pane.level
        assert level is not None
        value = level.value_of(item)
        title = level.inspect_title(item) if level.inspect_title else level.crumb
        command = level.cli_command(item) if level.cli_command else None
        pane.app.push_screen(
            InspectorScreen(title, value, cli_command=command, export_dir=pane.export_dir())
        )
