"""MFA for assume-role profiles: ask a prompter the UI provides instead of botocore's getpass.

botocore's assume-role provider reads the MFA code from stdin with getpass, which hangs under a
TUI; and its MFA refresher refuses a second refresh, which would force a restart when the role's
credentials expire. ``install_mfa_prompter`` fixes both for one boto3 session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from typing import Any

from botocore.exceptions import UnknownCredentialError

from tui.errors import MfaRequiredError

MfaPrompter = Callable[[str], str]
"""Given botocore's prompt ("Enter MFA code for <serial>: "), return the code the user typed."""

_SERIAL_RE = re.compile(r"MFA code for (?P<serial>.+?):?\s*$")


def mfa_serial_from_prompt(prompt: str) -> str | None:
    """The MFA device serial botocore names in its prompt, or None."""
    match = _SERIAL_RE.search(prompt)
    return match.group("serial") if match else None


def install_mfa_prompter(
    session: Any,
    prompter: MfaPrompter,
    *,
    cache: MutableMapping[str, Any] | None = None,
) -> bool:
    """Make the session's assume-role provider ask ``prompter`` for MFA codes, every time needed.

    Why: botocore's default prompter is ``getpass`` on stdin (hangs a TUI), and its MFA refresher
    refuses a second refresh (RefreshWithMFAUnsupportedError), which would force a restart when
    the role's credentials expire; here each refresh asks the prompter again. ``cache`` (a dict
    kept by the caller) lets a profile switched away from and back to reuse unexpired role
    credentials instead of asking again. Returns False when the session has no assume-role
    provider (credentials passed explicitly). Call before the first client is built.
    """
    botocore_session = getattr(session, "_session", session)  # a boto3 or a botocore session
    resolver = botocore_session.get_component("credential_provider")
    try:
        provider = resolver.get_provider("assume-role")
    except UnknownCredentialError:
        return False
    if not hasattr(provider, "_prompter") or not hasattr(provider, "_load_creds_via_assume_role"):
        raise RuntimeError("botocore's AssumeRoleProvider changed: cannot install an MFA prompt")
    provider._prompter = _checked_prompter(prompter)
    if cache is not None:
        provider.cache = cache
    load = provider._load_creds_via_assume_role

    def load_with_reprompt(profile_name: str) -> Any:
        credentials = load(profile_name)
        _allow_reprompt(credentials)
        return credentials

    provider._load_creds_via_assume_role = load_with_reprompt
    return True


def _checked_prompter(prompter: MfaPrompter) -> MfaPrompter:
    def ask(prompt: str) -> str:
        code = prompter(prompt)
        code = (code or "").strip().replace(" ", "")
        if not code:
            serial = mfa_serial_from_prompt(prompt) or "the MFA device"
            raise MfaRequiredError(
                f"No MFA code was given for {serial}.",
                hint="Retry the action and enter the current code from the device.",
            )
        return code

    return ask


def _allow_reprompt(credentials: Any) -> None:
    """Unwrap botocore's one-shot MFA refresher so expiry asks the prompter again."""
    refresher = getattr(credentials, "_refresh_using", None)
    inner = getattr(refresher, "_refresh", None)
    if callable(inner) and type(refresher).__name__ == "_Refresher":
        credentials._refresh_using = inner
