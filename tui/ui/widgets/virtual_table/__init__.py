"""The virtual table: a pure model, a body that draws it, and the widget with the keys.

- ``model.py`` (with ``store.py``, ``cells.py``, ``jobs.py``, ``columns.py``, ``load.py``,
  ``export.py``): rows, the filtered/sorted/restricted view and its jobs; no Textual or Rich
  (an import-linter contract and tests/test_import_hygiene.py hold it).
- ``body.py``: the Line API renderer, given the model, the columns and the load state.
- ``view.py`` / ``widget.py``: ``VirtualTable`` (state and API; bindings, actions, messages),
  composing the body, the density line (``density_bar.py``) and the query bar (``query_bar.py``).

The Textual names load on first use (PEP 562), so importing the pure model never loads Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.ui.widgets.virtual_table.columns import Column
from tui.ui.widgets.virtual_table.store import Row

if TYPE_CHECKING:
    from tui.ui.widgets.virtual_table.density_bar import DensityBar
    from tui.ui.widgets.virtual_table.query_bar import QueryBar, current_query, lift_query
    from tui.ui.widgets.virtual_table.widget import VirtualTable

__all__ = [
    "Column",
    "DensityBar",
    "QueryBar",
    "Row",
    "VirtualTable",
    "current_query",
    "lift_query",
]


def __getattr__(name: str) -> object:
    """The widget-side names, imported when first asked for."""
    if name == "VirtualTable":
        from tui.ui.widgets.virtual_table.widget import VirtualTable

        return VirtualTable
    if name == "DensityBar":
        from tui.ui.widgets.virtual_table.density_bar import DensityBar

        return DensityBar
    if name in ("QueryBar", "current_query", "lift_query"):
        from tui.ui.widgets.virtual_table import query_bar

        return getattr(query_bar, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
