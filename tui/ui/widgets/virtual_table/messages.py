"""VirtualTable's messages, nested on it as ``VirtualTable.RowActivated`` and so on.

Each names the ``virtual_table`` namespace, so handlers stay ``on_virtual_table_row_activated``.
Facts are in the past tense; intents end in ``Requested``.
"""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget

from tui.ui.widgets.virtual_table.store import Row


class TableMessage(Message):
    """A message from a VirtualTable (``control`` is the table)."""

    def __init__(self, table: Widget) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> Widget:
        """The table that sent the message."""
        return self.table


class MoreRowsRequested(TableMessage, namespace="virtual_table"):
    """The cursor came within a screen of the end of what is loaded and more is available."""


class BackRequested(TableMessage, namespace="virtual_table"):
    """Escape/backspace with no filter active: go up a level."""


class RetryRequested(TableMessage, namespace="virtual_table"):
    """``r`` while the error row shows: load the failed page again."""


class RowActivated(TableMessage, namespace="virtual_table"):
    """Enter on a row: drill down or inspect it."""

    def __init__(self, table: Widget, row: Row) -> None:
        super().__init__(table)
        self.row = row


class CursorMoved(TableMessage, namespace="virtual_table"):
    """The cursor landed on another row (None when the view is empty)."""

    def __init__(self, table: Widget, row: Row | None) -> None:
        super().__init__(table)
        self.row = row


class CopyRequested(TableMessage, namespace="virtual_table"):
    """``y``/``Y``: put ``text`` (the row's id, or its JSON) on the clipboard.

    ``multiline``: the text's line breaks are its own (JSON) rather than to be escaped.
    """

    def __init__(self, table: Widget, text: str, what: str, *, multiline: bool = False) -> None:
        super().__init__(table)
        self.text = text
        self.what = what
        self.multiline = multiline


class LayoutChanged(TableMessage, namespace="virtual_table"):
    """The user hid, showed, widened or narrowed a column: ``layout`` is the new one to keep."""

    def __init__(self, table: Widget, layout: str) -> None:
        super().__init__(table)
        self.layout = layout


class ExportRequested(TableMessage, namespace="virtual_table"):
    """``e``: ask for a path, then stream ``iter_export_rows()`` to it as ``fmt``."""

    def __init__(self, table: Widget, fmt: str) -> None:
        super().__init__(table)
        self.fmt = fmt
