"""The AWS CLI command that reproduces a request, for the inspector's and panes' `c` key.

It carries the connection (profile, region, endpoint, CA bundle) so the command run in another
shell asks the same endpoint the same thing; it never carries credentials. Pasted into bash or
zsh it runs that one command, whatever the ids in it hold.
"""

from __future__ import annotations

from datetime import datetime

from tui.services.options import ConnectionOptions
from tui.textsafe import shell_quote


def cli_command(
    options: ConnectionOptions, service: str, operation: str, params: dict[str, object]
) -> str:
    """``aws SERVICE OPERATION --param value …`` with the connection's global options, shell-quoted."""
    words = ["aws", service, operation]
    for name, value in params.items():
        if value is None or value is False:
            continue
        words.append(f"--{name}")
        if value is True:
            continue
        if isinstance(value, datetime):
            value = value.isoformat().replace("+00:00", "Z")
        words.append(str(value))
    if options.profile:
        words += ["--profile", options.profile]
    if options.region:
        words += ["--region", options.region]
    if options.endpoint_url:
        words += ["--endpoint-url", options.endpoint_url]
    if options.ca_bundle:
        words += ["--ca-bundle", options.ca_bundle]
    if not options.verify_ssl:
        words.append("--no-verify-ssl")
    # shell_quote, not shlex.quote: an id from AWS holding a newline, ^C or ESC must not turn the
    # pasted command into two (it is $'...'-quoted, so the copied text holds no control at all).
    return " ".join(shell_quote(w) for w in words)
