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
from typing import Any

import botocore.session
from botocore.config import Config

from tui.logsetup import register_secret
from tui.services import send_retry
from tui.services.mfa import install_mfa_prompter
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.scan import spawn


class ClientFactory:
    """Build and cache clients for one set of ConnectionOptions.

    Switching profile or region means a new factory (``with_options``); the old clients are dropped.
    """

    def __init__(
        self,
        options: ConnectionOptions,
        pool: CallPool | None = None,
        *,
        mfa_prompter: Callable[[str], str] | None = None,
        role_cache: dict[str, Any] | None = None,
    ) -> None:
        self.options = options
        self.pool = pool or CallPool()
        self.mfa_prompter = mfa_prompter
        self.role_cache = role_cache if role_cache is not None else {}
        self._lock = threading.Lock()
        self._session: botocore.session.Session | None = None
        self._clients: dict[str, Any] = {}

    def with_options(self, options: ConnectionOptions) -> ClientFactory:
        if options == self.options:
            return self
        return ClientFactory(
            options, self.pool, mfa_prompter=self.mfa_prompter, role_cache=self.role_cache
        )

    @property
    def session(self) -> botocore.session.Session:
        with self._lock:
            return self._get_session()

    def _get_session(self) -> botocore.session.Session:
        if self._session is None:
            session = build_session(self.options)
            if self.mfa_prompter is not None:
                install_mfa_prompter(session, self.mfa_prompter, cache=self.role_cache)
            self._session = session
        return self._session

    def set_mfa_prompter(self, prompter: Callable[[str], str]) -> None:
        """Ask ``prompter`` for MFA codes from now on (the app supplies it once it is running)."""
        with self._lock:
            self.mfa_prompter = prompter
            if self._session is not None:
                install_mfa_prompter(self._session, prompter, cache=self.role_cache)

    def prewarm(self, service: str) -> threading.Thread | None:
        """Build ``service``'s client in the background while the UI starts.

        Why: building a client (service model, endpoint rules, credentials) takes ~50 ms that the
        first page would otherwise wait for. Skipped when the profile may ask for an MFA code:
        nothing could answer it before the app runs. Errors surface on the first real call.
        """
        if self._session is not None or profile_may_prompt(self.options.profile):
            return None

        def build() -> None:
            with contextlib.suppress(Exception):
                self.client(service)

        return spawn("prewarm", build)

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
        opts = self.options
        config = Config(
            retries={"mode": "standard", "total_max_attempts": max(1, opts.max_attempts)},
            read_timeout=opts.read_timeout if opts.read_timeout is not None else 60,
            connect_timeout=opts.connect_timeout if opts.connect_timeout is not None else 60,
            max_pool_connections=32,
            user_agent_extra="eventdeck",
        )
        kwargs: dict[str, Any] = {"config": config, "verify": opts.verify}
        if opts.endpoint_url:
            kwargs["endpoint_url"] = opts.endpoint_url
        if opts.region:
            kwargs["region_name"] = opts.region
        client = self._get_session().create_client(service, **kwargs)
        send_retry.install(client)  # never retry a PutPartnerEvents that may have arrived
        self.pool.watch_client(client)
        _register_secrets(self._get_session())
        return client


def build_session(options: ConnectionOptions) -> botocore.session.Session:
    """A session for ``options.profile`` (None: the default chain, AWS_PROFILE included)."""
    session = botocore.session.Session(profile=options.profile)
    # botocore reads AWS_DEFAULT_REGION only; the AWS CLI v2 and the other SDKs honour AWS_REGION
    # first, and so does eventdeck (after --region).
    region = options.region or os.environ.get("AWS_REGION")
    if region:
        session.set_config_variable("region", region)
    _install_fast_timestamp_parser(session)
    return session


def profile_may_prompt(profile: str | None) -> bool:
    """True when resolving ``profile``'s credentials may ask for an MFA code."""
    try:
        profiles = botocore.session.Session().full_config.get("profiles", {})
    except Exception:  # a broken config: let the real call report it
        return True
    name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    seen: set[str] = set()
    while name and name not in seen:
        seen.add(name)
        section = profiles.get(name, {})
        if section.get("mfa_serial"):
            return True
        name = section.get("source_profile")
    return False


def _register_secrets(session: botocore.session.Session) -> None:
    """Tell the log redactor the resolved secrets, so no debug line can carry them."""
    register_secret(os.environ.get("AWS_BEARER_TOKEN_CODECATALYST"))
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
