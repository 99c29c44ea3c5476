"""Translate botocore and urllib3 exceptions into eventdeck's typed errors.

The UI must never inspect botocore types, and a person at 3 a.m. needs the next step, not a stack
trace: every service call runs inside ``aws_call(...)``, which turns what boto3 raised into an
``EventdeckError`` naming the action, the resource and the fix, with the original as ``__cause__``.

The parts: ``error_context`` (what was attempted), ``error_codes`` (code families),
``error_response`` (a service's own text and request id), ``error_local`` (botocore's own errors)
and ``error_answered`` (AWS's answers).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tui.errors import ConfigError, EndpointError, EventdeckError
from tui.logsetup import current_log_path
from tui.services.error_context import CallContext, endpoint_of
from tui.services.error_response import request_id_of, service_message
from tui.services.options import ConnectionOptions
from tui.services.resolve import Resolved

# The parts live beside this module; these names are the public face the services import.
__all__ = [
    "CallContext",
    "aws_call",
    "call",
    "request_id_of",
    "service_message",
    "translate",
    "translate_aws",
]

_log = logging.getLogger(__name__)


@contextmanager
def aws_call(
    service: str,
    operation: str,
    *,
    resource: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    options: ConnectionOptions | None = None,
    resolved: Resolved | None = None,
) -> Iterator[CallContext]:
    """Run one AWS call; re-raise anything boto3 raises as a typed, actionable EventdeckError.

    ``resolved`` (else ``options``) fills in profile, region, endpoint, attempts and CA bundle
    when they are not given, so the advice names what was really in force (AWS_PROFILE,
    AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE…). Exceptions that are not from botocore/urllib3
    (programming errors) pass through untouched.
    """
    if resolved is not None:
        bundle = resolved.ca_bundle
        ctx = CallContext(
            service=service,
            operation=operation,
            resource=resource,
            profile=profile if profile is not None else resolved.profile.value,
            endpoint=endpoint if endpoint is not None else resolved.endpoint(service).value,
            max_attempts=resolved.max_attempts.value,
            region=resolved.region.value,
            ca_bundle=bundle.describe() if bundle.value else None,
        )
    else:
        ctx = CallContext(
            service=service,
            operation=operation,
            resource=resource,
            profile=profile if profile is not None else (options.profile if options else None),
            endpoint=endpoint
            if endpoint is not None
            else (options.endpoint_url if options else None),
            max_attempts=options.max_attempts if options else None,
            region=options.region if options else None,
        )
    try:
        yield ctx
    except EventdeckError:
        raise
    except Exception as exc:
        mapped = translate_aws(exc, ctx)
        if mapped is None:
            raise
        # INFO: into the --debug log, never onto the terminal (no handler prints below WARNING)
        _log.info(
            "%s %s failed (%s, request id %s): %s",
            service,
            operation,
            type(exc).__name__,
            mapped.request_id or "none",
            mapped.message,
        )
        raise mapped from exc


def translate(exc: BaseException, ctx: CallContext | None = None) -> EventdeckError:
    """Any exception as an EventdeckError the UI can show (the UI's last-resort path).

    AWS and transport errors get their typed translation; anything else (a bug) is wrapped as a
    plain EventdeckError naming its type, so a worker failure is an error row, not a crash.
    """
    if isinstance(exc, EventdeckError):
        return exc
    mapped = translate_aws(exc, ctx or CallContext(service="aws", operation="the call"))
    if mapped is not None:
        return mapped
    _log.error(
        "unexpected error (a bug in eventdeck): %s: %s",
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    log = current_log_path()
    where = f"its traceback is in {log}" if log else "run with --debug to log its traceback"
    return EventdeckError(f"{type(exc).__name__}: {exc}", hint=f"A bug in eventdeck: {where}.")


def translate_aws(exc: BaseException, ctx: CallContext) -> EventdeckError | None:
    """The EventdeckError for ``exc`` in ``ctx``, or None when it is not an AWS/transport error."""
    # Imported here, not at the top: the panes import this module, and their first paint needs
    # neither botocore nor urllib3 (~90 ms); an error to translate means botocore is loaded.
    import urllib3.exceptions
    from botocore import exceptions as bce

    from tui.services.error_answered import from_client_error
    from tui.services.error_local import from_botocore_error

    if isinstance(exc, bce.ClientError):
        return from_client_error(exc, ctx)
    if isinstance(exc, bce.BotoCoreError):
        return from_botocore_error(exc, ctx)
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return EndpointError(
            f"Network error talking to {endpoint_of(ctx)} during {ctx.operation}: {exc}",
            hint="Check the network and --endpoint-url, then retry.",
        )
    if isinstance(exc, OSError) and "CA certificate bundle" in str(exc):
        return ConfigError(
            f"The CA bundle could not be used: {exc}",
            hint="Pass --ca-bundle with the path of a PEM file, or unset AWS_CA_BUNDLE.",
        )
    return None


def _resolved(factory: Any) -> Resolved | None:
    """The factory's resolved destination, or None when it cannot say (the call then reports why)."""
    try:
        resolved = factory.resolved
    except Exception:  # an unknown profile: building the client raises the real error
        return None
    return resolved if isinstance(resolved, Resolved) else None


def call(
    factory: Any, service: str, operation: str, *, resource: str | None = None, **params: Any
) -> dict[str, Any]:
    """Call ``operation`` (API name, e.g. ``"ListStages"``) on ``factory``'s shared client.

    Parameters whose value is None are left out (boto3 rejects None); the client is fetched inside
    ``aws_call`` because building it can fail too (unknown profile, no region).
    """
    kwargs = {key: value for key, value in params.items() if value is not None}
    with aws_call(
        service, operation, resource=resource, options=factory.options, resolved=_resolved(factory)
    ):
        client = factory.client(service)
        response: dict[str, Any] = getattr(client, _method_name(operation))(**kwargs)
    return response


def _method_name(operation: str) -> str:
    """The client method for ``operation`` (``ListEvents`` -> ``list_events``), as botocore names it."""
    from botocore import xform_name

    name: str = xform_name(operation)
    return name
