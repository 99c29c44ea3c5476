"""The AWS CLI command that reproduces a request, for the inspector's and panes' `c` key.

It carries the connection (profile, region, endpoint, CA bundle) so the command run in another
shell asks the same endpoint the same thing; it never carries credentials. Pasted into bash or
zsh it runs that one command, whatever the ids in it hold.
"""

from __future__ import annotations

from datetime import datetime

from tui.services.options import ConnectionOptions
from tui.services.resolve import Resolved, resolve
from tui.textsafe import shell_quote


def cli_command(
    options: ConnectionOptions | Resolved,
    service: str,
    operation: str,
    params: dict[str, object],
) -> str:
    """``aws SERVICE OPERATION --param value …`` with the connection's global options, shell-quoted.

    The options are the resolved ones (the profile from AWS_PROFILE, the region from the profile,
    the endpoint from AWS_ENDPOINT_URL…), written as flags: pasted into a shell without that
    environment, the command still goes where eventdeck's calls go.
    """
    where = options if isinstance(options, Resolved) else resolve(options)
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
    if where.profile.source != "default":
        words += ["--profile", str(where.profile.value)]
    if where.region.value:
        words += ["--region", str(where.region.value)]
    endpoint = where.endpoint(service).value
    if endpoint:
        words += ["--endpoint-url", str(endpoint)]
    if where.verify.value is False:
        words.append("--no-verify-ssl")
    elif where.ca_bundle.value:
        words += ["--ca-bundle", str(where.ca_bundle.value)]
    # shell_quote, not shlex.quote: an id from AWS holding a newline, ^C or ESC must not turn the
    # pasted command into two (it is $'...'-quoted, so the copied text holds no control at all).
    return " ".join(shell_quote(w) for w in words)
