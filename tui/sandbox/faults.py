"""Fault injection for the sandbox: throttling, server errors, latency and dropped connections.

Why: retry and resume logic can only be trusted if it has been seen to survive the failures AWS
really produces; a seeded RNG drawn once per request under a lock makes a run reproducible.
A throttle, error or reset never reaches a backend, so it has no effect and a retry cannot
duplicate it. Latency is added before the backend by default; with ``late`` (the share of requests
answered late) the request is processed first and only the answer is delayed, which is what a
client read timeout looks like against the real AWS: the work was done, the answer came too late
(``latency=1500ms,late=0.3``: 30% of the served requests are answered 1.5 s late, the rest at once).
"""

from __future__ import annotations

import json
import random
import re
import threading
import uuid
from dataclasses import dataclass

# How each service spells throttling and internal errors: (protocol, throttle code, throttle
# status, error code, message key).  Taken from the botocore models where they model the error;
# where a model is silent the service's generic Coral error is used (ThrottlingException/400,
# InternalFailure/500).
_SPELLING: dict[str, tuple[str, str, int, str, str]] = {
    "events": ("json", "ThrottlingException", 400, "InternalException", "message"),
    "personalize": ("rest-json", "ThrottlingException", 400, "InternalFailure", "message"),
    "ivs": ("rest-json", "ThrottlingException", 429, "InternalServerException", "exceptionMessage"),
    "profile": ("rest-json", "ThrottlingException", 429, "InternalServerException", "Message"),
    "bearer": ("rest-json", "ThrottlingException", 429, "InternalServerException", "message"),
}

_KINDS = ("throttle", "error", "reset")


@dataclass(frozen=True)
class FaultSpec:
    """A parsed fault spec: shares of throttle/error/reset, a fixed extra latency and a seed."""

    throttle: float = 0.0
    error: float = 0.0
    reset: float = 0.0
    latency: float = 0.0  # seconds added to every faultable request
    late: float = 0.0  # share of served requests answered late (only those get the latency)
    seed: int = 0

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """Parse "throttle=0.1,error=0.05,latency=20ms,reset=0.01,late=0.5,seed=7" (any subset).

        Why: one compact string works the same on the command line, in tests and in set_faults.
        """
        values: dict[str, float | int] = {}
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            key, sep, raw = part.partition("=")
            key, raw = key.strip().lower(), raw.strip()
            if not sep or not raw:
                raise ValueError(f"fault spec item {part!r} is not key=value")
            if key in (*_KINDS, "late"):
                share = _number(raw, part)
                if not 0.0 <= share <= 1.0:
                    raise ValueError(f"fault share {part!r} must be between 0 and 1")
                values[key] = share
            elif key == "latency":
                values[key] = _duration(raw, part)
            elif key == "seed":
                try:
                    values[key] = int(raw)
                except ValueError:
                    raise ValueError(f"fault seed {raw!r} is not an integer") from None
            else:
                raise ValueError(
                    f"unknown fault {key!r} "
                    "(expected throttle, error, reset, latency, late or seed)"
                )
        parsed = cls(**values)  # type: ignore[arg-type]
        if parsed.late and not parsed.latency:
            raise ValueError("fault 'late' needs a latency (e.g. latency=1500ms,late=1.0)")
        if parsed.throttle + parsed.error + parsed.reset > 1.0:
            raise ValueError("fault shares throttle+error+reset add up to more than 1")
        return parsed


def _number(raw: str, part: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"fault value in {part!r} is not a number") from None


def _duration(raw: str, part: str) -> float:
    match = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(ms|s)?", raw)
    if not match:
        raise ValueError(f"latency in {part!r} must look like 20ms, 0.5s or 0.02")
    value = float(match.group(1))
    return value / 1000.0 if match.group(2) == "ms" else value


@dataclass(frozen=True)
class Fault:
    """What to do to one request: kind is None (serve it), "throttle", "error" or "reset".

    ``late`` (only for a served request): sleep ``latency`` after the backend ran, not before.
    """

    kind: str | None
    latency: float
    late: bool = False


class FaultInjector:
    """Draws one fault decision per request from a seeded RNG, thread-safely.

    Why: a single lock-guarded RNG makes the sequence of decisions depend only on the seed and
    the order of requests, so a single-threaded client sees the same faults on every run.
    """

    def __init__(self, spec: str | None = None) -> None:
        self._lock = threading.Lock()
        self._spec: FaultSpec | None = None
        self._rng = random.Random(0)
        self.set(spec)

    @property
    def spec(self) -> FaultSpec | None:
        """The active spec, or None when no faults are injected."""
        return self._spec

    def set(self, spec: str | FaultSpec | None) -> None:
        """Replace the spec (None or "" clears it) and reseed the RNG."""
        parsed = FaultSpec.parse(spec) if isinstance(spec, str) and spec.strip() else None
        if isinstance(spec, FaultSpec):
            parsed = spec
        with self._lock:
            self._spec = parsed
            self._rng = random.Random(parsed.seed if parsed else 0)

    def draw(self) -> Fault:
        """Decide the fate of one request."""
        with self._lock:
            spec = self._spec
            if spec is None:
                return Fault(None, 0.0)
            roll = self._rng.random()
            late_roll = self._rng.random() if spec.late else 1.0
        # With "late", the latency is the lateness of the answers drawn late and nothing else.
        latency = 0.0 if spec.late else spec.latency
        edge = 0.0
        for kind in _KINDS:
            edge += getattr(spec, kind)
            if roll < edge:
                return Fault(kind, latency)
        if late_roll < spec.late:
            return Fault(None, spec.latency, late=True)
        return Fault(None, latency)


def error_response(route: str, kind: str) -> tuple[int, dict[str, str], bytes]:
    """Build the throttling or internal-error response the given service would send.

    Why: botocore's retry logic keys on the error code, so each service must be spelled as its
    protocol does it (json: "__type" in the body; rest-json: the x-amzn-ErrorType header).
    """
    protocol, throttle, throttle_status, internal, message_key = _SPELLING.get(
        route, _SPELLING["bearer"]
    )
    if kind == "throttle":
        code, status, message = throttle, throttle_status, "Rate exceeded"
    else:
        code, status, message = internal, 500, "Internal service error (injected by the sandbox)"
    return protocol_error(protocol, status, code, message, message_key)


def protocol_error(
    protocol: str, status: int, code: str, message: str, message_key: str = "message"
) -> tuple[int, dict[str, str], bytes]:
    """Serialize an AWS error for the json or rest-json protocol."""
    headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())}
    if protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.1"
        body = {"__type": code, "message": message}
    else:
        headers["Content-Type"] = "application/json"
        body = {message_key: message}
    return status, headers, json.dumps(body).encode()
