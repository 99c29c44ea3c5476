"""The five panes as the shell knows them before importing them, and the binding ids they declare.

Why apart from the App: the catalogue is read by the tab bar, the palette, the region picker and
the keymap check, and a pane's module is imported only when the pane is first shown (launch pays
for one pane, not five).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from tui.ui.panes.base import Pane


@dataclass(frozen=True)
class PaneInfo:
    """What the shell knows of a pane before its module is imported (imported when first shown)."""

    pane_id: str
    key: str
    title: str
    short_title: str
    path: str  # "module:Class"
    service: str = ""  # boto3 service name: the region picker shows where each pane works

    def load(self) -> type[Pane]:
        module, _, name = self.path.partition(":")
        cls: type[Pane] = getattr(importlib.import_module(module), name)
        return cls


PANES = [
    PaneInfo(
        "ivs", "1", "IVS Real-Time", "IVS", "tui.ui.panes.ivs:IvsPane", service="ivs-realtime"
    ),
    PaneInfo(
        "codecatalyst",
        "2",
        "CodeCatalyst",
        "CodeCatalyst",
        "tui.ui.panes.codecatalyst:CodeCatalystPane",
        service="codecatalyst",
    ),
    PaneInfo(
        "profiles",
        "3",
        "Customer Profiles",
        "Profiles",
        "tui.ui.panes.profiles:ProfilesPane",
        service="customer-profiles",
    ),
    PaneInfo(
        "partner",
        "4",
        "Partner events",
        "Partner",
        "tui.ui.panes.partner:PartnerPane",
        service="events",
    ),
    PaneInfo(
        "personalize",
        "5",
        "Personalize events",
        "Personalize",
        "tui.ui.panes.personalize:PersonalizePane",
        service="personalize-events",
    ),
]


def pane_info(pane_id: str) -> PaneInfo | None:
    """The catalogue entry for ``pane_id``, or None."""
    return next((p for p in PANES if p.pane_id == pane_id), None)


def pane_classes() -> list[type[Pane]]:
    """The five pane classes, in key order (imports every pane module)."""
    return [info.load() for info in PANES]


def all_binding_ids() -> set[str]:
    """Every binding id declared by eventdeck's widgets and screens (what a keymap may name)."""
    from textual.dom import DOMNode

    pane_classes()  # import every pane (and with them the widgets and screens they use)
    # and every screen and widget, the ones imported only when first opened included.
    import pkgutil

    import tui.ui.screens
    import tui.ui.widgets

    for package in (tui.ui.screens, tui.ui.widgets):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)

    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            binding_id = getattr(binding, "id", None)
            if binding_id:
                ids.add(binding_id)
    return ids
