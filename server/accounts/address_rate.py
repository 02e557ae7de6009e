"""A sliding-window count per client address, in memory: how often an address may do something.

For actions that need no password (creating guest sessions): unlike the password throttle
nothing is written to the store, so a restart forgets the counts, which only costs a flood one
more window. Addresses are counted as the password throttle counts them (IPv6 by its /64).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from server.accounts.throttle import MAX_KEYS, address_key
from server.domain_errors import Throttled


class AddressRate:
    """At most `limit` events per address in `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float],
        *,
        code: str,
        message: str,
    ):
        self._limit = limit
        self._window = window
        self._clock = clock
        self._code = code
        self._message = message
        self._events: dict[str, deque[float]] = {}

    def check(self, address: str | None) -> None:
        """Throttled if this address has no event left in the window (counts nothing)."""
        events = self._current(address)
        if events is not None and len(events) >= self._limit:
            wait = events[len(events) - self._limit] + self._window - self._clock()
            raise Throttled(self._message, self._code, retry_after=max(1, math.ceil(wait)))

    def count(self, address: str | None) -> None:
        """One event from this address."""
        key = address_key(address)
        if key is None:
            return
        events = self._current(address)
        if events is None:
            if len(self._events) >= MAX_KEYS:
                self._forget_idle()
            events = self._events[key] = deque()
        events.append(self._clock())

    def _current(self, address: str | None) -> deque[float] | None:
        key = address_key(address)
        events = self._events.get(key) if key is not None else None
        if events is not None:
            horizon = self._clock() - self._window
            while events and events[0] <= horizon:
                events.popleft()
        return events

    def _forget_idle(self) -> None:
        """Drop addresses with nothing in the window; if a flood still fills memory, the oldest."""
        horizon = self._clock() - self._window
        self._events = {k: e for k, e in self._events.items() if e and e[-1] > horizon}
        while len(self._events) >= MAX_KEYS:
            del self._events[next(iter(self._events))]
