"""What was being attempted when an AWS call failed: named in every translated message.

Why apart: the translation of local (botocore) errors and of AWS's answers both word their
messages from it, and ``errormap.aws_call`` builds it from the resolved destination.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CallContext:
    """What was being attempted when the error happened: named in every message."""

    service: str
    operation: str
    resource: str | None = None
    profile: str | None = None
    endpoint: str | None = None
    max_attempts: int | None = None
    region: str | None = None
    ca_bundle: str | None = None  # "PATH (from SOURCE)": what TLS verification used, if known

    @property
    def action(self) -> str:
        """The IAM-style action name, e.g. ``ivs:ListParticipantEvents``."""
        prefix = _IAM_PREFIX.get(self.service, self.service)
        return f"{prefix}:{self.operation}"

    @property
    def where(self) -> str:
        return f" on {self.resource}" if self.resource else ""

    def profile_flag(self) -> str:
        profile = self.profile or os.environ.get("AWS_PROFILE")
        return f" --profile {profile}" if profile else ""

    def who(self) -> str:
        profile = self.profile or os.environ.get("AWS_PROFILE")
        return f"profile '{profile}'" if profile else "the current profile"


_IAM_PREFIX = {
    "ivs-realtime": "ivs",
    "customer-profiles": "profile",
    "personalize-events": "personalize",
    "codecatalyst": "codecatalyst",
    "events": "events",
}


def endpoint_of(ctx: CallContext, exc: BaseException | None = None) -> str:
    kwargs = getattr(exc, "kwargs", None) or {}
    url = kwargs.get("endpoint_url") or ctx.endpoint
    return str(url) if url else f"the {ctx.service} endpoint"


def attempts_note(ctx: CallContext) -> str:
    return f" after {ctx.max_attempts} attempts" if ctx.max_attempts else ""
