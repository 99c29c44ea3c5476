"""Connection options: the AWS CLI's global options, resolved once and passed everywhere.

One frozen value so that clients can be cached by it and workers can share it safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class ConnectionOptions:
    """What the AWS CLI's global options mean for every client eventdeck builds.

    ``None`` means "let boto3 decide" (environment, ``~/.aws/config``), exactly as the AWS CLI does,
    so AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL(_<SERVICE>) keep working.
    """

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    read_timeout: float | None = None
    connect_timeout: float | None = None
    max_attempts: int = 5
    read_only: bool = False
    # Extra environment-style settings for the demo sandbox (e.g. a bearer token); never persisted.
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=True)

    def with_(self, **changes: object) -> ConnectionOptions:
        """Return a copy with ``changes`` applied (used when switching profile or region)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def verify(self) -> bool | str:
        """The ``verify`` argument boto3 wants: False, a CA bundle path, or True."""
        if not self.verify_ssl:
            return False
        return self.ca_bundle or True
