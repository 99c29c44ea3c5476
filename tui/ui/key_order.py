"""Keys from the terminal are delivered one at a time, each once the one before it is handled.

Why: Textual's App forwards a key to the widget that has the focus *when the App reads the key*,
and a tab (a binding on the screen) moves the focus only once it has travelled from the focused
widget up to the App through their message queues. Keys that arrive in one burst (a paste
without bracketed paste, tmux ``send-keys 'path' Tab 'id'``, a slow SSH link delivering several
keys in one read) are all read and forwarded before that tab has moved anything: the id landed
in the field before the tab. Here each key waits until the key before it has been through every
queue on its way (the focused widget's handler, its bubbling up to the screen, the bindings, a
focus change or a screen those asked for), so each key goes where the user's order of keys says,
whatever the timing. Pastes are ordered with the keys, for the same reason. Keys typed one at a
time are never held: a key waits only behind another one still on its way, and a character
typed into a text field (which stops it there, moving no focus) lets the next key go at once.

Characters typed into a field post their edits (the field's Changed, then the form's own
message) after them, up the same way; a key that follows them and is not typed (ctrl+n: a new
entry, which rebinds the form) waits until every queue on its way has drained, so those edits
land on the entry they were typed for.

A key whose handler moves the focus later than that (after the next frame, once a widget it
mounts is there: the query bar) holds the keys behind it with ``hold_keys`` until it has.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual._context import active_message_pump

from tui.ui.timers import call_after

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.timer import Timer

# Held keys are let go after this long without progress (a message queue on a key's way closed
# before passing it, a hold never released): a keyboard must never go dead.
RELEASE_AFTER = 2.0


def hold_keys(app: App[Any]) -> Callable[[], None]:
    """Hold the terminal's next keys until the returned callable is called (once is enough).

    Why: a handler that moves the focus only after a refresh (a widget it mounts must be there
    first), or opens a dialog only once a worker has read something, would otherwise let the
    keys typed after it reach the old focus. Call the returned callable right after the focus
    call or the push of the screen: it lets the keys go once that focus change is made.
    An app without a ``KeyOrder`` (a bare test host) holds nothing.
    """
    order = getattr(app, "key_order", None)
    return order.hold() if isinstance(order, KeyOrder) else _nothing


def _nothing() -> None:
    """Nothing held, nothing to let go."""


class KeyOrder:
    """The App's terminal keys and pastes, handed on in order, one finished before the next.

    The App's ``on_event`` passes every event from the driver through ``receive``; ``deliver``
    is the App's own handling (Textual's ``App.on_event``: priority bindings, then forwarding to
    the focused widget).
    """

    def __init__(self, app: App[Any], deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver
        self._held: deque[events.Event] = deque()
        self._travelling = 0  # the number of the key on its way; 0: none
        self._sent = 0
        self._holds = 0  # hold_keys calls not released yet
        self._sending = False
        self._progress = 0  # keys sent and holds released: the timer looks for a change
        self._release: Timer | None = None
        self._watched = 0  # the progress when the timer was set
        self.received = 0  # keys and pastes received from the terminal so far
        self._typed = False  # characters went into a field since the last key was followed

    @property
    def idle(self) -> bool:
        """True when no key is held or on its way (every key received has been handed on)."""
        return not self._held and not self._busy

    @staticmethod
    def orders(event: events.Event) -> bool:
        """True for a key or paste straight from the terminal (not one bubbling back)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    @property
    def _busy(self) -> bool:
        return bool(self._travelling or self._holds or self._sending)

    async def receive(self, event: events.Event) -> None:
        """Hand ``event`` on now, or hold it behind the key still on its way."""
        self.received += 1
        self._held.append(event)
        if not self._busy:
            await self._send_held()
        elif self._release is None:
            self._watch()

    def hold(self) -> Callable[[], None]:
        """Hold the next keys until the returned callable is called (see ``hold_keys``)."""
        self._holds += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                # Through the top screen's queue (a screen just pushed mounts and sets its focus
                # first), then the App's (where that focus change, asked for before, is made).
                app = self._app
                if not app.screen.call_later(app.call_later, self._unhold):
                    app.call_later(self._unhold)

        return release

    async def _unhold(self) -> None:
        self._holds = max(0, self._holds - 1)
        self._progress += 1
        await self._send_held()

    async def _send_held(self) -> None:
        """Send the held keys in order, each once the one before it has finished its way."""
        if self._sending:
            return  # the loop below goes on with the next
        self._sending = True
        try:
            while self._held and not self._travelling and not self._holds:
                await self._send(self._held.popleft())
        finally:
            self._sending = False
        if not self._held and self._release is not None:
            self._release.stop()
            self._release = None

    async def _send(self, event: events.Event) -> None:
        app = self._app
        screen = app.screen
        # Where Textual forwards it (read before it goes: a priority binding may move the focus).
        target: DOMNode = app.focused or screen
        self._progress += 1
        if isinstance(event, events.Key) and target.check_consume_key(event.key, event.character):
            # Typed into a text field: it stops there and moves no focus (Textual's contract for
            # check_consume_key), and the next key goes to the same queue after it.
            self._typed = True
            await self._deliver(event)
            return
        self._sent += 1
        number = self._travelling = self._sent
        if self._typed:
            # Characters just typed post their edits (the field's Changed, the form's own
            # message) after them, on the way up; a key acting on what the field is bound to
            # (ctrl+n: a new entry) must wait until those have arrived, or they land on the new
            # entry. This key goes once every queue on the way has drained.
            self._typed = False
            self._held.appendleft(event)
            await self._settle(list(target.ancestors_with_self), number)
            return
        await self._deliver(event)
        # The way a key can go: the target, then its ancestors up to the screen and the App.
        await self._follow(list(target.ancestors_with_self), number, screen)

    async def _follow(self, way: list[DOMNode], number: int, screen: Screen[Any]) -> None:
        """Pass each queue on the key's way after the key, then let the next key go.

        A callback posted to a queue runs after everything posted there before it: once it has
        run at the target, the key was handled there or posted on to the parent, and so on up.
        """
        if number != self._travelling:
            return  # let go by the timer already
        self._progress += 1  # slow is not stuck: the timer lets go only what stopped moving
        while way:
            node = way.pop(0)
            if node.call_later(self._follow, way, number, screen):
                return
            if node is self._app:
                return  # the App's own queue refused it: the app is closing
        top = self._app.screen
        if top is not screen:
            # The key opened or closed a screen: its mount (and the focus it sets) comes first.
            await self._follow([top, self._app], number, top)
            return
        self._travelling = 0
        await self._send_held()

    async def _settle(self, way: list[DOMNode], number: int) -> None:
        """Go up ``way`` (the focused widget to the App), leaving each node only when its queue
        is empty, checked from inside it (not mid-message): what it posted on up is then ahead
        of us in the parent's queue. Then let the held keys go.

        The App's own queue is not waited for: it takes the terminal's events all the time.
        """
        if number != self._travelling:
            return  # let go by the timer already
        while way:
            node = way[0]
            busy = active_message_pump.get(None) is not node or node.message_queue_size > 0
            if node is not self._app and busy and node.call_later(self._settle, way, number):
                return  # checked again once what is queued there now has run
            way.pop(0)  # drained (or closing and refusing callbacks): on up
            # Progress is a node passed, not a look at a busy one: a queue that never drains
            # (a node flooded with messages) is let go by the release timer, as a stuck key is.
            self._progress += 1
        self._travelling = 0
        await self._send_held()

    def _watch(self) -> None:
        self._watched = self._progress
        self._release = call_after(self._app, RELEASE_AFTER, self._release_due)

    async def _release_due(self) -> None:
        """Keys held all this time with nothing moving: let them go anyway, in their order."""
        self._release = None
        if not self._held:
            return
        if self._progress == self._watched:
            self._travelling = 0
            self._holds = 0
        await self._send_held()
        if self._held and self._release is None:
            self._watch()  # a long burst going on: watch it from here
