"""The Textual App: the shell around the five panes, app-wide bindings, palette, themes, keymap.

It composes and handles app-wide concerns only; each pane owns its own views and calls.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from tui.context import AppContext
from tui.keymap import apply_keymap
from tui.services.session import ClientFactory
from tui.services.signin import SsoLogin
from tui.services.sso_cache import SsoTarget, sso_target
from tui.settings import export_directory, update
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
from tui.ui.format import format_key
from tui.ui.panes.base import Pane
from tui.ui.panes.browse import BrowsePane
from tui.ui.screens.choice import ChoiceScreen
from tui.ui.screens.help import HelpScreen, collect_bindings, group_of
from tui.ui.screens.mfa_prompt import UiMfaPrompter
from tui.ui.screens.settings import SettingsSaved, SettingsScreen
from tui.ui.screens.sso_login import SsoLoginScreen
from tui.ui.styles import STYLESHEETS
from tui.ui.widgets.hint_line import HintLine
from tui.ui.widgets.pane_tabs import PaneTabs
from tui.ui.widgets.status_header import StatusHeader
from tui.words import count


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


_T = TypeVar("_T")

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


def pane_classes() -> list[type[Pane]]:
    """The five pane classes, in key order (imports every pane module)."""
    return [info.load() for info in PANES]


def all_binding_ids() -> set[str]:
    """Every binding id declared by eventdeck's widgets and screens (what a keymap may name)."""
    from textual.dom import DOMNode

    pane_classes()  # import every pane (and with them the widgets and screens they use)
    import tui.ui.screens.help
    import tui.ui.screens.inspector  # noqa: F401

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
        super().__init__()
        self.ctx = ctx
        self.clipboard_settings = ClipboardSettings()  # the copy size cap (copy_text reads it)
        self._panes: dict[str, Pane] = {}
        self._caught_signals: list[int] = []
        self._apply_settings()

    # -- set-up ----------------------------------------------------------------------------
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
        self.theme = name
        if settings.keymap:  # checking ids imports every pane: only when there is a keymap
            overrides, warnings = apply_keymap(all_binding_ids(), settings.keymap)
            self.ctx.warnings.extend(warnings)
            if overrides:
                self.set_keymap(overrides)

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
            problem = self.ctx.remember(lambda s: update(s, **{"ui.theme": theme}))
            if problem:
                self.notify(f"Theme not saved: {problem}", severity="warning", markup=False)

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
            info = next((p for p in PANES if p.pane_id == pane_id), None)
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
                lambda p=info.pane_id: self.run_worker(self.action_show_pane(p)),  # type: ignore[misc]
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
        yield from self._binding_commands(screen)

    def _binding_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        """eventdeck's own actions active where the focus is, runnable from the palette.

        A text field's editing keys (Textual's Input and TextArea) are not actions worth a
        palette entry; each entry says where it applies and its key, in the help's words.
        """
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            node = active.node
            if not binding.description or binding.description in seen:
                continue
            if node is self or not type(node).__module__.startswith("tui."):
                continue  # the app's own are listed above; Textual's widgets' are editing keys
            seen.add(binding.description)

            async def run(action: str = binding.action, node: object = node) -> None:
                await self.run_action(action, node)  # type: ignore[arg-type]

            yield SystemCommand(binding.description, f"{group_of(node)} · {format_key(key)}", run)

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
        """List the AWS config's profiles in a worker (it reads files), then offer them."""
        self._read_aws_config(self._read_profile_choice, self._show_profile_choice)

    @staticmethod
    def _read_profile_choice() -> list[str]:
        from tui.services.resolve import profile_names

        return list(profile_names())

    def _show_profile_choice(self, profiles: list[str]) -> None:
        current = str(self.ctx.resolved.profile.value)

        def chosen(profile: str | None) -> None:
            if profile is not None and profile != current:
                self.switch_connection(profile=profile)

        self.push_screen(ChoiceScreen("AWS profile", profiles, current), chosen)

    def _read_aws_config(
        self,
        read: Callable[[], _T],
        then: Callable[[_T], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``read`` (it parses the AWS config or botocore's data) in a thread, then ``then``.

        Why: those reads take tens of milliseconds, longer on the NFS homes of jump hosts; the
        event loop must keep drawing. A broken config becomes a notification (or ``failed``),
        not a crash.
        """

        def work() -> None:
            try:
                result = read()
            except Exception as exc:  # an unreadable config: say so, keep running
                self.call_from_thread(failed or self._config_unreadable, exc)
                return
            self.call_from_thread(then, result)

        self.run_worker(work, thread=True, group="aws-config", exit_on_error=False)

    def _config_unreadable(self, exc: Exception) -> None:
        self.notify(f"The AWS config cannot be read: {exc}", severity="error", markup=False)

    def action_pick_region(self) -> None:
        """Work out the regions and their notes in a worker (botocore's data), then offer them."""
        pane_id = self.current_pane.PANE_ID
        self._read_aws_config(lambda: self._read_region_choice(pane_id), self._show_region_choice)

    def _read_region_choice(
        self, pane_id: str
    ) -> tuple[list[str], dict[str, str], str, str | None]:
        from tui.services.regions import picker_regions, region_note, where_note

        panes = [(info.short_title, info.service) for info in PANES]
        current = self.ctx.resolved.region.value
        regions = list(picker_regions((service for _, service in panes), current))
        notes = {region: region_note(region, panes) for region in regions}
        info = next((p for p in PANES if p.pane_id == pane_id), PANES[0])
        header = where_note(f"{info.short_title} works in", info.service)
        return regions, notes, header, current

    def _show_region_choice(
        self, choice: tuple[list[str], dict[str, str], str, str | None]
    ) -> None:
        regions, notes, header, current = choice

        def chosen(region: str | None) -> None:
            if region is not None and region != current:
                self.switch_connection(region=region)

        self.push_screen(
            ChoiceScreen("AWS region", regions, current, notes=notes, header=header), chosen
        )

    def action_settings(self) -> None:
        """Edit the common settings of config.toml (saved atomically, mode 0600)."""

        def show(profiles: list[str]) -> None:
            self.push_screen(SettingsScreen(self.ctx, profiles=profiles), self._settings_saved)

        self._read_aws_config(self._read_profile_choice, show)

    def _settings_saved(self, saved: SettingsSaved | None) -> None:
        if saved is None or not saved.changed:
            return
        after, changed = saved.after, saved.changed
        if "ui.theme" in changed and self.theme != MONOCHROME_THEME_NAME:
            self.theme = after.ui.theme
        if "aws.max_attempts" in changed:
            attempts = after.aws.max_attempts
            self._read_aws_config(
                lambda: self.ctx.prepare_switch(max_attempts=attempts), self.ctx.adopt
            )
        later = sorted(changed & {"ui.color", "workers.pool_size", "aws.profile", "aws.region"})
        note = f" {', '.join(later)}: from the next start." if later else ""
        self.notify("Settings saved." + note, markup=False)

    def action_sign_in(self) -> None:
        """Sign in with the SSO device-code flow: the code opens on any device (a phone)."""
        options = self.ctx.options
        self._read_aws_config(lambda: sso_target(options), self._sign_in_to, self._cannot_sign_in)

    def _cannot_sign_in(self, exc: Exception) -> None:
        self.notify(str(exc), title="Cannot sign in", severity="error", markup=False)

    def _sign_in_to(self, target: SsoTarget | None) -> None:
        """Open the sign-in screen for ``target`` (read from the AWS config in a worker)."""
        if target is None:
            self.notify(
                f"Profile {self.ctx.resolved.profile.value} does not use SSO.", markup=False
            )
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.switch_connection()

        login = SsoLogin(target, verify=self.ctx.options.verify, factory=self.ctx.factory)
        self.push_screen(SsoLoginScreen(login), done)

    def switch_connection(self, **changes: object) -> None:
        """New profile/region: rebuild clients, refresh the header, reload every pane."""
        if isinstance(self.ctx.mfa_prompter, UiMfaPrompter) and "profile" in changes:
            self.ctx.mfa_prompter.profile = changes["profile"]  # type: ignore[assignment]
        self._read_aws_config(
            lambda: self.ctx.prepare_switch(**changes), self._switched, self._not_switched
        )

    def _not_switched(self, err: Exception) -> None:
        self.notify(str(err), title="Not switched", severity="error", markup=False)

    def _switched(self, factory: ClientFactory) -> None:
        """Adopt the connection resolved in a worker: refresh the header, reload every pane."""
        self.ctx.adopt(factory)
        self.query_one(StatusHeader).refresh_identity()
        for pane in self.panes:
            pane.reload()
        where = self.ctx.resolved
        self.notify(f"Now using {where.profile.value} · {where.region.value or '?'}", markup=False)
