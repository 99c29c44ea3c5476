"""The ``--debug`` log file and the redaction that keeps secrets out of it.

botocore's DEBUG output contains everything needed to act as the user: SigV4 Authorization
headers, session tokens (in headers, canonical requests and presigned query strings), bearer
tokens, and response bodies of STS, SSO and SSO-OIDC calls with secret keys, access and refresh
tokens. Every line written to the log therefore goes through ``redact`` (a formatter applies it
to the final text, tracebacks included), which removes those by pattern and also removes any
value registered at run time with ``register_secret`` (the bearer token, credentials once
resolved), in its raw, URL-encoded and JSON-escaped forms. ``redact`` is also what the UI should
apply to an error message before showing or copying it. No textual import: usable from the CLI.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import platformdirs

REDACTED = "[REDACTED]"
LOGGERS = ("tui", "eventdeck", "botocore", "boto3", "urllib3", "s3transfer")
KEEP_LOGS = 10
MIN_SECRET_LENGTH = 6  # shorter values would redact ordinary words

# Names whose values are secrets wherever they appear (JSON, dict reprs, key=value, XML, headers).
# A key matches if it contains one of these, so "AWS_BEARER_TOKEN_CODECATALYST",
# "x-amz-sso_bearer_token" and "roleCredentials.secretAccessKey" are all covered.
_SECRET_NAMES = (
    r"authorization",
    r"x-amz-security-token",
    r"x-amz-signature",
    r"x-amz-credential",
    r"secret",
    r"access_?key(?!_?id)",
    r"session_?token",
    r"security_?token",
    r"access_?token",
    r"refresh_?token",
    r"id_?token",
    r"bearer_?token",
    r"token_?code",
    r"device_?code",
    r"password",
)
_KEY = r"[\w-]*?(?:" + "|".join(_SECRET_NAMES) + r")[\w-]*"
_XML_KEY = r"[\w-]*(?:" + "|".join(_SECRET_NAMES) + r")[\w-]*"
_NOT_DONE = r"(?!\[REDACTED\])"

# Compiled on first use (_patterns): only a debug log or a redacted export needs them, and
# compiling them is ~2 ms of every launch, before `main`.
_PATTERN_SOURCES: list[tuple[str, str]] = [
    # 'Authorization': b'AWS4-HMAC-SHA256 ...' / "accessToken": "..." (JSON, dict and bytes reprs)
    (
        (r"""(?i)(\\?["']""" + _KEY + r"""\\?["']\s*:\s*b?)(\\?["'])(?:(?!\2)(?:\\.|.))*\2"""),
        r"\1\2" + REDACTED + r"\2",
    ),
    # <SecretAccessKey>...</SecretAccessKey> and <SessionToken> in XML response bodies
    (
        r"(?i)(<(" + _XML_KEY + r")>)[^<]*(</\2>)",
        r"\1" + REDACTED + r"\3",
    ),
    # header lines "x-amz-security-token:..." in canonical requests and HTTP dumps
    (
        r"(?im)^(\s*" + _KEY + r"[ \t]*:[ \t]*)" + _NOT_DONE + r"[^\r\n]+",
        r"\1" + REDACTED,
    ),
    # key=value text: query strings, ini files, environment dumps, keyword reprs
    (
        r"(?i)((?<![\w-])" + _KEY + r"\s*=\s*)" + _NOT_DONE + r"""[^\s&,;'"<>)}\]]+""",
        r"\1" + REDACTED,
    ),
    # the parts of a SigV4 Authorization value wherever it appears
    (r"(?i)(Credential=)" + _NOT_DONE + r"[^\s,'\"&]+", r"\1" + REDACTED),
    (r"(?i)(Signature=)" + _NOT_DONE + r"[^\s,'\"&]+", r"\1" + REDACTED),
    (r"(?i)(\bSignature:\s*)[0-9a-f]{16,}", r"\1" + REDACTED),
    (r"(?i)(\bBearer\s+)" + _NOT_DONE + r"[A-Za-z0-9\-._~+/=:]+", r"\1" + REDACTED),
]


@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The secret-looking patterns of ``redact``, compiled once, on first use."""
    return [(re.compile(source), replacement) for source, replacement in _PATTERN_SOURCES]


class SecretRegistry:
    """The values ``redact`` removes: registered from worker threads, read by every log line.

    Why an object with a lock: credentials resolve in worker threads while other threads log; a
    register must never be half-seen (the compiled pattern is swapped whole, under the lock).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def register(self, value: str | bytes | None) -> None:
        """Remember ``value`` in every form it may be logged in (raw, URL-encoded, JSON-escaped)."""
        if value is None:
            return
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        text = text.strip()
        if len(text) < MIN_SECRET_LENGTH:
            return
        forms = {text, quote(text, safe=""), quote_plus(text), json.dumps(text)[1:-1]}
        with self._lock:
            if forms <= self._values:
                return
            self._values.update(forms)
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def clear(self) -> None:
        """Forget every registered value."""
        with self._lock:
            self._values.clear()
            self._pattern = None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The compiled alternation of every registered form (None: nothing registered)."""
        return self._pattern


SECRETS = SecretRegistry()
"""The process's registry: a secret seen anywhere is redacted everywhere."""


def register_secret(value: str | bytes | None) -> None:
    """Remember ``value`` so ``redact`` removes it everywhere (raw, URL-encoded, JSON-escaped)."""
    SECRETS.register(value)


def clear_registered_secrets() -> None:
    """Forget every registered value (tests; a profile switch keeps them, which is harmless)."""
    SECRETS.clear()


def contains_registered_secret(text: str) -> bool:
    """Whether ``text`` contains a value given to ``register_secret``."""
    pattern = SECRETS.pattern
    return bool(pattern and pattern.search(text))


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and secret-looking values replaced by [REDACTED]."""
    pattern = SECRETS.pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for regex, replacement in _patterns():
        text = regex.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Redacts a record's message in place, for handlers whose formatter we do not control.

    The record is shared by every handler, so attaching this changes what all later handlers
    see; the debug log itself relies on ``RedactingFormatter`` instead and leaves records alone.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record, redact its parts
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the fully formatted line, tracebacks and stack info included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def default_log_dir() -> Path:
    """The platformdirs log directory for eventdeck."""
    return platformdirs.user_log_path("eventdeck")


def _prune(directory: Path, keep: int) -> None:
    logs = sorted(directory.glob("debug-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[keep:]:
        old.unlink(missing_ok=True)


class DebugLog:
    """The --debug file handler on eventdeck's and botocore's loggers; start, stop, where.

    Why an object with a lock: error hints read the path from worker threads while the app or a
    test may start or stop the log; the handler and its path change together.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handler: logging.Handler | None = None
        self._path: Path | None = None

    @property
    def path(self) -> Path | None:
        """The file being written, or None when no debug log runs."""
        with self._lock:
            return self._path if self._handler is not None else None

    def start(self, path: Path | None = None) -> Path:
        """Send DEBUG output to a redacted 0600 file (replacing any previous one); its path."""
        if path is None:
            directory = default_log_dir()
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = directory / f"debug-{stamp}-{os.getpid()}.log"
            _prune(directory, KEEP_LOGS - 1)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
        stream = os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
        )
        with self._lock:
            old = self._handler
            for name in LOGGERS:
                logger = logging.getLogger(name)
                if old is not None:
                    logger.removeHandler(old)
                logger.addHandler(handler)
                logger.setLevel(logging.DEBUG)
            if old is not None:
                old.close()
            self._handler, self._path = handler, path
        logging.getLogger("tui").debug("debug log started: %s", path)
        return path

    def stop(self) -> None:
        """Detach and close the handler (nothing when no log runs)."""
        with self._lock:
            handler, self._handler = self._handler, None
            if handler is None:
                return
            for name in LOGGERS:
                logging.getLogger(name).removeHandler(handler)
                logging.getLogger(name).setLevel(logging.NOTSET)
            handler.close()


DEBUG_LOG = DebugLog()
"""The process's debug log (the loggers it attaches to are process-wide too)."""


def current_log_path() -> Path | None:
    """The debug log being written, or None without --debug (error hints name it)."""
    return DEBUG_LOG.path


def setup_debug_log(path: Path | None = None) -> Path:
    """Send eventdeck's and botocore's DEBUG output to a redacted 0600 file and return its path.

    Called again, it replaces the previous handler (so tests and restarts do not double-log).
    """
    return DEBUG_LOG.start(path)


def stop_debug_log() -> None:
    """Detach and close the debug handler (tests, and the app on exit)."""
    DEBUG_LOG.stop()
