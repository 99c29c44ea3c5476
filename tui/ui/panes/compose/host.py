"""What the compose flows need from the pane that owns them, as a typed protocol.

Why: the send flow, the draft keeper and the side flows are objects the pane owns, not mixins;
they reach back only through this narrow, typed surface (no twenty attributes declared ``Any``),
and none of them imports the pane module, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from tui.errors import EventdeckError
from tui.services.validation import FieldError
from tui.ui.panes.compose.batch import Batch, Entry, Result

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer
    from textual.worker import Worker

    from tui.context import AppContext
    from tui.services.outbox import Outbox

ResultHandler = Callable[[Any], None]
ErrorHandler = Callable[[EventdeckError], None]
Proceed = Callable[[list[str], bool], None]  # (warning lines, danger) -> show the confirmation


class ComposeHost(Protocol):
    """The compose pane as its flows see it."""

    batch_model: Batch
    sends_in_flight: int

    @property
    def KIND(self) -> str: ...
    @property
    def NOUN(self) -> str: ...
    @property
    def OPERATION_NAME(self) -> str: ...
    @property
    def PANE_ID(self) -> str: ...
    @property
    def RESEND_MAY_DOUBLE(self) -> bool: ...
    @property
    def ctx(self) -> AppContext: ...
    @property
    def app(self) -> App[Any]: ...
    @property
    def outbox(self) -> Outbox: ...

    # -- running work (Pane's pooled and file workers) ---------------------------------------
    def call_aws(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None = None,
        *,
        group: str | None = None,
        description: str = "",
    ) -> Worker[Any]: ...
    def run_file_job(
        self, fn: Callable[[], Any], on_result: ResultHandler, on_error: ErrorHandler | None = None
    ) -> Worker[Any]: ...
    def run_unpooled(
        self,
        fn: Callable[[], Any],
        on_result: ResultHandler,
        on_error: ErrorHandler | None,
        *,
        group: str,
        description: str,
    ) -> Worker[Any]: ...

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> Timer: ...

    # -- showing -----------------------------------------------------------------------------
    def set_status(self, message: str, *, error: bool = False) -> None: ...
    def show_all(self) -> None: ...
    def show_list(self) -> None: ...
    def show_selected(self) -> None: ...
    def changed(self) -> None: ...
    def set_batch(
        self, header: Entry, entries: list[Entry], results: list[Result | None] | None = None
    ) -> None: ...

    # -- what the kind of pane says ----------------------------------------------------------
    def validate(self) -> list[FieldError]: ...
    def payload_size(self, indexes: list[int]) -> int: ...
    def summary_lines(self) -> list[str]: ...
    def make_send(self, indexes: list[int]) -> Callable[[], list[Result]]: ...
    def after_sent(self, indexes: list[int]) -> None: ...
    def refuse_read_only(self) -> bool: ...
    def before_confirm(self, indexes: list[int], proceed: Proceed) -> None: ...
    def launch_header(self, params: dict[str, str]) -> Entry: ...
