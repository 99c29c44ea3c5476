"""MFA for assume-role profiles: ask a prompter the UI provides instead of botocore's getpass.

botocore's assume-role provider reads the MFA code from stdin with getpass, which hangs under a
TUI; and its MFA refresher refuses a second refresh, which would force a restart when the role's
credentials expire. ``install_mfa_prompter`` fixes both for one boto3 session.

Calls made at once that need the same role's credentials ask once: the fetch (prompt, AssumeRole,
cache write) is serialised by the ``RoleCache`` the sessions share, so a call that waited finds
the credentials the first one got, and a prompt the user cancelled fails the waiting calls too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, MutableMapping
from typing import Any

from tui.errors import MfaRequiredError

MfaPrompter = Callable[[str], str]
"""Given botocore's prompt ("Enter MFA code for <serial>: "), return the code the user typed."""

_SERIAL_RE = re.compile(r"MFA code for (?P<serial>.+?):?\s*$")


class RoleCache(dict[str, Any]):
    """Assume-role credentials shared by every session of the app, and the gate of their fetches.

    Why a gate beside the cache: botocore checks the cache, then asks for the code and calls
    AssumeRole; two sessions refreshing at once would both miss the cache and ask twice (and send
    one code twice, which MFA refuses). Holding the gate across the whole fetch makes the second
    find the first one's credentials.
    """

    def __init__(self) -> None:
        super().__init__()
        self.gate = FetchGate()


class FetchGate:
    """One assume-role fetch at a time; a cancelled prompt also ends the fetches that waited on it.

    Why re-entrant: a role whose source profile is itself a role fetches the source's credentials
    inside its own fetch, in the same thread.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._finished = 0  # fetches finished so far
        self._cancelled: tuple[int, MfaRequiredError] | None = None  # (fetch number, its error)

    def run(self, fetch: Callable[[], Any]) -> Any:
        """Run ``fetch`` alone; raise the cancellation of a fetch that finished while we waited."""
        seen = self._finished
        with self._lock:
            cancelled = self._cancelled
            if cancelled is not None and cancelled[0] > seen:
                raise MfaRequiredError(cancelled[1].message, hint=cancelled[1].hint)
            try:
                return fetch()
            except MfaRequiredError as exc:
                self._cancelled = (self._finished + 1, exc)
                raise
            finally:
                self._finished += 1


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
    kept by the caller; a ``RoleCache`` when several sessions share it) lets a profile switched
    away from and back to reuse unexpired role credentials instead of asking again, and makes
    concurrent fetches ask once. Returns False when the session has no assume-role
    provider (credentials passed explicitly). Call before the first client is built.
    """
    from botocore.exceptions import UnknownCredentialError  # here: the first paint needs none

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
    gate = cache.gate if isinstance(cache, RoleCache) else FetchGate()
    load = provider._load_creds_via_assume_role

    def load_with_reprompt(profile_name: str) -> Any:
        credentials = load(profile_name)
        _allow_reprompt(credentials, gate)
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


def _allow_reprompt(credentials: Any, gate: FetchGate) -> None:
    """Unwrap botocore's one-shot MFA refresher so expiry asks the prompter again, through ``gate``."""
    refresher = getattr(credentials, "_refresh_using", None)
    inner = getattr(refresher, "_refresh", None)
    if callable(inner) and type(refresher).__name__ == "_Refresher":
        credentials._refresh_using = lambda: gate.run(inner)
