"""The one client factory: boto3 clients built once per (options, service) and shared.

boto3 sessions are not thread-safe but clients are, so the factory builds clients under a lock and
hands the same client to every worker thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from tui.logsetup import register_secret
from tui.services.options import ConnectionOptions
from tui.services.pool import CallPool
from tui.services.mfa import install_mfa_prompter


class ClientFactory:
    """Build and cache boto3 clients for one set of ConnectionOptions.

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
        self._session: boto3.session.Session | None = None
        self._clients: dict[str, Any] = {}

    def with_options(self, options: ConnectionOptions) -> ClientFactory:
        if options == self.options:
            return self
        return ClientFactory(
            options, self.pool, mfa_prompter=self.mfa_prompter, role_cache=self.role_cache
        )

    @property
    def session(self) -> boto3.session.Session:
        with self._lock:
            return self._get_session()

    def _get_session(self) -> boto3.session.Session:
        if self._session is None:
            session = build_session(self.options)
            if self.mfa_prompter is not None:
                install_mfa_prompter(session, self.mfa_prompter, cache=self.role_cache)
            self._session = session
        return self._session

    def client(self, service: str) -> Any:
        """The shared client for ``service`` (boto3 name, e.g. ``"ivs-realtime"``)."""
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
        client = self._get_session().client(service, **kwargs)  # type: ignore[call-overload]
        self.pool.watch_client(client)
        _register_secrets(self._get_session())
        return client


def build_session(options: ConnectionOptions) -> boto3.session.Session:
    """A boto3 session for ``options.profile`` (None: boto3's own default chain)."""
    session = boto3.session.Session(profile_name=options.profile, region_name=options.region)
    _install_fast_timestamp_parser(session)
    return session


def _register_secrets(session: boto3.session.Session) -> None:
    """Tell the log redactor the resolved secrets, so no debug line can carry them."""
    register_secret(os.environ.get("AWS_BEARER_TOKEN_CODECATALYST"))
    credentials = session.get_credentials()
    if credentials is None:
        return
    frozen = credentials.get_frozen_credentials()
    register_secret(frozen.secret_key)
    register_secret(frozen.token)


def _install_fast_timestamp_parser(session: boto3.session.Session) -> None:
    """Use a fromisoformat-based timestamp parser: dateutil dominates CPU on large pages."""
    from tui.services.timeparse import install_fast_timestamp_parser

    install_fast_timestamp_parser(session)
