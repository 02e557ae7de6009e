"""Key frame requests to one publisher track: coalesced, retried, at most one per interval."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable


class KeyframeRequester:
    """Turns any number of "this viewer needs a key frame" into rate-limited PLIs upstream.

    A request stays wanted until a key frame passes through (`keyframe_arrived`): every viewer
    waiting at that moment is served by it, so requests in between cost nothing. While one is
    wanted, a PLI goes out at once if the last one is at least `interval` old, otherwise when it
    will be, and again every `interval` until a key frame comes (a PLI can be lost, a camera can
    be paused). `send` returns False when no PLI can go out yet (no packet seen, so no SSRC):
    that attempt does not count against the interval.
    """

    def __init__(self, send: Callable[[], bool], interval: float = 1.0):
        self._send = send
        self._interval = interval
        self._loop = asyncio.get_running_loop()
        self._last_sent = -math.inf
        self._wanted = False
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self.sent = 0

    def request(self) -> None:
        if self._closed:
            return
        self._wanted = True
        if self._timer is None:
            delay = self._last_sent + self._interval - self._loop.time()
            if delay <= 0:
                self._fire()
            else:
                self._timer = self._loop.call_later(delay, self._fire)

    def keyframe_arrived(self) -> None:
        self._wanted = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self._closed = True
        self.keyframe_arrived()

    def _fire(self) -> None:
        self._timer = None
        if not self._wanted or self._closed or not self._send():
            return
        self._last_sent = self._loop.time()
        self.sent += 1
        self._timer = self._loop.call_later(self._interval, self._fire)
