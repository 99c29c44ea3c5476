"""SVG snapshots of every pane at 80x24 and 120x36, the help screen and the inspector, on pinned data.

The views are the README screenshots' scenes (tests/screenshots.py), played by the real app against
the session sandbox whose demo data is reloaded pinned at PINNED_NOW for this module, so a snapshot
depends on neither the day nor the sandbox's port. Regenerate after a deliberate UI change with
`pytest tests/ui/test_snapshots.py --snapshot-update`, look at the SVGs, then commit them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import hostile_data
from tests.screenshots import (
    NARROW,
    PINNED_NOW,
    SEED,
    SHOWN_ENDPOINT,
    WIDE,
    Scene,
    codecatalyst_event_logs,
    codecatalyst_query,
    codecatalyst_spaces,
    help_screen,
    ivs_error_events,
    ivs_inspector,
    ivs_stages,
    partner_error,
    partner_history,
    personalize_form,
    personalize_history,
    profiles_streams,
    session_timeline,
)
from tui.app import EventdeckApp
from tui.context import AppContext
from tui.sandbox import backends, load_demo

SESSION_SEED = 1  # what tests/conftest.py's session sandbox loads; restored after this module
SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x36"])


@pytest.fixture(scope="module")
def pinned_demo(sandbox: Any) -> Iterator[None]:
    """The sandbox's demo data reloaded pinned in time; the clock-relative demo put back after."""
    modules = backends.available()
    for module in modules.values():
        module.reset()
        load_demo(module, SEED, now=PINNED_NOW)
    try:
        yield
    finally:
        for module in modules.values():
            module.reset()
            load_demo(module, SESSION_SEED)
        hostile_data.load()  # the session sandbox's test data, as tests/conftest.py loads it


@pytest.fixture
def snap_app(
    pinned_demo: None, app_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> EventdeckApp:
    """The real app on the pinned sandbox, its header showing a fixed endpoint (not the random port)."""
    monkeypatch.setattr(AppContext, "endpoint_label", property(lambda self: SHOWN_ENDPOINT))
    return EventdeckApp(app_ctx)


def shot(snap_compare: Any, app: EventdeckApp, scene: Scene, size: tuple[int, int]) -> bool:
    return bool(snap_compare(app, terminal_size=size, run_before=scene))


@SIZES
def test_ivs_participant_events_with_error(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 1: a participant's events, the PUBLISH_ERROR row highlighted with its code's meaning."""
    assert shot(snap_compare, snap_app, ivs_error_events, size)


@SIZES
def test_codecatalyst_spaces(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 2: the spaces visible to the bearer token."""
    assert shot(snap_compare, snap_app, codecatalyst_spaces, size)


@SIZES
def test_profiles_streams_unhealthy_and_stopped(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 3: a domain's event streams, UNHEALTHY and STOPPED standing out with since-when."""
    assert shot(snap_compare, snap_app, profiles_streams, size)


@SIZES
def test_partner_compose_validation_error(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 4: two entries, the second one's Detail not JSON, the error shown at that field."""
    assert shot(snap_compare, snap_app, partner_error, size)


@SIZES
def test_partner_history_density(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 4's history: batches newest first, the density line above with the failed bucket."""
    assert shot(snap_compare, snap_app, partner_history, size)


@SIZES
def test_personalize_history_density(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 5's history: the same screen and density line over PutEvents batches."""
    assert shot(snap_compare, snap_app, personalize_history, size)


@SIZES
def test_personalize_compose_form(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """Pane 5: tracking/session/user header and two events, ready to send."""
    assert shot(snap_compare, snap_app, personalize_form, size)


def test_ivs_stages(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    """Pane 1's first level at 80x24: stages, active session ids, tags."""
    assert shot(snap_compare, snap_app, ivs_stages, NARROW)


def test_codecatalyst_event_logs(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    """Pane 2's event logs at 80x24: time, event, user, op and project get the room first."""
    assert shot(snap_compare, snap_app, codecatalyst_event_logs, NARROW)


@SIZES
def test_codecatalyst_query_bar(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """`:` on the event logs: only MUTATION rows, a computed `who` column, the density above."""
    assert shot(snap_compare, snap_app, codecatalyst_query, size)


@SIZES
def test_session_timeline(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    """`V` on the demo's all-hands session: 34 participants across time, the first error named."""
    assert shot(snap_compare, snap_app, session_timeline, size)


def test_help_screen(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    """`?` over the stages at 80x24: the keys that apply there."""
    assert shot(snap_compare, snap_app, help_screen, NARROW)


def test_inspector(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    """The inspector at 80x24 on the participant's PUBLISH_ERROR event."""
    assert shot(snap_compare, snap_app, ivs_inspector, NARROW)
