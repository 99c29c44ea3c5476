"""Partner event sources and their customer accounts: will the customer receive what I send?

A partner event source delivers only while a customer account has it ACTIVE (the customer made a
matching event bus). PENDING sources accept PutPartnerEvents and deliver nothing, DELETED ones
are gone, so before a send eventdeck checks the accounts of every source in the batch and warns
about the sources with no ACTIVE account (``undelivered``), a pure function the UI only shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from tui.errors import EventdeckError, NotFoundError
from tui.services.errormap import call
from tui.services.paging import Page, Pager

SERVICE = "events"
ACTIVE = "ACTIVE"


@dataclass(frozen=True, slots=True)
class PartnerSource:
    """One ListPartnerEventSources item: the source's name and ARN."""

    name: str
    arn: str
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> PartnerSource:
        return cls(str(item.get("Name") or ""), str(item.get("Arn") or ""), item)


@dataclass(frozen=True, slots=True)
class SourceAccount:
    """One ListPartnerEventSourceAccounts item: a customer account and its state for the source."""

    account: str
    state: str
    created: datetime | None
    expires: datetime | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> SourceAccount:
        return cls(
            str(item.get("Account") or ""),
            str(item.get("State") or ""),
            item.get("CreationTime"),
            item.get("ExpirationTime"),
            item,
        )


def partner_prefix(source: str) -> str:
    """The NamePrefix for a partner's sources from one of them: aws.partner/<partner>/."""
    parts = source.strip().split("/")
    if len(parts) >= 2 and parts[0] == "aws.partner" and parts[1]:
        return f"aws.partner/{parts[1]}/"
    return "aws.partner/"


def list_sources(
    factory: Any, name_prefix: str, token: str | None = None, limit: int | None = None
) -> Page[PartnerSource]:
    """One page of ListPartnerEventSources for ``name_prefix`` (which AWS requires)."""
    resp = call(
        factory, SERVICE, "ListPartnerEventSources",
        NamePrefix=name_prefix, NextToken=token, Limit=limit,
    )  # fmt: skip
    items = [PartnerSource.from_api(i) for i in resp.get("PartnerEventSources", [])]
    return Page(items, resp.get("NextToken") or None)


def list_source_accounts(
    factory: Any, source: str, token: str | None = None, limit: int | None = None
) -> Page[SourceAccount]:
    """One page of ListPartnerEventSourceAccounts: the customer accounts of ``source``."""
    resp = call(
        factory, SERVICE, "ListPartnerEventSourceAccounts", resource=f"event source {source}",
        EventSourceName=source, NextToken=token, Limit=limit,
    )  # fmt: skip
    items = [SourceAccount.from_api(i) for i in resp.get("PartnerEventSourceAccounts", [])]
    return Page(items, resp.get("NextToken") or None)


@dataclass(frozen=True, slots=True)
class DeliveryCheck:
    """What a pre-send check learned per source: its accounts, or why they could not be read."""

    accounts: Mapping[str, tuple[SourceAccount, ...]]
    missing: tuple[str, ...] = ()
    errors: Mapping[str, str] | None = None


def check_delivery(factory: Any, sources: Iterable[str]) -> DeliveryCheck:
    """Every account of every distinct source (all pages); a missing source is noted, not raised.

    Why: the check must never block a send, so any other error is kept per source as text.
    """
    accounts: dict[str, tuple[SourceAccount, ...]] = {}
    missing: list[str] = []
    errors: dict[str, str] = {}
    for source in sorted(set(sources)):
        try:
            accounts[source] = tuple(Pager(partial(list_source_accounts, factory, source)).items())
        except NotFoundError:
            missing.append(source)
        except EventdeckError as err:
            errors[source] = err.message
    return DeliveryCheck(accounts, tuple(missing), errors)


def undelivered(
    sources: Iterable[str], accounts: Mapping[str, Iterable[SourceAccount]]
) -> list[str]:
    """The sources (sorted, each once) with no ACTIVE account: events sent there reach nobody.

    A source absent from ``accounts`` is not judged (its accounts are unknown).
    """
    out = set()
    for source in sources:
        known = accounts.get(source)
        if known is not None and not any(a.state == ACTIVE for a in known):
            out.add(source)
    return sorted(out)


def will_not_deliver(sources: Iterable[str], check: DeliveryCheck) -> list[str]:
    """The sources of ``sources`` that certainly deliver nothing: no ACTIVE account, or no source."""
    wanted = sorted(set(sources))
    return sorted(set(undelivered(wanted, check.accounts)) | set(check.missing) & set(wanted))


def delivery_warnings(sources: Iterable[str], check: DeliveryCheck) -> list[str]:
    """Lines for the send confirmation: sources that will not deliver, and why, worst first."""
    wanted = sorted(set(sources))
    lines = []
    for source in undelivered(wanted, check.accounts):
        states = sorted({a.state for a in check.accounts[source]})
        why = "/".join(states) if states else "no customer account"
        note = " (accepted, not delivered)" if "PENDING" in states else ""
        lines.append(f"No ACTIVE account: {source} is {why}{note}")
    for source in check.missing:
        if source in wanted:
            lines.append(f"No such partner event source: {source} (nobody receives it)")
    for source, message in sorted((check.errors or {}).items()):
        if source in wanted:
            lines.append(f"Could not check {source}: {message}")
    return lines
