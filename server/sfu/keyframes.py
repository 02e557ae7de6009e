"""Key frame requests to one publisher track: coalesced, retried, at most one per interval."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class KeyframeRequester:
    """Turns any number of "this viewer needs a key frame" into rate-limited PLIs upstream.

    A request stays wanted until a key frame passes through (`keyframe_arrived`): every viewer
    waiting at that moment is served by it, so requests in between cost nothing. While one is
    wanted, a PLI goes out at once if the last one is at least `interval` old, otherwise with the
    first frame (`frame_arrived`) or request after that, and so again every `interval` while
    frames come without a key frame (a PLI can be lost). No timer: frames are the clock's
    ticks, and a track that sends no frames has nothing a key frame could be taken from yet.
    `send` returns False when no PLI can go out yet (no packet seen, so no SSRC): that attempt
    does not count against the interval. `clock` gives seconds (monotonic).
    """

    def __init__(
        self,
        send: Callable[[], bool],
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._send = send
        self._interval = interval
        self._clock = clock
        self._last_sent = -math.inf
        self._wanted = False
        self._closed = False
        self.sent = 0

    def request(self) -> None:
        if self._closed:
            return
        self._wanted = True
        self._try()

    def frame_arrived(self) -> None:
        """A frame that is not a key frame went through: time for another PLI, if one is due."""
        if self._wanted:
            self._try()

    def keyframe_arrived(self) -> None:
        self._wanted = False

    def close(self) -> None:
        self._closed = True
        self._wanted = False

    def _try(self) -> None:
        now = self._clock()
        if now - self._last_sent < self._interval or not self._send():
            return
        self._last_sent = now
        self.sent += 1
