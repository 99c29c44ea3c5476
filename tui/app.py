"""The Textual App: the shell around the five panes, app-wide bindings, palette, themes, keymap.

It composes and handles app-wide concerns only; each pane owns its own views and calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer

from tui.context import AppContext
from tui.ui.panes.base import Pane
from tui.ui.screens.choice import ChoiceScreen
from tui.ui.screens.help import HelpScreen, collect_bindings
from tui.ui.widgets.pane_tabs import PaneTabs
from tui.ui.widgets.status_header import StatusHeader


def pane_classes() -> list[type[Pane]]:
    """The five panes, in key order."""
    from tui.ui.panes.codecatalyst import CodeCatalystPane
    from tui.ui.panes.ivs import IvsPane
    from tui.ui.panes.partner import PartnerPane
    from tui.ui.panes.personalize import PersonalizePane
    from tui.ui.panes.profiles import ProfilesPane

    return [IvsPane, CodeCatalystPane, ProfilesPane, PartnerPane, PersonalizePane]


class EventdeckApp(App[None]):
    """eventdeck: browse and send AWS events, keyboard only."""

    CSS_PATH = "app.tcss"
    TITLE = "eventdeck"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "show_pane('ivs')", "IVS", id="app.pane.ivs", show=False),
        Binding(
            "2", "show_pane('codecatalyst')", "CodeCatalyst", id="app.pane.codecatalyst", show=False
        ),
        Binding("3", "show_pane('profiles')", "Profiles", id="app.pane.profiles", show=False),
        Binding("4", "show_pane('partner')", "Partner", id="app.pane.partner", show=False),
        Binding(
            "5", "show_pane('personalize')", "Personalize", id="app.pane.personalize", show=False
        ),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit_app", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit_app", "Quit", id="app.quit_ctrl_c", show=False, priority=True),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.panes: list[Pane] = [cls(ctx) for cls in pane_classes()]
        self._apply_settings()

    # -- set-up ----------------------------------------------------------------------------
    def _apply_settings(self) -> None:
        """Themes and keymap from the settings; problems become one warning each, never a crash."""
        settings = self.ctx.settings
        try:
            from tui.themes import load_themes, user_themes_dir
        except ImportError:  # themes land with the config work
            return
        themes, warnings = load_themes(user_themes_dir())
        for theme in themes.values():
            self.register_theme(theme)
        self.ctx.warnings.extend(warnings)
        wanted = getattr(getattr(settings, "ui", None), "theme", None) or "eventdeck-dark"
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.ctx.warnings.append(f"Theme {wanted!r} not found; using eventdeck-dark.")
            if "eventdeck-dark" in self.available_themes:
                self.theme = "eventdeck-dark"
        keymap = getattr(settings, "keymap", None)
        if keymap:
            self.set_keymap(dict(keymap))

    def compose(self) -> ComposeResult:
        yield StatusHeader(self.ctx)
        yield PaneTabs([(p.PANE_ID, p.KEY, p.TITLE) for p in self.panes])
        with ContentSwitcher(initial=self.panes[0].id):
            yield from self.panes
        yield Footer()

    def on_mount(self) -> None:
        launch = self.ctx.launch
        for warning in self.ctx.warnings:
            self.notify(
                warning, title="Configuration", severity="warning", markup=False, timeout=10
            )
        first = launch.pane if launch else self.panes[0].PANE_ID
        self.action_show_pane(first)
        if launch is not None:
            self.pane(launch.pane).apply_launch(launch.params, launch.operation)

    # -- panes -----------------------------------------------------------------------------
    def pane(self, pane_id: str) -> Pane:
        for pane in self.panes:
            if pane_id == pane.PANE_ID:
                return pane
        raise KeyError(pane_id)

    @property
    def current_pane(self) -> Pane:
        switcher = self.query_one(ContentSwitcher)
        return self.query_one(f"#{switcher.current}", Pane)

    def action_show_pane(self, pane_id: str) -> None:
        pane = self.pane(pane_id)
        self.query_one(ContentSwitcher).current = pane.id
        self.query_one(PaneTabs).set_active(pane_id)
        self.sub_title = pane.TITLE
        pane.activate()

    # -- app-wide actions ------------------------------------------------------------------
    def action_help(self) -> None:
        rows = collect_bindings(self.screen.active_bindings)
        self.push_screen(HelpScreen(rows, f"Keys — {self.current_pane.TITLE}"))

    def action_quit_app(self) -> None:
        sending = sum(getattr(p, "sends_in_flight", 0) for p in self.panes)
        if not sending:
            self.exit()
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answer(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "Quit while sending?",
                [
                    f"{sending} send(s) are in flight.",
                    "They are journaled: the next start offers to re-send what got no answer.",
                ],
                confirm_label="Quit",
                danger=True,
            ),
            answer,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        for pane in self.panes:
            yield SystemCommand(
                f"Pane {pane.KEY}: {pane.TITLE}",
                f"Show the {pane.TITLE} pane",
                lambda p=pane.PANE_ID: self.action_show_pane(p),  # type: ignore[misc]
            )
        yield SystemCommand("Switch profile", "Pick another AWS profile", self.action_pick_profile)
        yield SystemCommand("Switch region", "Pick another AWS region", self.action_pick_region)
        yield SystemCommand("Reload pane", "Load the current pane again", self.action_reload_pane)
        yield SystemCommand("Help", "Every key of the current pane", self.action_help)

    def action_reload_pane(self) -> None:
        self.current_pane.reload()

    def action_pick_profile(self) -> None:
        import boto3

        profiles = sorted(boto3.session.Session().available_profiles)
        current = self.ctx.options.profile or "default"

        def chosen(profile: str | None) -> None:
            if profile is not None and profile != current:
                self.switch_connection(profile=profile)

        self.push_screen(ChoiceScreen("AWS profile", profiles, current), chosen)

    def action_pick_region(self) -> None:
        import boto3

        regions = sorted(boto3.session.Session().get_available_regions("events"))
        current = self.ctx.options.region

        def chosen(region: str | None) -> None:
            if region is not None and region != current:
                self.switch_connection(region=region)

        self.push_screen(ChoiceScreen("AWS region", regions, current), chosen)

    def switch_connection(self, **changes: object) -> None:
        """New profile/region: rebuild clients, refresh the header, reload every pane."""
        self.ctx.switch(**changes)
        self.query_one(StatusHeader).refresh_identity()
        for pane in self.panes:
            pane.reload()
        self.notify(
            f"Now using {self.ctx.options.profile or 'default'} · {self.ctx.options.region or '?'}",
            markup=False,
        )

    def export_directory(self) -> Path:
        settings = self.ctx.settings
        directory = getattr(getattr(settings, "export", None), "directory", None)
        return Path(directory).expanduser() if directory else Path.cwd()
