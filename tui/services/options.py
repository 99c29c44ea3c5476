"""Connection options: the AWS CLI's global options, resolved once and passed everywhere.

One frozen value so that clients can be cached by it and workers can share it safely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

# What a sandbox's options carry in ``extra`` (dummy values the sandbox accepts, never real ones).
SANDBOX_KEYS = frozenset(
    {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_CODECATALYST"}
)
# Variables that must not reach isolated options: they would name a real profile or credential.
_HIDDEN_WHEN_ISOLATED = frozenset(
    {
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_BEARER_TOKEN_CODECATALYST",
    }
)


@dataclass(frozen=True)
class ConnectionOptions:
    """What the AWS CLI's global options mean for every client eventdeck builds.

    These are only what the user *gave* (flags, or a choice made in the app); ``None`` means "not
    given", and ``tui.services.resolve`` then finds the value in force exactly as the AWS CLI v2
    does (environment, ``~/.aws/config``), so AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL(_<SERVICE>)
    and AWS_CA_BUNDLE keep working. ``default_profile``/``default_region`` come from eventdeck's
    config.toml and lose to the environment; ``max_attempts`` is eventdeck's retry budget, used
    when neither AWS_MAX_ATTEMPTS nor the profile's ``max_attempts`` is set.
    """

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    read_timeout: float | None = None
    connect_timeout: float | None = None
    max_attempts: int = 5
    default_profile: str | None = None
    default_region: str | None = None
    read_only: bool = False
    # Extra environment-style settings for the demo sandbox (e.g. a bearer token); never persisted.
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=True)

    def with_(self, **changes: object) -> ConnectionOptions:
        """Return a copy with ``changes`` applied (used when switching profile or region)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def for_sandbox(
        self, endpoint: str, region: str, ca_bundle: str, credentials: dict[str, str]
    ) -> ConnectionOptions:
        """These options pointed at a local sandbox: its endpoint, region, certificate and keys.

        Why: ``--demo`` (app and doctor) must never reach a real profile, endpoint or credential.
        ``credentials`` (the sandbox's dummy AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
        AWS_BEARER_TOKEN_CODECATALYST) travel in ``extra``; the process environment is untouched.
        """
        return self.with_(
            profile=None,
            default_profile=None,
            region=region,
            endpoint_url=endpoint,
            ca_bundle=ca_bundle,
            verify_ssl=True,
            extra=tuple(sorted((k, v) for k, v in credentials.items() if k in SANDBOX_KEYS)),
        )

    @property
    def isolated(self) -> bool:
        """Whether these options carry their own credentials (the demo's): no profile applies."""
        return any(key == "AWS_ACCESS_KEY_ID" for key, _ in self.extra)

    def environment(self, environ: Mapping[str, str] | None = None) -> Mapping[str, str]:
        """The environment the resolver reads: the process's, or for isolated options the
        process's without any profile or credential variable, plus ``extra``."""
        env = os.environ if environ is None else environ
        if not self.isolated:
            return env
        kept = {k: v for k, v in env.items() if k not in _HIDDEN_WHEN_ISOLATED}
        return {**kept, **dict(self.extra)}

    @property
    def verify(self) -> bool | str | None:
        """The ``verify`` argument botocore wants: False, a --ca-bundle path, or None.

        None lets botocore resolve AWS_CA_BUNDLE and the profile's ``ca_bundle``; ``True`` would
        override both.
        """
        if not self.verify_ssl:
            return False
        return self.ca_bundle or None


@dataclass(frozen=True)
class LaunchTarget:
    """Which pane to open, pre-filled with the AWS CLI operation's parameters.

    Why here: the command line makes it and the app context carries it, and the context sits
    below the entry modules, so the value lives with the other launch-time options.
    """

    pane: str
    operation: str
    params: dict[str, str] = field(default_factory=dict)
