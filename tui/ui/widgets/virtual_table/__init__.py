"""The virtual table: a pure model, a body that draws it, and the widget with the keys.

- ``model.py`` (with ``store.py``, ``cells.py``, ``jobs.py``, ``columns.py``, ``load.py``,
  ``export.py``): rows, the filtered/sorted/restricted view and its jobs; no Textual or Rich
  (an import-linter contract holds it).
- ``body.py``: the Line API renderer, given the model, the columns and the load state.
- ``view.py`` / ``widget.py``: ``VirtualTable`` (state and API; bindings, actions, messages),
  composing the body, the density line (``density_bar.py``) and the query bar (``query_bar.py``).
"""

from __future__ import annotations

from tui.ui.widgets.virtual_table.columns import Column
from tui.ui.widgets.virtual_table.density_bar import DensityBar
from tui.ui.widgets.virtual_table.query_bar import QueryBar, current_query, lift_query
from tui.ui.widgets.virtual_table.store import Row
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
