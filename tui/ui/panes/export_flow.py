"""Export the rows a table shows: ask for the path (remembered), write off the UI thread, report.

Used by every browse pane through ``VirtualTable.ExportRequested``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tui.fsutil import make_private_dir
from tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from tui.ui.widgets.virtual_table import VirtualTable


class ExportingPane(Protocol):
    """What an export needs of a pane (BrowsePane has it; a Protocol keeps the import one-way)."""

    PANE_ID: ClassVar[str]
    ctx: Any
    app: Any

    @property
    def table(self) -> VirtualTable: ...

    def export_dir(self) -> Path: ...

    def run_file_job(self, fn: Any, on_result: Any, on_error: Any = None) -> Any: ...

    def remember(self, change: Any, not_saved: str) -> None: ...


EXTENSIONS = {"jsonl": ".jsonl", "csv": ".csv", "json": ".json"}


def default_path(pane: ExportingPane, fmt: str) -> str:
    """The last path used (with this format's extension), else the export directory."""
    recent = pane.ctx.settings.recent.export_path
    ext = EXTENSIONS.get(fmt, "." + fmt)
    if recent:
        return str(Path(recent).with_suffix(ext))
    return str(pane.export_dir() / f"eventdeck-{pane.PANE_ID}{ext}")


def format_for(path: Path, default: str) -> str:
    """The export format named by the file's extension, else ``default``."""
    by_extension = {ext: fmt for fmt, ext in EXTENSIONS.items()}
    return by_extension.get(path.suffix.lower(), default)


def check_path(text: str, export_dir: Path) -> str | None:
    """Why ``text`` cannot be exported to, or None; only the export folder itself may be missing.

    The export folder does not exist on a fresh machine: it is created at the first export.
    Any other missing folder is more likely a typo than a wish, so it is refused.
    """
    path = Path(text).expanduser()
    if not text.strip():
        return "Give a file path."
    if path.is_dir():
        return "That is a directory; give a file name."
    if not path.parent.exists() and path.parent.absolute() != export_dir.absolute():
        return f"No such directory: {path.parent} (only the export folder is created)."
    return None


def ask_and_export(pane: ExportingPane, fmt: str) -> None:
    """Ask where, then stream the table's visible rows to that file in a worker."""
    table = pane.table
    export_dir = pane.export_dir()

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = Path(text).expanduser()
        chosen_fmt = format_for(path, fmt)
        rows = table.iter_export_rows()  # a snapshot now; the items are revived in the worker

        def write() -> int:
            from tui.services.export import export_rows

            if path.parent.absolute() == export_dir.absolute():
                make_private_dir(export_dir)
            return export_rows(rows, path, chosen_fmt)

        def done(count: int) -> None:
            pane.app.notify(f"Exported {count:,} rows to {path} ({chosen_fmt})", markup=False)
            from tui.settings import remember_export_path

            pane.remember(
                lambda s: remember_export_path(s, str(path)), "Export path not remembered"
            )

        def failed(error: Exception) -> None:
            pane.app.notify(f"Export failed: {error}", severity="error", markup=False)

        pane.run_file_job(write, done, failed)

    pane.app.push_screen(
        PromptScreen(
            "Export",
            f"Write {table.status_text} to (.jsonl, .csv or .json: the extension picks the format):",
            value=default_path(pane, fmt),
            validator=lambda text: check_path(text, export_dir),
            paths=True,
        ),
        chosen,
    )
