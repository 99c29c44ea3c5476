"""The scope picker: several AWS profiles and several regions that listings fan out over.

Why: on-call work crosses accounts and regions; one table across them beats switching profile
and region back and forth. Only regions where the pane's service exists are offered (botocore's
endpoint data), so no target can only fail with "not available here".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import SelectionList, Static

from tui.services.scope import Scope
from tui.ui.safe_text import visible
from tui.ui.screens.dialog import DialogScreen


class ScopeScreen(DialogScreen[Scope | None]):
    """Tick profiles and regions (space), tab between the lists, ctrl+s (or a) applies."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="scope.cancel"),
        Binding("ctrl+s,a", "apply", "Apply scope", id="scope.apply"),
        Binding("j", "move(1)", "Down", show=False, id="scope.down"),
        Binding("k", "move(-1)", "Up", show=False, id="scope.up"),
    ]

    def __init__(
        self,
        profiles: list[str],
        regions: list[str],
        chosen: Scope,
        *,
        service_label: str,
    ) -> None:
        super().__init__()
        self.profiles = profiles
        self.regions = regions
        self.chosen = chosen
        self.service_label = service_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -overlay") as box:
            box.border_title = "Scope: profiles × regions"
            box.border_subtitle = "space tick · tab other list · ctrl+s/a apply · esc cancel"
            yield Static(
                Content(visible(f"Regions where {self.service_label} exists.")),
                classes="choice-header",
            )
            with Horizontal():
                yield SelectionList[str](
                    *((visible(p), p, p in self.chosen.profiles) for p in self.profiles),
                    id="scope-profiles",
                )
                yield SelectionList[str](
                    *((r, r, r in self.chosen.regions) for r in self.regions),
                    id="scope-regions",
                )
            yield Static("", id="scope-summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#scope-profiles", SelectionList).border_title = "Profiles"
        self.query_one("#scope-regions", SelectionList).border_title = "Regions"
        self.query_one("#scope-profiles", SelectionList).focus()
        self._summarise()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._summarise()

    def current(self) -> Scope:
        """The scope as ticked now (profiles and regions in the lists' order)."""
        picked_p = set(self.query_one("#scope-profiles", SelectionList).selected)
        picked_r = set(self.query_one("#scope-regions", SelectionList).selected)
        return Scope(
            tuple(p for p in self.profiles if p in picked_p),
            tuple(r for r in self.regions if r in picked_r),
        )

    def _summarise(self) -> None:
        scope = self.current()
        self.query_one("#scope-summary", Static).update(
            f"{scope.label()} = {len(scope.targets())} listings"
        )

    def action_move(self, step: int) -> None:
        focused = self.focused
        if isinstance(focused, SelectionList):
            if step > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()

    def action_apply(self) -> None:
        scope = self.current()
        if not scope.profiles or not scope.regions:
            self.notify("Tick at least one profile and one region.", severity="warning")
            return
        self.dismiss(scope)

    def action_cancel(self) -> None:
        self.dismiss(None)
