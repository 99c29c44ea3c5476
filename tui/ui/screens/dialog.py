"""The base of every dialog: a modal screen whose one child, classed ``dialog``, is the box.

Why: one rule in tui/ui/styles/dialogs.tcss centres and draws every dialog box, so dialogs look
alike and a new one gets the look by subclassing and classing its container ``dialog``.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen drawn as a centred dialog box (its container has the ``dialog`` class)."""
