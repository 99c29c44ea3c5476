"""The app-wide screen flows: profile and region pickers, settings, SSO sign-in, switching.

Why apart from the App: each flow reads the AWS config (or botocore's data) in a worker, then
opens a screen and acts on its answer; the App only binds keys and palette entries to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App

from tui.context import AppContext
from tui.services.session import ClientFactory
from tui.services.sso_cache import SsoTarget, sso_target
from tui.shell.panes import PANES, pane_info
from tui.themes import MONOCHROME_THEME_NAME
from tui.ui.key_order import hold_keys
from tui.ui.panes.base import Pane
from tui.ui.screens.mfa_prompt import UiMfaPrompter
from tui.ui.widgets.status_header import StatusHeader
from tui.ui.work import Work

# The screens of these flows (and the sign-in service) are imported when a flow first opens
# one: none is on the first screen, and together they cost ~50 ms of the launch.
if TYPE_CHECKING:
    from tui.ui.screens.settings import SettingsSaved

_T = TypeVar("_T")

RegionChoice = tuple[list[str], dict[str, str], str, str | None]


class ShellFlows:
    """The flows the App's bindings and palette start; composed by the App, holding no state.

    Why an object: the flows share the App (screens, notifications, workers) and the context, and
    the App stays the place that says which key or palette entry starts which flow.
    """

    def __init__(
        self, app: App[Any], ctx: AppContext, work: Work, panes: Callable[[], list[Pane]]
    ) -> None:
        self.app = app
        self.ctx = ctx
        self.work = work  # the App's: its file jobs come back to the App's handlers
        self._panes = panes

    def read_aws_config(
        self,
        read: Callable[[], _T],
        then: Callable[[_T], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        opens_dialog: bool = False,
    ) -> None:
        """Run ``read`` (it parses the AWS config or botocore's data) in a file job, then ``then``.

        Why: those reads take tens of milliseconds, longer on the NFS homes of jump hosts; the
        event loop must keep drawing. A broken config becomes a notification (or ``failed``, given
        the exception itself, so its own words are shown), not a crash. ``opens_dialog``: ``then``
        shows a dialog, and the keys typed meanwhile wait for it (``hold_keys``).
        """
        let_keys_go = hold_keys(self.app) if opens_dialog else None

        def job() -> tuple[bool, Any]:
            try:
                return True, read()
            except Exception as exc:  # an unreadable config: say so, keep running
                return False, exc

        def done(outcome: tuple[bool, Any]) -> None:
            ok, value = outcome
            try:
                if ok:
                    then(value)
                else:
                    (failed or self._config_unreadable)(value)
            finally:
                if let_keys_go is not None:
                    let_keys_go()

        self.work.run(job, done, key="aws-config", pooled=False, group="aws-config")

    def _config_unreadable(self, exc: Exception) -> None:
        self.app.notify(f"The AWS config cannot be read: {exc}", severity="error", markup=False)

    # -- profile and region ----------------------------------------------------------------
    def pick_profile(self) -> None:
        """List the AWS config's profiles in a worker (it reads files), then offer them."""
        self.read_aws_config(read_profile_choice, self._show_profile_choice, opens_dialog=True)

    def _show_profile_choice(self, profiles: list[str]) -> None:
        from tui.ui.screens.choice import ChoiceScreen

        current = str(self.ctx.resolved.profile.value)

        def chosen(profile: str | None) -> None:
            if profile is not None and profile != current:
                self.switch_connection(profile=profile)

        self.app.push_screen(ChoiceScreen("AWS profile", profiles, current), chosen)

    def pick_region(self, pane_id: str) -> None:
        """Work out the regions and their notes in a worker (botocore's data), then offer them."""
        ctx = self.ctx
        self.read_aws_config(
            lambda: read_region_choice(pane_id, ctx.resolved.region.value),
            self._show_region_choice,
            opens_dialog=True,
        )

    def _show_region_choice(self, choice: RegionChoice) -> None:
        from tui.ui.screens.choice import ChoiceScreen

        regions, notes, header, current = choice

        def chosen(region: str | None) -> None:
            if region is not None and region != current:
                self.switch_connection(region=region)

        self.app.push_screen(
            ChoiceScreen("AWS region", regions, current, notes=notes, header=header), chosen
        )

    # -- settings --------------------------------------------------------------------------
    def settings(self) -> None:
        """Edit the common settings of config.toml (saved atomically, mode 0600)."""

        def show(profiles: list[str]) -> None:
            from tui.ui.screens.settings import SettingsScreen

            self.app.push_screen(SettingsScreen(self.ctx, profiles=profiles), self._settings_saved)

        self.read_aws_config(read_profile_choice, show, opens_dialog=True)

    def _settings_saved(self, saved: SettingsSaved | None) -> None:
        if saved is None or not saved.changed:
            return
        after, changed = saved.after, saved.changed
        if "ui.theme" in changed and self.app.theme != MONOCHROME_THEME_NAME:
            self.app.theme = after.ui.theme
        if "aws.max_attempts" in changed:
            attempts = after.aws.max_attempts
            self.read_aws_config(
                lambda: self.ctx.prepare_switch(max_attempts=attempts), self.ctx.adopt
            )
        later = sorted(changed & {"ui.color", "workers.pool_size", "aws.profile", "aws.region"})
        note = f" {', '.join(later)}: from the next start." if later else ""
        self.app.notify("Settings saved." + note, markup=False)

    # -- SSO sign-in -----------------------------------------------------------------------
    def sign_in(self) -> None:
        """Sign in with the SSO device-code flow: the code opens on any device (a phone)."""
        options = self.ctx.options
        self.read_aws_config(
            lambda: sso_target(options), self._sign_in_to, self._cannot_sign_in, opens_dialog=True
        )

    def _cannot_sign_in(self, exc: Exception) -> None:
        self.app.notify(str(exc), title="Cannot sign in", severity="error", markup=False)

    def _sign_in_to(self, target: SsoTarget | None) -> None:
        """Open the sign-in screen for ``target`` (read from the AWS config in a worker)."""
        if target is None:
            self.app.notify(
                f"Profile {self.ctx.resolved.profile.value} does not use SSO.", markup=False
            )
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.switch_connection()

        from tui.services.signin import SsoLogin
        from tui.ui.screens.sso_login import SsoLoginScreen

        login = SsoLogin(target, verify=self.ctx.options.verify, factory=self.ctx.factory)
        self.app.push_screen(SsoLoginScreen(login), done)

    # -- switching the connection ----------------------------------------------------------
    def switch_connection(self, **changes: object) -> None:
        """New profile/region: rebuild clients, refresh the header, reload every pane."""
        if isinstance(self.ctx.mfa_prompter, UiMfaPrompter) and "profile" in changes:
            self.ctx.mfa_prompter.profile = changes["profile"]  # type: ignore[assignment]
        self.read_aws_config(
            lambda: self.ctx.prepare_switch(**changes), self._switched, self._not_switched
        )

    def confirm_resolution(self) -> None:
        """Resolve the connection in this process (a worker), after the early child's stand-in.

        Why: the header and the early page used the child's resolution so the first paint needed
        no botocore; if the config changed in between, the page and header were for the old
        destination, so the app switches to the new one (header, every pane reloaded).
        """
        factory = self.ctx.factory
        launch = self.ctx.launch
        info = pane_info(launch.pane) if launch is not None else None

        def resolve_here() -> tuple[ClientFactory, bool]:
            fresh = self.ctx.prepare_switch()
            # Thread-safe; the header's text is unchanged. The session ``fresh`` resolved with
            # goes to the clients: the AWS config is read once here, not again by the prewarm.
            same = factory.confirm(fresh.resolved, fresh.resolver_session())
            if same and info is not None and info.service:
                factory.prewarm(info.service)  # the next page's client, built off the loop
            return fresh, same

        def confirmed(outcome: tuple[ClientFactory, bool]) -> None:
            fresh, same = outcome
            if not same and self.ctx.factory is factory:
                self._switched(fresh, relaunch=True)

        def failed(err: Exception) -> None:  # e.g. the profile was removed: nothing is sent
            self.app.notify(str(err), title="AWS configuration", severity="error", markup=False)

        self.read_aws_config(resolve_here, confirmed, failed)

    def _not_switched(self, err: Exception) -> None:
        self.app.notify(str(err), title="Not switched", severity="error", markup=False)

    def _switched(self, factory: ClientFactory, relaunch: bool = False) -> None:
        """Adopt the connection resolved in a worker: refresh the header, reload every pane.

        ``relaunch``: the launch target's pane opens its view again (from the AWS CLI words) at
        the new destination, instead of its top level.
        """
        self.ctx.adopt(factory)
        self.app.query_one(StatusHeader).refresh_identity()
        launch = self.ctx.launch if relaunch else None
        for pane in self._panes():
            if launch is not None and launch.pane == pane.PANE_ID and pane.activated:
                pane.cancel_calls()
                pane.apply_launch(launch.params, launch.operation)
            else:
                pane.reload()
        where = self.ctx.resolved
        self.app.notify(
            f"Now using {where.profile.value} · {where.region.value or '?'}", markup=False
        )


def read_profile_choice() -> list[str]:
    """The AWS config's profile names (reads the config files: call it in a worker)."""
    from tui.services.resolve import profile_names

    return list(profile_names())


def read_region_choice(pane_id: str, current: str | None) -> RegionChoice:
    """The picker's regions, a note per region, the header line and the current region."""
    from tui.services.regions import picker_regions, region_note, where_note

    panes = [(info.short_title, info.service) for info in PANES]
    regions = list(picker_regions((service for _, service in panes), current))
    notes = {region: region_note(region, panes) for region in regions}
    info = pane_info(pane_id) or PANES[0]
    header = where_note(f"{info.short_title} works in", info.service)
    return regions, notes, header, current
