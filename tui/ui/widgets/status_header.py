"""The one-line header: who and where eventdeck is talking to, and what the worker pool is doing.

Profile, region and endpoint decide what a send does, so they are always on screen; the endpoint is
marked when it is not AWS, and DEMO / READ-ONLY badges say so plainly.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from tui.context import AppContext
from tui.services.pool import PoolStats
from tui.ui.safe_text import visible


def short_path(path: Path) -> str:
    """``~/…`` for paths under the home directory: the header has little room."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class StatusHeader(Horizontal):
    """Identity on the left, pool state on the right; refreshed from a cheap timer."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._last_stats: PoolStats | None = None
        self._pool_width = -1

    def compose(self) -> ComposeResult:
        yield Static(id="identity", markup=False)
        yield Static(id="pool", markup=False)

    def on_mount(self) -> None:
        self.refresh_identity()
        self.set_interval(0.25, self.refresh_pool)
        self.refresh_pool()

    def on_resize(self) -> None:
        self.refresh_identity()

    def refresh_identity(self) -> None:
        ctx = self.ctx
        opts = ctx.options
        where = ctx.resolved  # the same answer the confirmation, journal and doctor use
        region = where.region.value
        wide = self.size.width >= 100
        parts: list[str | tuple[str, str]] = [
            (" eventdeck ", "bold reverse") if wide else "",
            " ",
        ]
        scope = ctx.scope
        if scope is not None and scope.wide:  # listings fan out: say over what (S changes it)
            parts += [(visible(scope.label()), "bold $accent"), " · "]
        elif scope is not None:
            only = scope.targets()[0]
            parts += [(visible(f"{only.profile} · {only.region}"), "bold $accent"), " · "]
        else:
            parts += [
                (visible(str(where.profile.value)), "bold"),
                " · ",
                (visible(region or "no region"), "" if region else "bold $error"),
                " · ",
            ]
        if ctx.is_custom_endpoint:
            parts.append(("⚑ " + visible(ctx.endpoint_label), "bold $warning"))
        else:
            parts.append("AWS")
        if ctx.offline is not None:  # --open BUNDLE: the sandbox serving a hand-over bundle
            parts += [" ", (" OFFLINE ", "bold reverse $warning")]
        elif ctx.demo is not None:
            parts += [" ", (" DEMO ", "bold reverse $accent")]
        if opts.read_only:
            parts += [" ", (" READ-ONLY ", "bold reverse $error")]
        if ctx.log_path is not None:
            parts.append((f" · log {short_path(ctx.log_path)}", "dim"))
        text = Content.assemble(*parts)
        self.query_one("#identity", Static).update(text)

    def refresh_pool(self) -> None:
        stats = self.ctx.pool.stats()
        if stats == self._last_stats:
            return
        self._last_stats = stats
        busy = stats.in_flight + stats.waiting
        parts: list[str | tuple[str, str]] = [
            (f"⇅ {stats.in_flight}/{stats.size}", "bold" if busy else "dim")
        ]
        if stats.waiting:
            parts.append(f" +{stats.waiting} queued")
        if stats.retries:
            parts.append((f"  ↻{stats.retries}", "$warning"))
        if stats.last_error:
            error = visible(stats.last_error)
            parts += [
                ("  ✖ ", "bold $error"),
                (error[:16] + ("…" if len(error) > 16 else ""), "$error"),
            ]
        text = Content.assemble(*parts)
        # Same width (⇅ 0/8 → ⇅ 1/8, every page of a long load): nothing around it moves, so no
        # relayout, which would recompose the whole screen a few times a second while paging.
        width = text.cell_length
        self.query_one("#pool", Static).update(text, layout=width != self._pool_width)
        self._pool_width = width
