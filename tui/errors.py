"""Typed errors that every layer raises and the UI shows.

Each error carries a message a person can act on; botocore exceptions are translated into these
at the service boundary (``tui.services.errormap``) so the UI never inspects botocore types.
"""

from __future__ import annotations


class EventdeckError(Exception):
    """Base class: ``str(err)`` is the message shown to the user, ``hint`` the next step.

    ``request_id`` is AWS's id for the failed request (support cases need it); when given, the
    message ends with it, so every place that shows the message shows the id too.
    ``sso_sign_in`` says whether an SSO sign-in (the app's ``L``) is the fix: only for profiles
    that use SSO, never for access keys.
    """

    sso_sign_in: bool = False

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        request_id: str | None = None,
        sso_sign_in: bool | None = None,
    ) -> None:
        if request_id and request_id not in message:
            message = f"{message} (request id {request_id})"
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.request_id = request_id
        if sso_sign_in is not None:
            self.sso_sign_in = sso_sign_in

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(EventdeckError):
    """The configuration (CLI options, config file, AWS profile) is unusable."""


class AuthError(EventdeckError):
    """Credentials or tokens are missing, expired or refused."""


class SsoTokenExpiredError(AuthError):
    """An SSO token is missing or expired; ``hint`` names the `aws sso login` command."""

    sso_sign_in = True


class BearerTokenMissingError(AuthError):
    """CodeCatalyst needs a bearer token and none was found."""


class MfaRequiredError(AuthError):
    """An assume-role profile needs an MFA code and no prompt could supply it."""


class AccessDeniedError(AuthError):
    """AWS refused the action on the resource."""


class NotFoundError(EventdeckError):
    """The named resource (stage, session, space, domain, stream…) does not exist."""


class ValidationError(EventdeckError):
    """AWS (or the sandbox) rejected the request's parameters."""


class ThrottledError(EventdeckError):
    """Still throttled after every retry attempt."""


class ServiceError(EventdeckError):
    """AWS answered with an error not covered above (5xx, unknown code)."""


class EndpointError(EventdeckError):
    """The endpoint could not be reached (DNS, connection refused, TLS, timeout)."""


class ReadOnlyError(EventdeckError):
    """A send was attempted while eventdeck runs with ``--read-only``."""


class InputError(EventdeckError):
    """Local input (a file to load, a form field) is unusable; ``location`` says where."""

    def __init__(
        self, message: str, *, location: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.location = location
