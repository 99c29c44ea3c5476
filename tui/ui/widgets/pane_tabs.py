"""The row of pane names under the header: which pane is showing and the key that opens each."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class PaneTabs(Static):
    """``1 IVS  2 CodeCatalyst  3 Profiles  4 Partner  5 Personalize`` with the active one marked."""

    def __init__(self, panes: list[tuple[str, str, str, str]]) -> None:
        super().__init__(markup=False)
        self.panes = panes  # (pane id, key, title, short title)
        self.active = panes[0][0] if panes else ""

    def set_active(self, pane_id: str) -> None:
        self.active = pane_id
        self.refresh_tabs()

    def on_mount(self) -> None:
        self.refresh_tabs()

    def on_resize(self) -> None:
        self.refresh_tabs()

    def refresh_tabs(self) -> None:
        """Full titles when they fit the width, short ones (80 columns) when not."""
        full = sum(len(title) + len(key) + 4 for _, key, title, _ in self.panes)
        use_short = bool(self.size.width) and full > self.size.width - 2
        parts: list[str | tuple[str, str]] = []
        for pane_id, key, long_title, short in self.panes:
            title = short if use_short else long_title
            style = "bold reverse $accent" if pane_id == self.active else ""
            parts.append((f" {key} {title} ", style))
            parts.append(" ")
        self.update(Content.assemble(*parts))
