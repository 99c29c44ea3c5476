"""A browse pane's top listing fanned out over the scope (profiles × regions), and the S picker.

Why one module: IVS stages, Customer Profiles domains (and the ``U`` scan) and CodeCatalyst
spaces all list the same way across a scope: one ``fan_out_scope`` run in the level's scan (so
leaving the level cancels it), rows prefixed with PROFILE and REGION (only when the scope has
more than one of each), and every drill-down, copy-as-CLI and console link taken from the row's
own target. The panes pass their single-target level and how to list it; this wraps it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from textual.binding import Binding

from tui.services.paging import Page
from tui.services.resolve import Resolved
from tui.services.scan import ScanCancelled
from tui.services.scope import Found, Scope, Target, fan_out_scope, scope_regions
from tui.services.session import ClientFactory
from tui.ui.panes.level import Level
from tui.ui.widgets.virtual_table import Column, Row

if TYPE_CHECKING:
    from tui.context import AppContext
    from tui.errors import EventdeckError
    from tui.ui.panes.browse import BrowsePane


class ContextHost(Protocol):
    """A pane as far as its context goes (the IVS errors scan passes its own Protocol)."""

    @property
    def ctx(self) -> AppContext: ...


SCOPE_BINDING = Binding("S", "pick_scope", "Scope: profiles × regions", id="browse.scope")
# L on a scoped error row signs in that row's profile; anywhere else, the app's L (its profile).
SIGN_IN_BINDING = Binding(
    "L", "scope_sign_in", "SSO sign-in", id="browse.scope_sign_in", show=False
)
Listing = Callable[[ClientFactory, threading.Event], Iterable[Any]]


def every_page(fetch: Callable[..., Page[Any]], **params: Any) -> Listing:
    """A listing of every page of ``fetch(factory, token, **params)`` (stops between pages)."""
    from functools import partial

    from tui.services.triage_scans import all_items

    return lambda factory, cancel: all_items(partial(fetch, factory, **params), cancel)


def cli_of(service: str, operation: str) -> Callable[[Resolved], str]:
    """The AWS CLI command of a parameterless listing, for a target's connection."""
    from tui.services.cli_command import cli_command

    return lambda where: cli_command(where, service, operation, {})


def scoped_level(
    pane: BrowsePane,
    base: Level,
    service: str,
    listing: Listing,
    open_item: Callable[[Any, ClientFactory, Target], Level | None] | None = None,
    *,
    cli: Callable[[Resolved], str] | None = None,
    hold_slot: bool = True,
) -> Level:
    """``base`` listed across the app's scope (S), or ``base`` itself when there is none.

    A scope of one target that is not the connection in use (a demo profile) lists that
    target, without the PROFILE and REGION columns (the header names it).

    ``listing(factory, cancel)`` lists one target completely; ``open_item(item, factory,
    target)`` drills into a row with its own target's factory; ``cli(where)`` is the AWS CLI
    command for a target (its ``--profile`` and ``--region``). ``hold_slot=False`` when the
    listing takes pool slots itself (a scan that fans out again).
    """
    ctx = pane.ctx
    scope: Scope | None = ctx.scope
    if scope is None:
        return base
    clients = ctx.scope_clients
    targets = scope.targets(service)
    many_profiles = len({t.profile for t in targets}) > 1
    many_regions = len({t.region for t in targets}) > 1
    label = scope.label() if scope.wide else f"{targets[0].profile} · {targets[0].region}"
    columns: list[Column] = []
    if many_profiles:
        # The account apart from the profile: 12 digits are never cut, and each sorts and
        # filters on its own.
        widest = max(len(t.profile) for t in targets)
        columns.append(Column("profile", "Profile", width=min(max(widest, 7), 20)))
        columns.append(Column("account", "Account", width=12))
    if many_regions:
        columns.append(
            Column("region", "Region", width=max(max(len(t.region) for t in targets), 6))
        )
    blanks = ("",) * max(0, len(base.columns) - 1)
    level: Level

    def prefix(found: Found[Any]) -> tuple[str, ...]:
        cells: tuple[str, ...] = ()
        if many_profiles:
            cells += (found.target.profile, found.account or "")
        if many_regions:
            cells += (found.regions,)
        return cells

    def tag(found: Found[Any]) -> dict[str, str | None]:
        target = found.target
        return {"profile": target.profile, "account": found.account, "region": target.region}

    def to_row(found: Found[Any]) -> Row:
        where = f"{found.target.profile}|{found.target.region}"
        if found.error is not None:
            text = str(found.error).splitlines()[0] if str(found.error) else "failed"
            if found.error.sso_sign_in:
                text = f"sign in: L · {text}"
            raw = {"scope": tag(found), "error": str(found.error)}
            return Row(f"{where}|error", (*prefix(found), text, *blanks), "error", raw)
        row = base.to_row(found.item)
        payload = row.payload
        if isinstance(payload, dict):  # export, Y and the query bar see where the row is from
            payload = {**payload, "scope": tag(found)}
        return Row(f"{where}|{row.key}", (*prefix(found), *row.cells), row.style, payload)

    def scan(cancel: threading.Event) -> Page[Any]:
        # Called in the pane's Work run (its worker thread): the counts come back as Work.Progress.
        report = pane.work.reporter(lambda counts: shown_progress(*counts))

        def progress(done: int, total: int) -> None:
            report((done, total))

        try:
            found = fan_out_scope(
                clients,
                targets,
                lambda factory: listing(factory, cancel),
                cancel=cancel,
                progress=progress,
                hold_slot=hold_slot,
            )
        except ScanCancelled:  # the user left the level: its outcome is dropped anyway
            return Page([], None)
        return Page(found, None)

    def shown_progress(done: int, total: int) -> None:
        if pane.level is level:
            level.crumb = f"{base.crumb} · {label}" + (f" · {done}/{total}" if done < total else "")
            pane.update_crumbs()

    def opened(found: Found[Any]) -> Level | None:
        if found.error is not None or open_item is None:
            return None
        return open_item(found.item, clients.factory(found.target), found.target)

    def describe(found: Found[Any]) -> str | None:
        where = found.where
        if found.error is not None:
            return f"{where}: {found.error}".replace("\n", " — ")
        note = base.describe(found.item) if base.describe is not None else None
        return f"{where} · {note}" if note else where

    def inspected(found: Found[Any]) -> object:
        return to_row(found).payload if found.error is not None else base.value_of(found.item)

    def cli_command(item: Found[Any] | None) -> str:
        found = item if item is not None else pane.item_for(pane.table.current_row)
        target = found.target if isinstance(found, Found) else targets[0]
        return cli(clients.where(target)) if cli is not None else ""

    level = Level(
        crumb=f"{base.crumb} · {label} · 0/{len(targets)}",
        columns=columns + base.columns,
        fetch=lambda token: scan(threading.Event()),
        scan=scan,
        to_row=to_row,
        open_item=opened,
        inspect=inspected,
        inspect_title=lambda found: describe(found) or base.crumb,
        cli_command=cli_command if cli is not None else None,
        describe=describe,
        empty_text=f"Nothing in {label}.",
        table_id=f"{base.table_id or pane.table_id(base)}.scope",
    )
    return level


def where_of(pane: BrowsePane, factory: ClientFactory | None) -> Resolved:
    """Where ``factory``'s calls go, named by its scope target when it is one (copy-as-CLI)."""
    ctx = pane.ctx
    if factory is None or factory is ctx.factory or ctx.scope is None:
        return ctx.resolved
    target = ctx.scope_clients.target_of(factory)
    return ctx.scope_clients.where(target) if target is not None else factory.resolved


def pick_scope(pane: BrowsePane, service: str, service_label: str) -> None:
    """S: read the profiles and the service's regions in a worker, then offer the picker."""
    from tui.services.resolve import profile_names
    from tui.ui.screens.scope_picker import ScopeScreen

    ctx = pane.ctx
    home = ctx.resolved
    home_region = str(home.region.value or "us-east-1")
    demo = ctx.demo

    def read() -> tuple[list[str], list[str]]:
        profiles = sorted(demo.profile_credentials()) if demo is not None else list(profile_names())
        return profiles, scope_regions(service, home_region)

    def show(choices: tuple[list[str], list[str]]) -> None:
        profiles, regions = choices
        home_profile = "demo" if demo is not None else str(home.profile.value)
        chosen = ctx.scope or Scope((home_profile,), (home_region,))
        if home_profile not in profiles:
            profiles = [home_profile, *profiles]

        def applied(scope: Scope | None) -> None:
            if scope is None:
                return
            single = Scope((home_profile,), (home_region,))
            ctx.set_scope(None if scope == single else scope)
            rescoped(pane)

        pane.app.push_screen(
            ScopeScreen(profiles, regions, chosen, service_label=service_label), applied
        )

    pane.work.run(read, show, key="scope choices", pooled=False)


def rescoped(pane: BrowsePane) -> None:
    """The scope changed: the header says so and every browse pane lists again."""
    from tui.ui.panes.browse import BrowsePane
    from tui.ui.widgets.status_header import StatusHeader

    for header in pane.app.query(StatusHeader):
        header.refresh_identity()
    for other in pane.app.query(BrowsePane):
        other.reload()
    scope = pane.ctx.scope
    pane.app.notify(
        f"Scope: {scope.label()}" if scope is not None else "Scope: this profile and region",
        markup=False,
    )


def target_ids(pane: ContextHost, factory: ClientFactory | None) -> dict[str, str]:
    """``{"target": "profile|region"}`` for a level under a scoped row (merged into its ids).

    Why: keys that act on the open level (IVS ``E`` and ``V``) must call its row's target,
    and a level keeps only strings; ``factory_of`` turns this back into the factory.
    """
    ctx = pane.ctx
    if factory is None or factory is ctx.factory or ctx.scope is None:
        return {}
    target = ctx.scope_clients.target_of(factory)
    return {"target": f"{target.profile}|{target.region}"} if target is not None else {}


def region_of(pane: BrowsePane, item: Any, ids: dict[str, str]) -> str:
    """The region of a row (a scoped row's target, a level under one) for its console URL."""
    if isinstance(item, Found):
        return item.target.region
    named = ids.get("target")
    if named and pane.ctx.scope is not None:
        return named.partition("|")[2]
    return pane.console_region()


def unwrap(item: Any) -> Any:
    """The AWS item of a scoped row (``Found``), else ``item`` as it is."""
    return item.item if isinstance(item, Found) else item


def factory_of(pane: ContextHost, ids: dict[str, str]) -> ClientFactory:
    """The factory of the open levels' target (``target_ids``), else the one in use."""
    ctx = pane.ctx
    named = ids.get("target")
    if not named or ctx.scope is None:
        return ctx.factory
    profile, _, region = named.partition("|")
    return ctx.scope_clients.factory(Target(profile, region))


def sign_in(pane: BrowsePane) -> None:
    """L: sign in the profile of the scoped error row under the cursor, else the app's profile.

    Why here: an expired SSO token of one profile of the scope shows as its row ("sign in: L");
    signing in the profile in use instead would leave that row failing.
    """
    from tui.services.signin import SsoLogin
    from tui.services.sso_cache import SsoTarget, sso_target
    from tui.ui.key_order import hold_keys
    from tui.ui.screens.sso_login import SsoLoginScreen

    # The keys typed after L wait for the dialog (or the word that there is none).
    let_keys_go = hold_keys(pane.app)
    found = pane.item_for(pane.table.current_row)
    if not isinstance(found, Found) or found.error is None or not found.error.sso_sign_in:

        async def sign_in_the_app() -> None:
            try:
                await pane.app.run_action("sign_in")  # holds the keys again, until its dialog
            finally:
                let_keys_go()

        pane.app.call_later(sign_in_the_app)
        return
    factory = pane.ctx.scope_clients.factory(found.target)
    options = factory.options

    def show(target: SsoTarget | None) -> None:
        if target is None:
            pane.app.notify(f"Profile {found.target.profile} does not use SSO.", markup=False)
            return

        def done(ok: bool | None) -> None:
            if ok:
                pane.reload()

        login = SsoLogin(target, verify=options.verify, factory=factory)
        pane.app.push_screen(SsoLoginScreen(login), done)

    def shown(target: SsoTarget | None) -> None:
        try:
            show(target)
        finally:
            let_keys_go()

    def failed(err: EventdeckError) -> None:
        let_keys_go()
        pane.work.notify_failure(err, title="Cannot sign in")

    pane.work.run(lambda: sso_target(options), shown, failed, key="sso target", pooled=False)
