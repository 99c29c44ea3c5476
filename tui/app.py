"""The Textual App: the shell around the five panes, app-wide bindings, palette, themes, keymap.

It composes and handles app-wide concerns only; each pane owns its own views and calls.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from tui import compile_cache, gcpause
from tui.context import AppContext
from tui.keymap import apply_keymap
from tui.settings import export_directory, update
from tui.shell.palette import binding_commands
from tui.shell.panes import PANES, PaneInfo, all_binding_ids, pane_classes, pane_info
from tui.themes import (
    MONOCHROME_THEME_NAME,
    VARIABLE_DEFAULTS,
    choose_theme,
    color_disabled,
    load_themes,
    monochrome_theme,
    user_themes_dir,
)
from tui.ui.clipboard import ClipboardSettings
from tui.ui.garbage import keep_frames_acyclic
from tui.ui.key_order import KeyOrder
from tui.ui.panes.base import Pane
from tui.ui.panes.browse import BrowsePane
from tui.ui.screens.mfa_prompt import UiMfaPrompter
from tui.ui.styles import STYLESHEETS
from tui.ui.styles.rules_cache import CachedStylesheet, cache_dir
from tui.ui.timers import use_frame_rate
from tui.ui.widgets.hint_line import HintLine
from tui.ui.widgets.pane_tabs import PaneTabs
from tui.ui.widgets.status_header import StatusHeader
from tui.ui.work import Work, remember_settings
from tui.words import count

if TYPE_CHECKING:
    from tui.shell.flows import ShellFlows

# The pane catalogue lives in tui.shell.panes; named here too, as the app's public face.
__all__ = ["PANES", "EventdeckApp", "PaneInfo", "all_binding_ids", "pane_classes"]


class ShellScreen(Screen[None]):
    """The app's first screen, without auto focus: the pane shown puts the focus on its keys.

    Why: Textual's auto focus gives the first focusable widget the focus (a browse pane's side
    inspector, hidden), then the pane moves it to its table: two more focus changes, each
    restyling its widget, before the first frame. Modal screens keep Textual's auto focus.
    """

    AUTO_FOCUS = ""
    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume restyles nothing: its widgets were styled as they mounted.

        Why: Textual's first ScreenResume restyles the whole screen (every widget a second time,
        and their component classes, ~10 ms before the first frame) though nothing changed
        since they were styled. This handler runs before Screen's own, which reads the flag.
        Later resumes (a modal closed) restyle as Textual does.
        """
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False


class EventdeckApp(App[None]):
    """eventdeck: browse and send AWS events, keyboard only."""

    # Every style of the app, by area (rule 5: no DEFAULT_CSS; colours only from the theme).
    CSS_PATH = STYLESHEETS
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
        # f1 too: in a text field "?" types a question mark.
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("L", "sign_in", "SSO sign-in", id="app.sign_in", show=False),
        Binding("comma", "settings", "Settings", id="app.settings", show=False),
        Binding("q", "quit_app", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit_app", "Quit", id="app.quit_ctrl_c", show=False, priority=True),
    ]

    # Signals that mean "stop now" (the SSH link dropped, a supervisor's stop): drafts are
    # written, then the app exits cleanly instead of dying with the terminal left raw.
    STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
    # Set on mount: a theme set before (from config.toml, or its fallback) is never saved back.
    _remember_theme = False

    def __init__(self, ctx: AppContext) -> None:
        use_frame_rate()  # before any screen makes its update timer
        keep_frames_acyclic()  # frames leave no cycles of lines behind (tui/ui/garbage.py)
        super().__init__()
        # Rules parsed by an earlier launch come from disk (saved after the first frame).
        self.stylesheet = CachedStylesheet.replacing(self.stylesheet, cache_dir())
        self.ctx = ctx
        self.clipboard_settings = ClipboardSettings()  # the copy size cap (copy_text reads it)
        self._panes: dict[str, Pane] = {}
        self.work = Work(self, group="app")  # the app's own file jobs (config reads, the theme)
        self._flows: ShellFlows | None = None
        self._caught_signals: list[int] = []
        self.key_order = KeyOrder(self, super().on_event)  # hold_keys finds it here
        self._apply_settings()

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go on in order, each once the last is handled.

        Why: a burst (a paste, tmux send-keys, a slow link) would otherwise reach the widget
        focused before a tab in it had moved the focus (tui/ui/key_order.py).
        """
        if KeyOrder.orders(event):
            await self.key_order.receive(event)
        else:
            await super().on_event(event)

    # -- set-up ----------------------------------------------------------------------------
    @property
    def flows(self) -> ShellFlows:
        """The pickers, settings, sign-in and connection switch (tui.shell.flows).

        Made on first use: none runs before the first frame, and the module brings the SSO
        cache and hashing with it (~3 ms of the launch).
        """
        if self._flows is None:
            from tui.shell.flows import ShellFlows

            self._flows = ShellFlows(self, self.ctx, self.work, lambda: self.panes)
        return self._flows

    def _apply_settings(self) -> None:
        """Themes and keymap from the settings; problems become one warning each, never a crash."""
        settings = self.ctx.settings
        themes, warnings = load_themes(user_themes_dir())
        for theme in themes.values():
            self.register_theme(theme)
        self.ctx.warnings.extend(warnings)
        no_color = color_disabled(settings.ui.color, os.environ) or self.no_color
        if no_color:
            self.register_theme(monochrome_theme())
        name, warnings = choose_theme(settings.ui.theme, themes, no_color)
        self.ctx.warnings.extend(warnings)
        self._set_first_theme(name)
        if settings.keymap:  # checking ids imports every pane: only when there is a keymap
            overrides, warnings = apply_keymap(all_binding_ids(), settings.keymap)
            self.ctx.warnings.extend(warnings)
            if overrides:
                self.set_keymap(overrides)

    def _set_first_theme(self, name: str) -> None:
        """Start with theme ``name`` so the stylesheet is parsed once, with its variables.

        Why: ``self.theme = name`` queues ``refresh_css``, which parses every stylesheet again
        after the first parse (made with Textual's default theme): ~35 ms more before the first
        paint. Before the app runs, the variables can be set directly, as App.__init__ does for
        its default theme; Textual's full path stays for a theme whose ANSI filter differs
        (a light or an ANSI theme: the filter is rebuilt only there).
        """
        default, chosen = self.current_theme, self.get_theme(name)
        if chosen is None or (chosen.dark, chosen.ansi) != (default.dark, default.ansi):
            self.theme = name
            return
        self.set_reactive(EventdeckApp.theme, name)
        self.set_class(True, f"-theme-{name}", update=False)
        self.stylesheet.set_variables(self.get_css_variables())

    def get_default_screen(self) -> Screen:  # type: ignore[type-arg]
        return ShellScreen(id="_default")

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """eventdeck's row variables for themes that do not set them (Textual's own themes)."""
        return dict(VARIABLE_DEFAULTS)

    def watch_theme(self, theme: str) -> None:
        """Remember a theme chosen at run time (not the monochrome stand-in)."""
        # Only a theme picked while running is remembered: the one settings gave (or the fallback
        # for an unknown one) is set while the App is built and must not rewrite config.toml.
        if not self._remember_theme or theme == MONOCHROME_THEME_NAME:
            return
        if theme != self.ctx.settings.ui.theme:
            remember_settings(
                self.work, self.ctx, lambda s: update(s, **{"ui.theme": theme}), "Theme not saved"
            )

    def compose(self) -> ComposeResult:
        yield StatusHeader(self.ctx)
        yield PaneTabs([(p.pane_id, p.key, p.title, p.short_title) for p in PANES])
        # Only the first pane is composed now; the others mount when first shown, so launch
        # pays for one pane, not five.
        first = self.pane(self.ctx.launch.pane if self.ctx.launch else PANES[0].pane_id)
        with ContentSwitcher(initial=first.id):
            yield first
        yield HintLine()

    async def on_mount(self) -> None:
        self._remember_theme = True
        self._catch_stop_signals()
        # botocore's own MFA prompt reads stdin and would hang under the TUI: ask in a modal.
        self.ctx.set_mfa_prompter(UiMfaPrompter(self, profile=self.ctx.options.profile))
        # Launched with the early child's resolution: resolve here too, once the first frame is
        # out (it imports botocore), and switch if the answer differs.
        if self.ctx.factory.provisional:
            self.call_after_refresh(lambda: self.flows.confirm_resolution())
        launch = self.ctx.launch
        if self.ctx.log_path is not None:
            self.notify(f"Debug log (secrets redacted): {self.ctx.log_path}", markup=False)
        for warning in self.ctx.warnings:
            self.notify(
                warning, title="Configuration", severity="warning", markup=False, timeout=10
            )
        if launch is None:
            await self.action_show_pane(PANES[0].pane_id)
            return
        pane = self.pane(launch.pane)
        if isinstance(pane, BrowsePane):
            # Opened from AWS CLI words: start at that view, without loading the top level first.
            pane.activated = True
            pane.apply_launch(launch.params, launch.operation)
            if self.ctx.offline is not None:  # --open BUNDLE: its marks, filter and note
                from tui.ui.panes.bundle_flow import apply_opened

                apply_opened(pane, self.ctx.offline)
            await self.action_show_pane(pane.PANE_ID)
        else:
            await self.action_show_pane(pane.PANE_ID)  # loads the draft and the outbox first
            pane.apply_launch(launch.params, launch.operation)

    def on_ready(self) -> None:
        """The first frame is out: end the launch's GC pause, keep the CSS rules it parsed."""
        gcpause.resume()
        self._save_css_cache()
        # And the dataclass methods and regexes compiled so far, if tui.cli served them from disk.
        compiled = compile_cache.pending()
        if compiled is not None:
            self.work.run(compiled.write, key="compile cache", pooled=False)

    def _save_css_cache(self) -> None:
        """Keep what the first frame parsed for the next launch (only if something was new).

        The write (pickle and fsync) runs in a file job: the event loop keeps drawing.
        """
        stylesheet = self.stylesheet
        if not isinstance(stylesheet, CachedStylesheet):  # Textual's css monitor may replace it
            return
        pending = stylesheet.pending()
        if pending is not None:
            self.work.run(pending.write, key="css rules cache", pooled=False)

    def on_work_done(self, message: Work.Done) -> None:
        self.work.deliver(message)

    def on_work_failed(self, message: Work.Failed) -> None:
        self.work.deliver(message)

    def on_ui_mfa_prompter_code_requested(self, message: UiMfaPrompter.CodeRequested) -> None:
        """A worker's botocore call needs an MFA code: open the prompt (its answer ends the wait)."""
        message.prompter.show(message.request)

    def on_ui_mfa_prompter_code_withdrawn(self, message: UiMfaPrompter.CodeWithdrawn) -> None:
        """The worker stopped waiting for its code: take the prompt away."""
        message.prompter.withdraw(message.request)

    def _catch_stop_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self.STOP_SIGNALS:
            try:
                loop.add_signal_handler(sig, self._stop_signalled, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # no signals on this loop
                continue
            self._caught_signals.append(sig)

    def _stop_signalled(self, sig: int) -> None:
        """SIGHUP or SIGTERM: write every pane's unsaved work first, then exit as on quit."""
        for pane in self.panes:
            pane.save_unsaved()
        self.exit(return_code=128 + sig)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._caught_signals:
            loop.remove_signal_handler(sig)
        self._caught_signals.clear()

    # -- panes -----------------------------------------------------------------------------
    @property
    def panes(self) -> list[Pane]:
        """The panes made so far (a pane is made when first shown)."""
        return list(self._panes.values())

    def pane(self, pane_id: str) -> Pane:
        """The pane ``pane_id``, made (and its module imported) on first use."""
        pane = self._panes.get(pane_id)
        if pane is None:
            info = pane_info(pane_id)
            if info is None:
                raise KeyError(pane_id)
            pane = self._panes[pane_id] = info.load()(self.ctx)
        return pane

    @property
    def current_pane(self) -> Pane:
        switcher = self.query_one(ContentSwitcher)
        return self.query_one(f"#{switcher.current}", Pane)

    async def action_show_pane(self, pane_id: str) -> None:
        pane = self.pane(pane_id)
        switcher = self.query_one(ContentSwitcher)
        if not pane.is_attached:
            await switcher.mount(pane)
        switcher.current = pane.id
        self.query_one(PaneTabs).set_active(pane_id)
        self.sub_title = pane.TITLE
        pane.activate()

    # -- app-wide actions ------------------------------------------------------------------
    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen, collect_bindings

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
                    f"{count(sending, 'send')} {'is' if sending == 1 else 'are'} in flight.",
                    "They are journaled: the next start offers to re-send what got no answer.",
                ],
                confirm_label="Quit",
                danger=True,
            ),
            answer,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        for info in PANES:
            yield SystemCommand(
                f"Pane {info.key}: {info.title}",
                f"Show the {info.title} pane",
                # The palette awaits what its callback returns: the coroutine runs on the loop.
                lambda p=info.pane_id: self.action_show_pane(p),
            )
        yield SystemCommand("Switch profile", "Pick another AWS profile", self.action_pick_profile)
        yield SystemCommand("Switch region", "Pick another AWS region", self.action_pick_region)
        yield SystemCommand("Reload pane", "Load the current pane again", self.action_reload_pane)
        yield SystemCommand(
            "Sign in (SSO)", "Device-code sign-in for this profile (L)", self.action_sign_in
        )
        yield SystemCommand("Help", "Every key of the current pane", self.action_help)
        yield SystemCommand("Settings", "Edit config.toml's settings (,)", self.action_settings)
        pane_commands = getattr(self.current_pane, "palette_commands", None)
        if pane_commands is not None:
            for title, help_text, run in pane_commands():
                yield SystemCommand(title, help_text, run)
        yield from binding_commands(self, screen)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Screenshots (palette "Screenshot") go where exports go: a jump host has no ~/Downloads."""
        if path is None:
            folder = export_directory(self.ctx.settings)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                self.notify(f"Cannot save a screenshot in {folder}: {err}", severity="error",
                            markup=False)  # fmt: skip
                return None
            path = str(folder)
        return super().deliver_screenshot(filename, path, time_format)

    def action_reload_pane(self) -> None:
        self.current_pane.reload()

    def action_pick_profile(self) -> None:
        """Offer the AWS config's profiles (read in a worker)."""
        self.flows.pick_profile()

    def action_pick_region(self) -> None:
        """Offer the regions, with where each pane works (worked out in a worker)."""
        self.flows.pick_region(self.current_pane.PANE_ID)

    def action_settings(self) -> None:
        """Edit the common settings of config.toml (saved atomically, mode 0600)."""
        self.flows.settings()

    def action_sign_in(self) -> None:
        """Sign in with the SSO device-code flow: the code opens on any device (a phone)."""
        self.flows.sign_in()

    def switch_connection(self, **changes: object) -> None:
        """New profile/region: rebuild clients, refresh the header, reload every pane."""
        self.flows.switch_connection(**changes)
