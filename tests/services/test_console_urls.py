"""Console URLs for `O`: the known shapes, the region in them, and untrusted ids kept inside."""

from __future__ import annotations

from tui.services import console_urls as cu

ARN = "arn:aws:ivs:eu-west-1:123456789012:stage/AbCdEf123456"


def test_ivs_shapes_carry_the_region_twice() -> None:
    home = "https://eu-west-1.console.aws.amazon.com/ivs/home?region=eu-west-1"
    assert cu.ivs_stage("eu-west-1", ARN).url == f"{home}#/stages/AbCdEf123456"
    assert (
        cu.ivs_session("eu-west-1", ARN, "st-1").url == f"{home}#/stages/AbCdEf123456/sessions/st-1"
    )
    link = cu.ivs_participant("eu-west-1", ARN, "st-1", "pX")
    assert link.url == f"{home}#/stages/AbCdEf123456/sessions/st-1/participants/pX"
    assert "eu-west-1" in link.what and "pX" in link.what


def test_customer_profiles_and_codecatalyst_and_partner_source_shapes() -> None:
    home = "https://us-east-2.console.aws.amazon.com/customer-profiles/home?region=us-east-2"
    assert cu.profiles_domain("us-east-2", "crm").url == f"{home}#/domains/crm"
    assert (
        cu.profiles_event_stream("us-east-2", "crm", "export").url
        == f"{home}#/domains/crm/event-streams/export"
    )
    assert cu.codecatalyst_space("acme", "us-west-2").url == "https://codecatalyst.aws/spaces/acme"
    assert "us-west-2" in cu.codecatalyst_space("acme", "us-west-2").what
    assert cu.partner_event_source("us-east-1", "aws.partner/x.com/a").url == (
        "https://us-east-1.console.aws.amazon.com/events/home?region=us-east-1"
        "#/partners/aws.partner%2Fx.com%2Fa"
    )


def test_untrusted_ids_cannot_change_where_the_url_points() -> None:
    url = cu.profiles_domain("us-east-1", "a/../b?region=cn-north-1#x\x1b").url
    tail = url.split("#/domains/", 1)[1]
    assert "/" not in tail and "?" not in tail and "#" not in tail and "\x1b" not in tail
