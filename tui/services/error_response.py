"""Reading a service's error answer: its own text (from the members its model declares), its request id.

Why apart: where a service puts its error text is service-specific (IVS Real-Time's
``exceptionMessage`` leaves botocore's ``Error.Message`` empty); the model says, not the code.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _error_message_members(service: str, code: str) -> tuple[str, ...]:
    """The members of ``service``'s error shape ``code`` that carry its text, from the model.

    Why: botocore fills ``Error.Message`` only from a body key named ``message``/``Message``;
    IVS Real-Time declares ``exceptionMessage`` instead, which botocore parses into the
    response's top level (the modeled error fields) while ``Error.Message`` stays empty.
    """
    import botocore.loaders
    from botocore.model import ServiceModel

    try:
        data = botocore.loaders.Loader().load_service_model(service, "service-2")
        shape = ServiceModel(data, service).shape_for_error_code(code)
    except Exception:  # an unknown service or model: no declared members
        return ()
    if shape is None:
        return ()
    return tuple(
        name
        for name, member in shape.members.items()
        if member.type_name == "string"
        and "message" in name.lower()
        and member.serialization.get("location") != "header"
    )


def service_message(response: dict[str, Any], service: str) -> str:
    """The service's own text for an error response: Error.Message, else a declared member."""
    error = response.get("Error") or {}
    message = str(error.get("Message") or "").strip()
    if message:
        return message
    code = str(error.get("Code") or "")
    names = _error_message_members(service, code) if code else ()
    # undeclared fallbacks: the keys botocore's modeled parse would produce for common shapes
    for name in (*names, "message", "Message", "exceptionMessage", "errorMessage"):
        value = response.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def request_id_of(response: dict[str, Any]) -> str | None:
    """AWS's request id for a response (ResponseMetadata.RequestId, else the raw headers)."""
    meta = response.get("ResponseMetadata") or {}
    rid = meta.get("RequestId")
    if not rid:
        headers = {str(k).lower(): v for k, v in (meta.get("HTTPHeaders") or {}).items()}
        rid = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    return str(rid) if rid else None
