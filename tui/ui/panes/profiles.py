"""Pane 3, Customer Profiles: domains → event streams → the GetEventStream detail.

Built for "is the profile export stream healthy?": UNHEALTHY and STOPPED streams stand out with
since-when, and the detail shows every field of GetEventStream, the whole response one key away.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from tui.services import console_urls
from tui.services import customer_profiles as cp
from tui.services.cli_command import cli_command
from tui.services.paging import Page
from tui.services.triage_scans import flagged_streams
from tui.ui.format import fmt_tags, fmt_time
from tui.ui.panes.browse import BrowsePane
from tui.ui.panes.level import Level
from tui.ui.panes.scoped import (
    SCOPE_BINDING,
    SIGN_IN_BINDING,
    cli_of,
    every_page,
    pick_scope,
    region_of,
    scoped_level,
    sign_in,
    target_ids,
    unwrap,
    where_of,
)
from tui.ui.widgets.virtual_table import Column, Row

if TYPE_CHECKING:  # a hand-over bundle's module loads when one is written
    from tui.services.bundle import BundleView

HEALTH_STYLE = {"ok": "", "unhealthy": "error", "stopped": "warning"}


@dataclass(frozen=True)
class DetailField:
    """One line of the stream detail: a field name, its value, and the whole response."""

    name: str
    value: str
    style: str
    stream: cp.EventStream


def detail_fields(stream: cp.EventStream) -> list[DetailField]:
    raw = stream.raw
    dest = raw.get("DestinationDetails") or {}
    health = stream.health
    style = HEALTH_STYLE.get(health.level, "")
    rows = [
        ("Health", health.summary, style),
        ("State", stream.state, "warning" if stream.state == "STOPPED" else ""),
        ("StoppedSince", str(raw.get("StoppedSince") or ""), ""),
        ("Destination Status", str(dest.get("Status") or ""), style),
        ("UnhealthySince", str(dest.get("UnhealthySince") or ""), ""),
        (
            "Destination Message",
            str(dest.get("Message") or ""),
            style if dest.get("Message") else "",
        ),
        ("Destination Uri", stream.destination_uri, ""),
        ("EventStreamArn", stream.arn, ""),
        ("DomainName", stream.domain_name, ""),
        ("CreatedAt", fmt_time(stream.created_at), ""),
        ("Tags", fmt_tags(stream.tags), ""),
    ]
    return [DetailField(n, v, s, stream) for n, v, s in rows if v or n in ("State", "Health")]


class ProfilesPane(BrowsePane):
    """Domains, their event streams, and one stream's detail."""

    BINDINGS = [
        Binding("U", "flagged_streams", "Unhealthy streams", id="profiles.flagged_streams"),
        SCOPE_BINDING,
        SIGN_IN_BINDING,
    ]

    PANE_ID = "profiles"
    KEY = "3"
    TITLE = "Customer Profiles"
    SHORT_TITLE = "Profiles"

    @property
    def page_size(self) -> int:
        return self.ctx.settings.pages.customer_profiles

    def _cli(self, operation: str, factory: Any = None, **params: object) -> str:
        return cli_command(where_of(self, factory), "customer-profiles", operation, params)

    def action_scope_sign_in(self) -> None:
        """L: sign in the scoped error row's profile (else the profile in use)."""
        sign_in(self)

    def action_pick_scope(self) -> None:
        """S: list domains (and U's unhealthy streams) across several profiles and regions."""
        pick_scope(self, "customer-profiles", "Customer Profiles")

    def root_level(self) -> Level:
        """Domains of the profile and region in use, or across the scope (S) in one table."""
        return scoped_level(
            self,
            self.domains_level(),
            "customer-profiles",
            every_page(cp.list_domains),
            lambda domain, factory, target: self.streams_level(domain.name, factory),
            cli=cli_of("customer-profiles", "list-domains"),
        )

    def domains_level(self) -> Level:
        factory = self.ctx.factory
        return Level(
            crumb="Domains",
            columns=[
                Column("name", "Domain", ratio=2, min_width=12),
                Column("created", "Created (UTC)", width=19),
                Column("updated", "Updated (UTC)", width=19),
            ],
            fetch=lambda token: cp.list_domains(factory, token, self.page_size),
            to_row=lambda d: Row(
                d.name,
                (d.name, self.fmt_time(d.created_at), self.fmt_time(d.last_updated_at)),
                "",
                d.raw,
            ),
            open_item=lambda d: self.streams_level(d.name),
            cli_command=lambda item: self._cli("list-domains"),
            empty_text="No Customer Profiles domains in this region.",
        )

    def streams_level(self, domain: str, factory: Any = None) -> Level:
        factory = factory or self.ctx.factory
        return Level(
            crumb=f"domain {domain}",
            columns=[
                Column("name", "Event stream", ratio=2, min_width=10),
                Column("state", "State", width=8),
                Column("health", "Health", ratio=4, min_width=16),
                Column("uri", "Destination", ratio=1, min_width=10),
            ],
            fetch=lambda token: cp.list_event_streams(factory, domain, token, self.page_size),
            to_row=lambda s: Row(
                s.name,
                (s.name, s.state, s.health.summary, s.destination_uri),
                HEALTH_STYLE.get(s.health.level, ""),
                s.raw,
            ),
            open_item=lambda s: self.detail_level(domain, s.name, factory),
            cli_command=lambda item: self._cli(
                "list-event-streams", factory, **{"domain-name": domain}
            ),
            empty_text="This domain has no event streams.",
            ids={"domain": domain, **target_ids(self, factory)},
        )

    def detail_level(self, domain: str, stream_name: str, factory: Any = None) -> Level:
        factory = factory or self.ctx.factory

        def fetch(token: str | None) -> Page[Any]:
            return Page(detail_fields(cp.get_event_stream(factory, domain, stream_name)), None)

        return Level(
            crumb=f"stream {stream_name}",
            columns=[
                Column("field", "Field", width=20),
                Column("value", "Value", ratio=1, min_width=20),
            ],
            fetch=fetch,
            to_row=lambda f: Row(f.name, (f.name, f.value), f.style, f.stream.raw),
            inspect=lambda f: f.stream.raw,
            inspect_title=lambda f: f"GetEventStream {domain} / {stream_name}",
            cli_command=lambda item: self._cli(
                "get-event-stream",
                factory,
                **{"domain-name": domain, "event-stream-name": stream_name},
            ),
            ids={"domain": domain, "stream": stream_name, **target_ids(self, factory)},
        )

    def flagged_level(self) -> Level:
        """U: every STOPPED or UNHEALTHY stream of every domain, across the scope (S) if any."""
        pool = self.ctx.pool
        return scoped_level(
            self,
            self.flagged_base(),
            "customer-profiles",
            lambda factory, cancel: flagged_streams(factory, pool, cancel),
            lambda s, factory, target: self.detail_level(s.domain_name, s.name, factory),
            hold_slot=False,  # the scan takes its own slots, per domain
        )

    def flagged_base(self) -> Level:
        """Every STOPPED or UNHEALTHY event stream of every domain, found in one pooled scan."""
        factory = self.ctx.factory

        def scan(cancel: threading.Event) -> Page[Any]:
            return Page(flagged_streams(factory, self.ctx.pool, cancel), None)

        return Level(
            crumb="unhealthy or stopped streams",
            columns=[
                Column("domain", "Domain", ratio=1, min_width=10),
                Column("name", "Event stream", ratio=1, min_width=10),
                Column("health", "Health", ratio=3, min_width=12),
            ],
            fetch=lambda token: scan(threading.Event()),
            scan=scan,
            to_row=lambda s: Row(
                f"{s.domain_name}/{s.name}",
                (s.domain_name, s.name, s.health.summary),
                HEALTH_STYLE.get(s.health.level, ""),
                s.raw,
            ),
            open_item=lambda s: self.detail_level(s.domain_name, s.name),
            empty_text="Every event stream of every domain is RUNNING and HEALTHY.",
        )

    def action_flagged_streams(self) -> None:
        """Scan every domain for streams that are stopped or whose destination is unhealthy."""
        self.set_levels([self.root_level(), self.flagged_level()])

    def bundle_view(self, level: Level) -> tuple[BundleView, dict[str, Any]] | None:
        """Domains, one domain's streams or one stream as a bundle view (not the U scan)."""
        from tui.services.bundle import BundleView

        domain, stream = level.ids.get("domain"), level.ids.get("stream")
        if domain is None and any(not isinstance(i, cp.Domain) for i in level.items):
            return None  # the unhealthy-streams scan spans domains; a scope spans profiles
        if stream:
            operation = "get-event-stream"
            params = {"domain-name": str(domain), "event-stream-name": stream}
        elif domain:
            operation, params = "list-event-streams", {"domain-name": domain}
        else:
            operation, params = "list-domains", {}
        parent = self.parent_raw(0, domain)
        view = BundleView(self.PANE_ID, f"customer-profiles {operation}", params)
        return view, {"domain": parent} if parent else {}

    def apply_launch(self, params: dict[str, str], operation: str) -> None:
        self.activated = True
        domain = params.get("domain-name")
        levels = [self.root_level()]
        if domain:
            levels.append(self.streams_level(domain))
            stream = params.get("event-stream-name")
            if stream:
                levels.append(self.detail_level(domain, stream))
        self.set_levels(levels)

    def jump_label(self) -> str:
        return "Domain name, or domain/stream"

    def jump(self, text: str) -> None:
        domain, _, stream = text.partition("/")
        params = {"domain-name": domain.strip()}
        if stream.strip():
            params["event-stream-name"] = stream.strip()
        self.apply_launch(params, "customer-profiles get-event-stream")

    def console_link(self, item: Any) -> console_urls.ConsoleLink | None:
        """The domain or event stream page of the row, else of the level open."""
        ids = self.level.ids if self.level is not None else {}
        region = region_of(self, item, ids)
        item = unwrap(item)
        if isinstance(item, cp.Domain):
            return console_urls.profiles_domain(region, item.name)
        if isinstance(item, (cp.EventStreamSummary, cp.EventStream)):
            return console_urls.profiles_event_stream(region, item.domain_name, item.name)
        if isinstance(item, DetailField):
            stream = item.stream
            return console_urls.profiles_event_stream(region, stream.domain_name, stream.name)
        if ids.get("domain") and ids.get("stream"):
            return console_urls.profiles_event_stream(region, ids["domain"], ids["stream"])
        if ids.get("domain"):
            return console_urls.profiles_domain(region, ids["domain"])
        return None
