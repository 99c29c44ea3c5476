"""The autosaved draft of a compose pane: written within a second of a change, never out of order.

Why: nothing the user composed is lost to a crash or a dropped SSH link. Writes run in file
workers (the loop never waits on an NFS home); a lock and counters keep an older draft from
landing after a newer one; nothing is written before the saved draft was read back.
"""

from __future__ import annotations

import contextlib
import threading

from textual.timer import Timer

from tui.errors import EventdeckError
from tui.ui.panes.compose.host import ComposeHost

AUTOSAVE_SECONDS = 1.0


class DraftKeeper:
    """Saves the host's batch as its outbox draft: throttled, in order, and once more at exit."""

    def __init__(self, host: ComposeHost) -> None:
        self.host = host
        self.loaded = False  # the saved draft was read (or there was none): writing is safe now
        # The batch came from the command line (--cli-input-json …): the saved draft stays on
        # disk but is not brought back over it.
        self.superseded = False
        self._timer: Timer | None = None
        self._lock = threading.Lock()
        self._taken = 0
        self._written = 0
        self._failing = False

    def changed(self) -> None:
        """Something in the batch changed: save the draft within a second, even while typing on.

        A throttle, not a debounce: the timer is not restarted by later changes, so steady typing
        followed by a kill -9 loses at most the last second (a debounce saved nothing at all).
        """
        if self._timer is None:
            self._timer = self.host.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def save_now(self) -> None:
        """Write the draft as it is now, in a file worker (writes land in the order taken)."""
        self._timer = None
        if not self.loaded:  # never write over the saved draft before it was read
            self.changed()
            return
        self._taken += 1
        host = self.host
        taken, draft, outbox, kind = self._taken, host.batch_model.draft(), host.outbox, host.KIND

        def write() -> None:
            with self._lock:
                if taken < self._written:
                    return  # a newer draft is already on disk
                outbox.save_draft(kind, draft)
                self._written = taken

        host.run_file_job(write, self._saved, self._not_saved)

    def _saved(self, _result: None) -> None:
        if self._failing:
            self._failing = False
            self.host.set_status("Draft saved again")

    def _not_saved(self, err: EventdeckError) -> None:
        """Say that the draft was not saved (not an "AWS call failed"); the batch stays on screen."""
        self.host.set_status(err.message, error=True)
        if not self._failing:  # once per failing spell, not once a second
            self.host.app.notify(str(err), title="Draft not saved", severity="error", markup=False)
        self._failing = True

    def save_unsaved(self) -> None:
        """Write the draft now, on this thread (the app is stopping: quit, SIGHUP, SIGTERM)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.loaded:
            return
        host = self.host
        with contextlib.suppress(EventdeckError), self._lock:
            host.outbox.save_draft(host.KIND, host.batch_model.draft())
            self._taken += 1
            self._written = self._taken
