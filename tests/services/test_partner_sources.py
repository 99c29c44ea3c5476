"""Partner event sources service: listing through the pager, and the pre-send delivery check."""

from __future__ import annotations

import functools

from tui.services import partner_sources as ps
from tui.services.options import ConnectionOptions
from tui.services.paging import Pager
from tui.services.session import ClientFactory

PREFIX = "aws.partner/example.com/"


def _account(state: str) -> ps.SourceAccount:
    return ps.SourceAccount("111122223333", state, None, None, {})


def test_undelivered_is_every_source_without_an_active_account() -> None:
    accounts = {
        "a": [_account("ACTIVE")],
        "b": [_account("PENDING")],
        "c": [_account("DELETED"), _account("PENDING")],
        "d": [_account("DELETED"), _account("ACTIVE")],
        "e": [],
    }
    assert ps.undelivered(["a", "b", "c", "d", "e", "b", "unknown"], accounts) == ["b", "c", "e"]


def test_delivery_warnings_name_the_state_and_missing_and_unchecked_sources() -> None:
    check = ps.DeliveryCheck(
        {"p": (_account("PENDING"),), "ok": (_account("ACTIVE"),)},
        missing=("gone",),
        errors={"x": "Access denied"},
    )
    lines = ps.delivery_warnings(["ok", "p", "gone", "x"], check)
    assert lines == [
        "No ACTIVE account: p is PENDING (accepted, not delivered)",
        "No such partner event source: gone (nobody receives it)",
        "Could not check x: Access denied",
    ]
    assert ps.will_not_deliver(["ok", "p", "gone", "x"], check) == ["gone", "p"]
    assert ps.delivery_warnings(["ok"], check) == []


def test_partner_prefix() -> None:
    assert ps.partner_prefix("aws.partner/example.com/orders") == PREFIX
    assert ps.partner_prefix("aws.partner/example.com/a/b") == PREFIX
    assert ps.partner_prefix("") == "aws.partner/"


def test_list_and_check_against_the_sandbox(sandbox_options: ConnectionOptions) -> None:
    factory = ClientFactory(sandbox_options)
    pager = Pager(functools.partial(ps.list_sources, factory, PREFIX, limit=2))
    names = [s.name for s in pager.items()]
    assert PREFIX + "orders" in names and len(names) == len(set(names)) >= 5
    check = ps.check_delivery(factory, [PREFIX + "orders", PREFIX + "billing", PREFIX + "nope"])
    assert check.missing == (PREFIX + "nope",)
    (pending,) = check.accounts[PREFIX + "billing"]
    assert pending.state == "PENDING" and pending.expires is not None
    assert ps.will_not_deliver([PREFIX + "orders", PREFIX + "billing"], check) == [
        PREFIX + "billing"
    ]
