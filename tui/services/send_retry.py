"""The retry policy of sends without an idempotency key: never retry what may have reached AWS.

Why: botocore's standard (and legacy) retry mode retries read timeouts and connections closed
after the request was written. For PutPartnerEvents, which has no idempotency key, such a retry
records the entries a second time whenever AWS did the work but answered late. This module vetoes
those retries for the operations listed in ``NO_BLIND_RETRY``: botocore still retries what AWS
answered (throttles, 5xx: they had no effect) and what never left the client (no connection, a
connect timeout); a request that may have arrived ends with its error, and the caller marks its
entries *unconfirmed*. PutEvents (Personalize) is not listed: every event carries its eventId
across every retry, and Personalize keeps only the first event with a given id.

Installed per client (``install``) through botocore's ``needs-retry`` event, apart from where
``max_attempts``/``retry_mode`` are configured, so both can change independently.
"""

from __future__ import annotations

from typing import Any

from botocore import exceptions as bce

# service id (hyphenized, as botocore names its events) -> operations never retried blindly
NO_BLIND_RETRY: dict[str, tuple[str, ...]] = {"eventbridge": ("PutPartnerEvents",)}

# The request never left the client: nothing can have arrived, a retry is safe.
_NEVER_SENT = (bce.EndpointConnectionError, bce.ConnectTimeoutError, bce.ProxyConnectionError)
_UNIQUE_ID = "eventdeck-no-blind-retry"


def never_sent(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) proves the request was never written."""
    for cause in _chain(exc):
        if isinstance(cause, _NEVER_SENT):
            return True
        if isinstance(cause, bce.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(cause):
            return True  # refused during the handshake, before any byte of the request
    return False


def may_have_arrived(exc: BaseException | None) -> bool:
    """True when a send ended with no answer after the request may have been written.

    A read timeout or a connection closed mid-call: AWS may have recorded the request. An answer
    from AWS (any ClientError) or a connection that never opened is not "may have arrived".
    """
    if exc is None or never_sent(exc):
        return False
    return any(
        isinstance(cause, (bce.HTTPClientError, bce.ConnectionError)) for cause in _chain(exc)
    )


def install(client: Any) -> None:
    """Veto botocore's retries of a request that may have arrived, for the listed operations."""
    service_id = client.meta.service_model.service_id.hyphenize()
    for operation in NO_BLIND_RETRY.get(service_id, ()):
        # Handlers of the most specific event name run first: this one before botocore's own.
        client.meta.events.register_first(
            f"needs-retry.{service_id}.{operation}",
            _refuse_blind_retry,
            unique_id=f"{_UNIQUE_ID}-{operation}",
        )


def _refuse_blind_retry(caught_exception: BaseException | None = None, **_: Any) -> None:
    """Re-raise the error of a request that may have arrived, so nothing retries it."""
    if caught_exception is not None and may_have_arrived(caught_exception):
        raise caught_exception


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
