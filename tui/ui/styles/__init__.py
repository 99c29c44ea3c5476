"""eventdeck's stylesheets, by area: every style of the app lives in these .tcss files.

Why: one place to look for how anything looks (house rule 5: no DEFAULT_CSS, colours only from
the theme's variables). The App loads them through CSS_PATH; a test that hosts a widget or screen
outside the App loads the same list (with ``themes.VARIABLE_DEFAULTS``) to look the same.
"""

from __future__ import annotations

from pathlib import Path, PurePath

_HERE = Path(__file__).parent

STYLESHEETS: list[str | PurePath] = [
    _HERE / name
    for name in ("shell.tcss", "tables.tcss", "compose.tcss", "dialogs.tcss", "screens.tcss")
]
"""In cascade order: a later file wins a tie of specificity."""
