"""`eventdeck doctor`: explain the set-up without starting the UI.

Versions; the profile and region and where each came from; whether credentials resolve and whose
they are; the SSO token's expiry; each service's endpoint and whether it answers; and the terminal
(size, colour depth, tmux, whether OSC 52 copies can pass). Every check runs even if another fails,
and each line says what to do when something is wrong. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from tui.args import connection_options, version_text
from tui.errors import ConfigError, EventdeckError
from tui.services.options import ConnectionOptions
from tui.services.session import ClientFactory
from tui.words import count

SERVICES = ("ivs-realtime", "codecatalyst", "customer-profiles", "events", "personalize-events")

# A cheap read call per service where one exists; PutPartnerEvents/PutEvents have none.
PROBES: dict[str, Callable[[Any], object]] = {
    "ivs-realtime": lambda c: c.list_stages(maxResults=1),
    "codecatalyst": lambda c: c.list_spaces(),
    "customer-profiles": lambda c: c.list_domains(MaxResults=1),
}


class Report:
    """Collects lines: ``ok``, ``warn`` or ``fail`` marks, then text; counts problems."""

    MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "info": "    "}

    def __init__(self, out: Any = None) -> None:
        self.out = out or sys.stdout
        self.problems = 0

    def section(self, title: str) -> None:
        print(f"\n{title}", file=self.out)

    def line(self, mark: str, text: str) -> None:
        if mark in ("warn", "fail"):
            self.problems += 1
        print(f"  [{self.MARKS[mark]}] {text}", file=self.out)


def check_aws(report: Report, args: argparse.Namespace, options: ConnectionOptions) -> None:
    """Where calls go and why (the resolver's answer, as the app shows it), then credentials."""
    factory = ClientFactory(options)
    report.section("AWS")
    try:
        where = factory.resolved
    except ConfigError as exc:  # an unknown profile, a `services` section that is missing
        report.line("fail", exc.message)
        return
    report.line("info", f"profile   {where.profile.describe()}")
    if where.region.value:
        report.line("info", f"region    {where.region.describe()}")
    else:
        report.line(
            "fail", "no region: pass --region, set AWS_REGION, or add region to the profile"
        )
    verify = where.verify
    if verify.value is False:
        report.line("warn", "TLS       certificates NOT verified (from --no-verify-ssl)")
    elif verify.value is True:
        report.line(
            "info", f"TLS       verified with botocore's bundled certificates ({verify.origin})"
        )
    else:
        report.line("info", f"TLS       CA bundle {verify.describe()}")
    report.line(
        "info",
        f"retries   {where.max_attempts.value} attempts ({where.max_attempts.origin}), "
        f"{where.retry_mode.value} mode ({where.retry_mode.origin})",
    )
    report.line(
        "info",
        f"timeouts  read {where.read_timeout.value:g} s ({where.read_timeout.origin}), "
        f"connect {where.connect_timeout.value:g} s ({where.connect_timeout.origin})",
    )
    try:
        session = factory.session
    except Exception as exc:
        report.line("fail", f"the AWS session cannot be built: {_first_line(exc)}")
        return
    credentials = None
    try:
        credentials = session.get_credentials()
    except Exception as exc:
        report.line("fail", f"credentials do not resolve: {exc}")
    if credentials is None:
        report.line("fail", "no credentials found (aws configure, aws sso login, or AWS_* env)")
    elif loaded(report, credentials, where.profile.value):
        report.line("ok", f"credentials resolve (method: {getattr(credentials, 'method', '?')})")
        check_identity(report, factory)
    check_sso(report, options)
    check_endpoints(report, factory, has_region=bool(where.region.value))


def loaded(report: Report, credentials: Any, profile: str | None) -> bool:
    """Whether ``credentials`` really load (SSO and role credentials are only fetched on use).

    Why: botocore hands back deferred credentials for an SSO profile whose token is missing or
    expired; calling them "ok" sends the user to the panes to find out. The fix depends on the
    kind: `aws sso login` (or L in the app) for SSO, the profile's keys otherwise.
    """
    from tui.services.auth import credential_kind

    try:
        credentials.get_frozen_credentials()
    except Exception as exc:
        kind = credential_kind(profile)
        fix = (
            f"run `aws sso login --profile {profile}`, or press L in eventdeck"
            if kind == "sso" and profile
            else "check the profile's credentials (aws configure, or the AWS_* variables)"
        )
        report.line("fail", f"credentials do not load: {_first_line(exc)} — {fix}")
        return False
    return True


def check_identity(report: Report, factory: ClientFactory) -> None:
    try:
        identity = factory.client("sts").get_caller_identity()
    except Exception as exc:
        report.line("warn", f"sts:GetCallerIdentity failed: {_first_line(exc)}")
        return
    report.line("ok", f"identity  {identity.get('Arn')} (account {identity.get('Account')})")


def check_sso(report: Report, options: ConnectionOptions) -> None:
    from tui.services.auth import bearer_token_source

    try:
        source = bearer_token_source(options)
    except EventdeckError as exc:
        report.line("warn", f"CodeCatalyst token: {_first_line(exc)}")
        return
    if source.kind == "env":
        report.line("ok", "CodeCatalyst token from AWS_BEARER_TOKEN_CODECATALYST")
    elif source.kind == "sso":
        expires = source.expires_at
        if expires is None:
            report.line("warn", f"SSO session {source.session_name}: expiry unknown")
        elif expires <= datetime.now(UTC):
            report.line(
                "fail",
                f"SSO token for {source.session_name} expired at {expires:%Y-%m-%d %H:%M} UTC: "
                f"run `aws sso login --sso-session {source.session_name}`",
            )
        else:
            left = expires - datetime.now(UTC)
            report.line(
                "ok",
                f"SSO token for {source.session_name} valid until {expires:%Y-%m-%d %H:%M} UTC "
                f"({int(left.total_seconds() // 60)} min left)",
            )
    else:
        report.line(
            "warn", "no CodeCatalyst token (pane 2 needs an sso_session profile or env token)"
        )


def check_endpoints(report: Report, factory: ClientFactory, *, has_region: bool = True) -> None:
    report.section("Endpoints")
    if not has_region:  # reported once above; every client would fail the same way
        report.line("info", "not checked: no region (see above)")
        return
    for service in SERVICES:
        try:
            client = factory.client(service)
        except Exception as exc:
            report.line("fail", f"{service:<19} cannot build a client: {_first_line(exc)}")
            continue
        url = client.meta.endpoint_url
        where = factory.resolved
        source = where.endpoint(service).source
        shown = f"{url} (from {source})" if where.endpoint(service).value else url
        probe = PROBES.get(service)
        try:
            if probe is not None:
                probe(client)
                report.line("ok", f"{service:<19} {shown} answers")
            else:
                reach(url, where.verify.value)
                report.line("ok", f"{service:<19} {shown} reachable (no read call to try)")
        except Exception as exc:
            report.line("fail", f"{service:<19} {shown}: {_first_line(exc)}")


def reach(url: str, verify: bool | str, timeout: float = 5.0) -> None:
    """Open a TCP (and TLS, for https) connection to ``url``'s host; raise if it fails.

    ``verify`` is the resolver's (False, a CA bundle path, or True: botocore's bundled
    certificates), so this raw check trusts exactly what the clients trust.
    """
    from botocore.httpsession import get_cert_path

    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host = parsed.hostname or ""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        if parsed.scheme == "https":
            if verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            else:
                context = ssl.create_default_context(cafile=get_cert_path(verify))
            with context.wrap_socket(sock, server_hostname=host):
                pass


def check_terminal(report: Report) -> None:
    report.section("Terminal")
    size = shutil.get_terminal_size((0, 0))
    if not sys.stdout.isatty() or size.columns == 0:
        report.line("info", "size      not a terminal (output is redirected)")
    else:
        mark = "ok" if size.columns >= 80 and size.lines >= 24 else "warn"
        report.line(mark, f"size      {size.columns}×{size.lines} (laid out for 80×24 and up)")
    report.line("info", f"colours   {colour_depth(os.environ)}")
    if os.environ.get("TMUX"):
        clip, passthrough = tmux_option("set-clipboard"), tmux_option("allow-passthrough")
        ok = clip in ("on", "external") or passthrough in ("on", "all")
        report.line(
            "ok" if ok else "warn",
            f"tmux      set-clipboard={clip or '?'} allow-passthrough={passthrough or '?'}"
            + ("" if ok else " — copies need `set -g set-clipboard on` in tmux.conf"),
        )
    else:
        report.line("info", "tmux      not in tmux (OSC 52 goes straight to the terminal)")
    from tui.services.hyperlinks import detect

    links = detect()
    report.line("ok" if links.enabled else "info", f"links     OSC 8 hyperlinks {links.reason}")


def colour_depth(env: dict[str, str] | os._Environ[str]) -> str:
    if env.get("NO_COLOR"):
        return "none (NO_COLOR is set)"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "24-bit"
    term = env.get("TERM", "")
    if "256" in term:
        return "256"
    if term in ("", "dumb"):
        return "none (TERM is dumb or unset)"
    return "16"


def tmux_option(name: str) -> str | None:
    try:
        result = subprocess.run(
            ["tmux", "show-options", "-gv", name], capture_output=True, text=True, timeout=3
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run_doctor(args: argparse.Namespace, rest: Sequence[str], out: Any = None) -> int:
    """Print the report; exit 0 when nothing failed, 1 otherwise."""
    report = Report(out)
    print(version_text(), file=report.out)
    from tui.settings import config_path, load_settings

    settings, _warnings = load_settings(config_path(getattr(args, "config", None)))
    options = connection_options(args, settings)  # resolved as the app resolves it
    sandbox = None
    if args.demo:
        from tui.sandbox.embed import start_demo

        sandbox = start_demo()
        options = options.for_sandbox(
            sandbox.endpoint, sandbox.region, sandbox.ca_bundle, sandbox.env()
        )
    try:
        check_aws(report, args, options)
        check_terminal(report)
    finally:
        if sandbox is not None:
            sandbox.stop()
    print(
        "\nNo problems found."
        if report.problems == 0
        else f"\n{count(report.problems, 'problem')} found.",
        file=report.out,
    )
    return 0 if report.problems == 0 else 1
