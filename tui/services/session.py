"""The one client factory: AWS clients built once per (options, service) and shared.

Sessions are not thread-safe but clients are, so the factory builds clients under a lock and hands
the same client to every worker thread. It builds them with botocore's own Session (what a
boto3 Session wraps, with the same profile, region, environment and credential chain): importing
boto3 also imports s3transfer, about 60 ms of a ~400 ms launch, for nothing eventdeck uses.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.errors import ConfigError
from tui.logsetup import register_secret
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.resolve import (
    Resolved,
    new_session,
    read_aws_config,
    resolve,
    resolve_with_session,
    same_destination,
    session_profile,
)
from tui.services.scan import spawn

if TYPE_CHECKING:  # botocore is imported where a session or client is built (not for the header)
    import botocore.session


class ClientFactory:
    """Build and cache clients for one set of ConnectionOptions.

    Switching profile or region means a new factory (AppContext.switch); the old clients are dropped.
    """

    def __init__(
        self,
        options: ConnectionOptions,
        pool: CallPool | None = None,
        *,
        mfa_prompter: Callable[[str], str] | None = None,
        role_cache: dict[str, Any] | None = None,
        own_outbox: bool = False,
    ) -> None:
        """``own_outbox``: the demo's, whose sandbox port changes every run (any batch is its own)."""
        self.options = options
        self.own_outbox = own_outbox
        self.pool = pool or CallPool()
        self.mfa_prompter = mfa_prompter
        self.role_cache = role_cache if role_cache is not None else {}
        self._lock = threading.Lock()
        self._session: botocore.session.Session | None = None
        self._resolved: Resolved | None = None
        # The launch's early child's resolution of these options (``stand_in``), shown by the
        # header and trusted by the early page's check until this process's own (``confirm``).
        self._provisional: Resolved | None = None
        # The session the resolver read the config with: the clients' session, built once.
        self._resolver_session: botocore.session.Session | None = None
        self._resolve_lock = threading.Lock()
        self._clients: dict[str, Any] = {}

    @property
    def session(self) -> botocore.session.Session:
        with self._lock:
            return self._get_session()

    @property
    def resolved(self) -> Resolved:
        """Where this factory's calls go, and why (resolved once; raises for an unknown profile).

        Why its own lock: the client lock is held while a client is built (credentials may take
        seconds), and the header reads this on the UI thread. Until this process has confirmed
        its own resolution, the early child's stands in: the first paint imports no botocore.
        """
        resolved = self._provisional or self._resolved
        return resolved if resolved is not None else self._get_resolved()

    @property
    def provisional(self) -> bool:
        """Whether ``resolved`` is still the early child's answer, not confirmed by this process."""
        return self._provisional is not None

    def stand_in(self, resolved: Resolved) -> None:
        """Show ``resolved`` (the early child's answer for these options) until ``confirm``.

        Once only, and never over a resolution of this process's own.
        """
        with self._resolve_lock:
            if self._resolved is None and self._provisional is None:
                self._provisional = resolved

    def confirm(self, own: Resolved, session: botocore.session.Session | None = None) -> bool:
        """Adopt ``own`` (this process's resolution of the same options, made in a worker).

        True when it is the provisional one (or there was none); False when it differs (the AWS
        config changed while the app started): the caller then switches to a factory built on
        ``own`` and reloads, so no page stays on screen under the wrong destination's name.
        ``session``: the one ``own`` was resolved with, kept for the clients (the AWS config is
        then not read a second time).
        """
        with self._resolve_lock:
            same = self._provisional is None or (
                own == self._provisional and self._resolved in (None, own)
            )
            if same:
                if self._resolved is None:
                    self._resolved, self._resolver_session = own, session
                self._provisional = None
            return same

    def resolver_session(self) -> botocore.session.Session | None:
        """The session this factory resolved with, handed over once (None if used or none)."""
        with self._resolve_lock:
            spare, self._resolver_session = self._resolver_session, None
            return spare

    def _get_resolved(self) -> Resolved:
        """This process's own resolution: what sessions and clients are built from.

        Why it raises when it differs from the provisional one: a call must never go to one
        destination while the header names another; the app's confirmation switches instead.
        """
        resolved = self._resolved
        if resolved is None:
            with self._resolve_lock:
                if self._resolved is None:
                    self._resolved, self._resolver_session = resolve_with_session(self.options)
                resolved = self._resolved
        provisional = self._provisional
        if provisional is not None and resolved != provisional:
            raise ConfigError(
                "The AWS configuration changed while eventdeck started: reloading at the "
                "destination it names now."
            )
        return resolved

    def destination(self, service: str) -> dict[str, Any]:
        """Where a call to ``service`` goes (profile, region, endpoint): what the journal keeps."""
        return self.resolved.destination(service)

    def same_destination(self, recorded: dict[str, Any], service: str) -> bool:
        """Whether a journaled destination is where ``service``'s calls go now."""
        if self.own_outbox:
            return True
        return same_destination(recorded, self.destination(service))

    def _get_session(self) -> botocore.session.Session:
        if self._session is None:
            resolved = self._get_resolved()
            session = build_session(self.options, resolved, self.resolver_session())
            if self.mfa_prompter is not None:
                from tui.services.mfa import install_mfa_prompter

                install_mfa_prompter(session, self.mfa_prompter, cache=self.role_cache)
            self._session = session
        return self._session

    def set_mfa_prompter(self, prompter: Callable[[str], str]) -> None:
        """Ask ``prompter`` for MFA codes from now on (the app supplies it once it is running)."""
        with self._lock:
            self.mfa_prompter = prompter
            if self._session is not None:
                from tui.services.mfa import install_mfa_prompter

                install_mfa_prompter(self._session, prompter, cache=self.role_cache)

    def prewarm(self, service: str) -> threading.Thread | None:
        """Build ``service``'s client in the background while the UI starts.

        Why: building a client (service model, endpoint rules, credentials) takes ~50 ms that the
        first page would otherwise wait for. Skipped when the profile may ask for an MFA code:
        nothing could answer it before the app runs. Errors surface on the first real call.
        """
        if self._session is not None or profile_may_prompt(self.resolved.profile.value):
            return None

        def build() -> None:
            with contextlib.suppress(Exception):
                self.client(service)

        return spawn("prewarm", build)

    def unsigned_client(
        self,
        service: str,
        region: str,
        *,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
    ) -> Any:
        """A new unsigned client (sso-oidc's device sign-in), watched by the pool like the rest.

        Why not cached: it is for another region and endpoint than this factory's calls, and
        needs no credentials (that is what it is used to get).
        """
        from botocore import UNSIGNED
        from botocore.config import Config

        config = Config(
            region_name=region,
            signature_version=UNSIGNED,
            retries={"mode": "standard", "total_max_attempts": 3},
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra="eventdeck",
        )
        kwargs: dict[str, Any] = {"config": config, "verify": verify}
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        client = new_session().create_client(service, **kwargs)
        self.pool.watch_client(client)
        return client

    def client(self, service: str) -> Any:
        """The shared client for ``service`` (boto3's name, e.g. ``"ivs-realtime"``)."""
        client = self._clients.get(service)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._build_client(service)
                self._clients[service] = client
            return client

    def _build_client(self, service: str) -> Any:
        # Every value comes from the resolver, so what the screens show is what the client uses;
        # verify/endpoint are passed only when the user gave them as flags (botocore resolves
        # AWS_CA_BUNDLE, the profile's ca_bundle and configured endpoints itself).
        from botocore.config import Config

        from tui.services import send_retry

        where = self._get_resolved()
        config = Config(
            retries={
                "mode": where.retry_mode.value,
                "total_max_attempts": int(where.max_attempts.value),
            },
            read_timeout=where.read_timeout.value,
            connect_timeout=where.connect_timeout.value,
            max_pool_connections=32,
            user_agent_extra="eventdeck",
        )
        kwargs: dict[str, Any] = {"config": config, "verify": where.verify_argument}
        if self.options.endpoint_url:
            kwargs["endpoint_url"] = self.options.endpoint_url
        if where.region.value:
            kwargs["region_name"] = where.region.value
        client = self._get_session().create_client(service, **kwargs)
        send_retry.install(client)  # never retry a PutPartnerEvents that may have arrived
        self.pool.watch_client(client)
        _register_secrets(self._get_session(), self.options)
        return client


def build_session(
    options: ConnectionOptions,
    resolved: Resolved | None = None,
    session: botocore.session.Session | None = None,
) -> botocore.session.Session:
    """A session for the resolved profile (one from AWS_PROFILE is left to botocore's own chain).

    ``session``: the one the resolver made for these options (``resolve_with_session``), set up
    here instead of a new one.
    """
    resolved = resolved or resolve(options)
    if session is None:
        session = new_session(session_profile(resolved.profile), isolated=options.isolated)
    if options.isolated:
        _use_given_credentials(session, dict(options.extra))
    # botocore reads AWS_DEFAULT_REGION only; the AWS CLI v2 and the other SDKs honour AWS_REGION
    # first, and so does eventdeck (after --region): the resolver's region is the one in force.
    if resolved.region.value:
        session.set_config_variable("region", resolved.region.value)
    _install_fast_timestamp_parser(session)
    return session


def profile_may_prompt(profile: str | None, config: dict[str, Any] | None = None) -> bool:
    """True when resolving ``profile``'s credentials may ask for an MFA code.

    ``config``: the AWS config as a session already read it (its ``full_config``), so the
    files are not parsed again by a new session (~5 ms).
    """
    try:
        profiles = (config if config is not None else read_aws_config()).get("profiles", {})
    except Exception:  # a broken config: let the real call report it
        return True
    name = profile or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE")
    seen: set[str] = set()
    while name and name not in seen:
        seen.add(name)
        section = profiles.get(name, {})
        if section.get("mfa_serial"):
            return True
        name = section.get("source_profile")
    return False


def _use_given_credentials(session: botocore.session.Session, given: dict[str, str]) -> None:
    """Sign with ``given``'s keys and bearer token only (the demo's), never the environment's.

    Why through the session: setting them in os.environ would leak into every later session of
    the process and hide the user's own variables; the token goes in through the session's
    public token-provider chain, scoped like botocore's own environment provider.
    """
    from botocore.tokens import ScopedEnvTokenProvider, TokenProviderChain

    session.set_credentials(given["AWS_ACCESS_KEY_ID"], given["AWS_SECRET_ACCESS_KEY"])
    token = {k: v for k, v in given.items() if k == "AWS_BEARER_TOKEN_CODECATALYST"}
    provider = ScopedEnvTokenProvider(session, environ=token)
    session.register_component("token_provider", TokenProviderChain(providers=[provider]))


def _register_secrets(session: botocore.session.Session, options: ConnectionOptions) -> None:
    """Tell the log redactor the resolved secrets, so no debug line can carry them."""
    register_secret(os.environ.get("AWS_BEARER_TOKEN_CODECATALYST"))
    for _key, value in options.extra:
        register_secret(value)
    credentials = session.get_credentials()
    if credentials is None:
        return
    frozen = credentials.get_frozen_credentials()
    register_secret(frozen.secret_key)
    register_secret(frozen.token)


def _install_fast_timestamp_parser(session: botocore.session.Session) -> None:
    """Use a fromisoformat-based timestamp parser: dateutil dominates CPU on large pages."""
    from tui.services.timeparse import install_fast_timestamp_parser

    install_fast_timestamp_parser(session)
