"""Where the table's loading stands (more available, a page in flight, an error) and what it says.

Pure (no Textual): the widget changes it as pages and errors arrive, the body draws its trailer
line after the last row, and the status line shows ``status_text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.textsafe import visible
from tui.ui.widgets.virtual_table.model import TableModel


@dataclass
class LoadState:
    """The load state of one table: set by the widget, read by the body and the status line."""

    has_more: bool = False
    loading: bool = False
    requested: bool = False
    """MoreRowsRequested was posted and no page has answered it yet."""
    finished: bool = False
    """A page (or the end) has arrived since the rows were cleared."""
    error: str | None = None

    def reset(self) -> None:
        """Forget everything (the rows were dropped)."""
        self.has_more = self.loading = self.requested = self.finished = False
        self.error = None

    def status_text(self, model: TableModel) -> str:
        """'1,234 loaded · more available', '1,234 · all loaded' or, filtered, '12 of 1,234 match'."""
        loaded = model.loaded_count
        narrowed = bool(model.needle) or model.restricted
        if narrowed:
            text = f"{model.visible_count:,} of {loaded:,} match"
        elif self.has_more:
            text = f"{loaded:,} loaded · more available"
        else:
            text = f"{loaded:,} · all loaded"
        if model.pending:
            text += " · filtering…" if narrowed else " · sorting…"
        return text

    def trailer_text(self, model: TableModel) -> str:
        """The line after the last row: loading, the error with its retry key, or the end marker."""
        if self.error is not None:
            return f"✖ {visible(self.error)} — r to retry"
        if self.loading:
            return "loading…"
        if self.finished and not self.has_more:
            if (model.needle or model.restricted) and model.visible_count == 0:
                return "— no matches —"
            return "— end of results —" if model.loaded_count else "— no rows —"
        return ""
