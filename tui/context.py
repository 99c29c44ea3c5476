"""What the app runs with: options, clients, settings, and the demo sandbox if any.

One object built by the launcher and handed to the App, so panes never read global state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.errors import EventdeckError
from tui.services.mfa import RoleCache
from tui.services.options import ConnectionOptions, LaunchTarget
from tui.services.pool import CallPool
from tui.services.prefetch import Prefetch
from tui.services.resolve import Resolved, describe_destination
from tui.services.scope import Scope, ScopeClients
from tui.services.session import ClientFactory
from tui.settings import Settings


@dataclass
class AppContext:
    """Everything app-wide; ``factory`` is swapped when the profile or region changes."""

    options: ConnectionOptions
    settings: Any = None
    settings_path: Path | None = None
    launch: LaunchTarget | None = None
    demo: Any = None  # the running tui.sandbox.Sandbox under --demo (and --open)
    offline: Any = None  # the tui.services.bundle.Bundle opened with --open (shown OFFLINE)
    warnings: list[str] = field(default_factory=list)
    log_path: Path | None = None
    pool: CallPool = field(default_factory=CallPool)
    mfa_prompter: Callable[[str], str] | None = None
    # Shared by every factory: a role's credentials (and its MFA prompt) serve them all.
    role_cache: dict[str, Any] = field(default_factory=RoleCache)
    prefetch: Prefetch = field(default_factory=Prefetch)
    outbox_root: Path | None = None  # None: the user's outbox; the demo keeps its own
    factory: ClientFactory = field(init=False)
    scope: Scope | None = None  # several profiles × regions the listings fan out over (S)
    _scope_clients: ScopeClients | None = field(default=None, repr=False, compare=False)
    # Saves run in worker threads: one save at a time, so none is lost or lands out of order.
    _save_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.settings is None:
            self.settings = Settings()
        self.factory = self._new_factory()

    def _new_factory(self, options: ConnectionOptions | None = None) -> ClientFactory:
        return ClientFactory(
            options or self.options,
            self.pool,
            mfa_prompter=self.mfa_prompter,
            role_cache=self.role_cache,
            own_outbox=self.demo is not None,  # the demo's outbox; its port changes every run
        )

    def set_mfa_prompter(self, prompter: Callable[[str], str]) -> None:
        """Ask ``prompter`` for MFA codes, now and in every factory made after a switch."""
        self.mfa_prompter = prompter
        self.factory.set_mfa_prompter(prompter)

    def switch(self, **changes: Any) -> None:
        """Rebuild clients for new options (profile, region, endpoint), or after signing in.

        Raises ConfigError (and changes nothing) when the new options do not resolve. It reads
        the AWS config: the UI calls ``prepare_switch`` in a worker and ``adopt`` on its loop.
        """
        self.adopt(self.prepare_switch(**changes))

    def prepare_switch(self, **changes: Any) -> ClientFactory:
        """A factory for the options with ``changes``, resolved (reads the AWS config files).

        Why apart from ``adopt``: resolving reads files, so it runs in a worker thread; nothing
        of this context changes until the UI adopts the answer. Raises ConfigError for options
        that do not resolve: a bad profile must not half-switch.
        """
        factory = self._new_factory(self.options.with_(**changes))
        factory.resolved  # noqa: B018 - resolve now, in the caller's thread
        return factory

    def adopt(self, factory: ClientFactory) -> None:
        """Use ``factory`` (from ``prepare_switch``) and its options from now on."""
        self.options, self.factory = factory.options, factory
        self.prefetch = Prefetch()  # pages fetched for the old connection are not for the new
        self._scope_clients = None  # the scope's targets resolve from the new options

    def set_scope(self, scope: Scope | None) -> None:
        """Fan the listings out over ``scope`` from now on (None: the one profile and region)."""
        self.scope = scope
        self._scope_clients = None

    @property
    def scope_clients(self) -> ScopeClients:
        """A client factory per (profile, region) of the scope, built like ``factory``.

        Under --demo the profiles are the sandbox's demo profiles, each signing with its own
        dummy keys (the demo never reads the user's AWS config or credentials).
        """
        if self._scope_clients is None:
            given = self.demo.profile_credentials() if self.demo is not None else {}
            self._scope_clients = ScopeClients(
                self.options, self.pool, make=self._new_factory, credentials=given
            )
        return self._scope_clients

    def remember(self, change: Callable[[Any], Any]) -> str | None:
        """Apply ``change`` to the settings and save them; the error text if saving failed.

        Call it in a worker (the save fsyncs, slow on NFS homes): the UI goes through
        ``tui.ui.work.remember_settings``, which applies the change on the loop and calls ``save``
        in a worker. Remembering is a convenience: a read-only or broken config file must not
        stop the user, so a failure is reported, never raised.
        """
        with self._save_lock:
            self.settings = change(self.settings)
            return self._save()

    def save(self) -> str | None:
        """Write the newest settings to ``settings_path``; the error text if that failed.

        Why serialised: saves run in worker threads; one at a time, each writing the newest
        settings, so two quick changes never land on disk in the wrong order.
        """
        with self._save_lock:
            return self._save()

    def _save(self) -> str | None:
        from tui.settings import save_settings

        if self.settings_path is None:
            return None
        try:
            save_settings(self.settings, self.settings_path)
        except (EventdeckError, OSError) as exc:
            return str(exc)
        return None

    @property
    def resolved(self) -> Resolved:
        """Where calls go now, and why: what the header, confirmation and journal all show."""
        return self.factory.resolved

    def destination(self, service: str) -> dict[str, Any]:
        """Where a call to ``service`` goes now (profile, region, endpoint)."""
        return self.factory.destination(service)

    def same_destination(self, context: dict[str, Any], service: str) -> bool:
        """Whether a journaled batch for ``service`` was going where its calls go now.

        Why: a batch left pending by a crash must be re-sent to where it was going, never to
        another account or endpoint the user has switched to since.
        """
        return self.factory.same_destination(context, service)

    def describe_destination(self, context: dict[str, Any]) -> str:
        """Where a journaled batch was going, in one line."""
        return describe_destination(context)

    def destination_lines(self, service: str) -> list[str]:
        """Profile, region and endpoint for ``service`` with their sources (the send confirmation)."""
        where = self.resolved
        endpoint = where.endpoint(service)
        shown = endpoint.value or ("sandbox" if self.demo is not None else "AWS")
        return [
            f"Profile:  {where.profile.describe()}",
            f"Region:   {where.region.describe('none')}",
            f"Endpoint: {shown} (from {endpoint.source})"
            if endpoint.value
            else f"Endpoint: {shown} (the region's public endpoint)",
        ]

    @property
    def endpoint_label(self) -> str:
        """The header's endpoint: the custom one, "several endpoints", or AWS."""
        custom = self.resolved.custom_endpoint
        if self.demo is not None:
            return custom or "sandbox"
        return custom or "AWS"

    @property
    def is_custom_endpoint(self) -> bool:
        return self.resolved.custom_endpoint is not None
