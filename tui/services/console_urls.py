"""AWS console URLs for the resources eventdeck browses, with the region, for `O` (links out).

Why: a triage often ends in the console or in a hand-over to someone who lives there; a link that
opens the same stage, session, domain or space in the right region saves the hunt. Every shape is
in this one module so a console change is fixed once. Ids are percent-encoded: they come from AWS
and are untrusted, and a ``#`` or ``?`` in one must not change what the URL points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

CODECATALYST = "https://codecatalyst.aws"


@dataclass(frozen=True, slots=True)
class ConsoleLink:
    """A console URL and what it points at ("IVS stage demo-stage (us-east-1)")."""

    url: str
    what: str


def _q(value: str) -> str:
    return quote(value, safe="")


def console_home(service_path: str, region: str) -> str:
    """The console home of a service in ``region``: https://REGION.console.aws.amazon.com/PATH/home?region=REGION."""
    return f"https://{_q(region)}.console.aws.amazon.com/{service_path}/home?region={_q(region)}"


def stage_id(stage_arn: str) -> str:
    """The stage id, the last part of its ARN (arn:aws:ivs:REGION:ACCOUNT:stage/ID)."""
    return stage_arn.rsplit("/", 1)[-1]


def ivs_stage(region: str, stage_arn: str) -> ConsoleLink:
    sid = stage_id(stage_arn)
    return ConsoleLink(
        f"{console_home('ivs', region)}#/stages/{_q(sid)}", f"IVS stage {sid} ({region})"
    )


def ivs_session(region: str, stage_arn: str, session_id: str) -> ConsoleLink:
    sid = stage_id(stage_arn)
    url = f"{console_home('ivs', region)}#/stages/{_q(sid)}/sessions/{_q(session_id)}"
    return ConsoleLink(url, f"IVS session {session_id} of stage {sid} ({region})")


def ivs_participant(
    region: str, stage_arn: str, session_id: str, participant_id: str
) -> ConsoleLink:
    sid = stage_id(stage_arn)
    url = (
        f"{console_home('ivs', region)}#/stages/{_q(sid)}/sessions/{_q(session_id)}"
        f"/participants/{_q(participant_id)}"
    )
    return ConsoleLink(url, f"IVS participant {participant_id} ({region})")


def profiles_domain(region: str, domain: str) -> ConsoleLink:
    url = f"{console_home('customer-profiles', region)}#/domains/{_q(domain)}"
    return ConsoleLink(url, f"Customer Profiles domain {domain} ({region})")


def profiles_event_stream(region: str, domain: str, stream: str) -> ConsoleLink:
    url = f"{console_home('customer-profiles', region)}#/domains/{_q(domain)}/event-streams/{_q(stream)}"
    return ConsoleLink(url, f"event stream {stream} of domain {domain} ({region})")


def codecatalyst_space(space: str, region: str | None = None) -> ConsoleLink:
    """CodeCatalyst is its own site (codecatalyst.aws), not the AWS console; the region is shown only."""
    where = f" ({region})" if region else ""
    return ConsoleLink(f"{CODECATALYST}/spaces/{_q(space)}", f"CodeCatalyst space {space}{where}")


def partner_event_source(region: str, name: str) -> ConsoleLink:
    url = f"{console_home('events', region)}#/partners/{_q(name)}"
    return ConsoleLink(url, f"partner event source {name} ({region})")


def arn_url(arn: str) -> str:
    """The console page of any ARN, through the console's own resolver (go/view?arn=)."""
    return f"https://console.aws.amazon.com/go/view?arn={_q(arn)}"
