"""Model-driven rest-json plumbing shared by the sandbox's hand-written backends.

Routes, request members, validation limits, timestamp formats and error statuses all come from the
botocore service model on disk, so the sandbox speaks the same wire format the real service does
and cannot drift from what boto3 and the AWS CLI expect.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import botocore.loaders
from botocore.model import OperationModel, ServiceModel, Shape

Response = tuple[int, dict[str, str], bytes]
Handler = Callable[[dict[str, Any]], dict[str, Any]]


def new_request_id() -> str:
    """A request id as AWS's rest-json and json services send it (x-amzn-RequestId, a UUID)."""
    return str(uuid.uuid4())


class ApiError(Exception):
    """An error the service answers with; its code must be an error shape of the model."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_time(value: Any) -> datetime:
    """Parse an ISO 8601 string or epoch number into an aware UTC datetime (wire or --data file)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.fromtimestamp(float(text), tz=UTC)
        except ValueError:
            pass
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a timestamp: {value!r}")


def iso8601(value: datetime) -> str:
    """Format like AWS does on the wire: UTC, milliseconds, trailing Z."""
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text[:-3] + "Z"


def encode_token(position: int) -> str:
    """An opaque next-token for a position (base64 keeps it inside the models' token patterns)."""
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode_token(token: str | None, error_code: str) -> int | None:
    """Decode encode_token's output, or raise the service's validation error for a forged token."""
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not raw.startswith("p"):
            raise ValueError(raw)
        position = int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(error_code, "The pagination token is invalid.") from None
    if position < 0:
        raise ApiError(error_code, "The pagination token is invalid.")
    return position


class RestJsonService:
    """One botocore service model turned into a router, request parser and response writer.

    ``error_key`` names the message member of the model's error shapes (IVS uses
    ``exceptionMessage``, Customer Profiles ``Message``, CodeCatalyst ``message``).
    """

    def __init__(self, service_name: str, error_key: str, validation_code: str) -> None:
        loader = botocore.loaders.Loader()
        self.model = ServiceModel(
            loader.load_service_model(service_name, "service-2"), service_name
        )
        self.error_key = error_key
        self.validation_code = validation_code
        self._routes: list[tuple[str, re.Pattern[str], OperationModel]] = []
        self._handlers: dict[str, Handler] = {}

    def route(self, operation: str, handler: Handler) -> None:
        """Serve ``operation`` at the method and requestUri the model gives it."""
        op = self.model.operation_model(operation)
        uri = op.http["requestUri"].split("?", 1)[0]
        pattern = ""
        for part in re.split(r"(\{[^}]+\})", uri):
            if part.startswith("{"):
                name = part[1:-1]
                greedy = name.endswith("+")
                pattern += f"(?P<{name.rstrip('+')}>{'.+' if greedy else '[^/]+'})"
            else:
                pattern += re.escape(part)
        self._routes.append((op.http["method"].upper(), re.compile(pattern + "/?"), op))
        self._handlers[operation] = handler

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Response:
        """Dispatch one HTTP request to its operation and write the wire response."""
        path = path.split("?", 1)[0]
        found = self._match(method.upper(), path)
        if found is None:
            return self._error_response(
                404, "UnknownOperationException", f"No route for {method} {path}"
            )
        op, match = found
        try:
            params = self._parse_input(op, match.groupdict(), query, headers, body)
            output = self._handlers[op.name](params)
        except ApiError as exc:
            return self.error(exc.code, exc.message)
        status = int(op.http.get("responseCode", 200))
        payload = self.to_wire(op.output_shape, output) if op.output_shape is not None else {}
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": new_request_id()}
        return status, headers, json.dumps(payload).encode()

    def _match(self, method: str, path: str) -> tuple[OperationModel, re.Match[str]] | None:
        for route_method, regex, op in self._routes:
            match = regex.fullmatch(path)
            if match and route_method == method:
                return op, match
        return None

    # -- errors ------------------------------------------------------------------------------
    def error(self, code: str, message: str) -> Response:
        """The model's status for error shape ``code``, x-amzn-ErrorType, and the message body."""
        shape = self.model.shape_for(code)
        status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        return self._error_response(status, code, message, self.error_key)

    def _error_response(
        self, status: int, code: str, message: str, key: str = "message"
    ) -> Response:
        """An error body with the message under ``key`` (unmodeled errors: the generic "message")."""
        # Only the model's member, as AWS sends it: IVS's "exceptionMessage" leaves botocore's
        # Error.Message empty, which clients must handle (a "message" copy here would hide that).
        body = {key: message}
        headers = {
            "Content-Type": "application/json",
            "x-amzn-ErrorType": code,
            "x-amzn-RequestId": new_request_id(),
        }
        return status, headers, json.dumps(body).encode()

    # -- requests ----------------------------------------------------------------------------
    def _parse_input(
        self,
        op: OperationModel,
        uri_params: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        shape = op.input_shape
        if shape is None:
            return {}
        try:
            doc = json.loads(body) if body.strip() else {}
        except ValueError:
            raise ApiError(self.validation_code, "The request body is not valid JSON.") from None
        if not isinstance(doc, dict):
            raise ApiError(self.validation_code, "The request body must be a JSON object.")
        lower_headers = {k.lower(): v for k, v in headers.items()}
        params: dict[str, Any] = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            raw: Any
            if location == "uri":
                if wire_name not in uri_params:
                    continue
                raw = unquote(uri_params[wire_name])
            elif location == "querystring":
                values = query.get(wire_name)
                if not values:
                    continue
                raw = values if member.type_name == "list" else values[0]
            elif location == "header":
                if wire_name.lower() not in lower_headers:
                    continue
                raw = lower_headers[wire_name.lower()]
            else:
                if wire_name not in doc or doc[wire_name] is None:
                    continue
                raw = doc[wire_name]
            params[name] = self._coerce(member, raw, name, from_text=location is not None)
        for name in shape.required_members:
            if name not in params:
                raise ApiError(self.validation_code, f"{name} is required.")
        return params

    def _coerce(self, shape: Shape, raw: Any, name: str, from_text: bool) -> Any:
        kind = shape.type_name
        bad = ApiError(self.validation_code, f"Invalid value for {name}: {raw!r}.")
        if kind == "integer" or kind == "long":
            try:
                value = int(raw) if from_text else raw
            except ValueError:
                raise bad from None
            if not isinstance(value, int) or isinstance(value, bool):
                raise bad
            lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ApiError(
                    self.validation_code,
                    f"{name} must be between {lo} and {hi}, got {value}.",
                )
            return value
        if kind == "boolean":
            if from_text and raw in ("true", "false"):
                return raw == "true"
            if not isinstance(raw, bool):
                raise bad
            return raw
        if kind == "timestamp":
            try:
                return parse_time(raw)
            except (ValueError, OverflowError, OSError):
                raise ApiError(self.validation_code, f"{name} is not a valid timestamp.") from None
        if kind == "string":
            if not isinstance(raw, str):
                raise bad
            self._check_string(shape, raw, name)
            return raw
        return raw

    def _check_string(self, shape: Shape, value: str, name: str) -> None:
        meta = shape.metadata
        if "min" in meta and len(value) < meta["min"]:
            raise ApiError(
                self.validation_code, f"{name} must be at least {meta['min']} characters."
            )
        if "max" in meta and len(value) > meta["max"]:
            raise ApiError(
                self.validation_code, f"{name} must be at most {meta['max']} characters."
            )
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            raise ApiError(
                self.validation_code,
                f"{name} must match the pattern {meta['pattern']}: {value!r}.",
            )
        if shape.enum and value not in shape.enum:
            raise ApiError(self.validation_code, f"{name} must be one of {', '.join(shape.enum)}.")

    # -- responses and data ------------------------------------------------------------------
    def to_wire(self, shape: Shape, value: Any) -> Any:
        """Serialise stored data (datetimes, extra keys) into exactly the model's output members."""
        kind = shape.type_name
        if kind == "structure":
            out: dict[str, Any] = {}
            for name, member in shape.members.items():
                if member.serialization.get("location"):
                    continue
                item = value.get(name)
                if item is not None:
                    out[member.serialization.get("name", name)] = self.to_wire(member, item)
            return out
        if kind == "list":
            return [self.to_wire(shape.member, item) for item in value]
        if kind == "map":
            return {key: self.to_wire(shape.value, item) for key, item in value.items()}
        if kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
            if fmt.lower() == "iso8601":
                return iso8601(value)
            return round(value.timestamp(), 3)
        return value

    def from_data(self, shape: Shape, value: Any) -> Any:
        """Read one --data file item of ``shape``: timestamps to datetimes, unknown keys kept."""
        kind = shape.type_name
        if kind == "structure" and isinstance(value, dict):
            out = dict(value)
            for name, member in shape.members.items():
                if out.get(name) is not None:
                    out[name] = self.from_data(member, out[name])
            return out
        if kind == "list" and isinstance(value, list):
            return [self.from_data(shape.member, item) for item in value]
        if kind == "timestamp":
            return parse_time(value)
        return value

    def shape(self, name: str) -> Shape:
        """A named shape of the model."""
        return self.model.shape_for(name)


def page(
    items: list[Any], token: str | None, max_results: int, error_code: str
) -> tuple[list[Any], str | None]:
    """Slice ``items`` at an opaque token; the next token is None on the last page."""
    start = decode_token(token, error_code) or 0
    if start > len(items):
        raise ApiError(error_code, "The pagination token is invalid.")
    end = start + max_results
    return items[start:end], (encode_token(end) if end < len(items) else None)
