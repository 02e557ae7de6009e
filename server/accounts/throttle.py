"""Failed-login throttling per account and per address over a sliding window."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    """Counts failures; after `max_failures` within `window` seconds a key is refused."""

    def __init__(self, max_failures: int, window: float, clock: Callable[[], float]):
        self._max = max_failures
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again; 0 when all may try now."""
        now = self._clock()
        wait = 0.0
        for key in keys:
            times = self._prune(key, now)
            if len(times) >= self._max:
                wait = max(wait, times[0] + self._window - now)
        return math.ceil(wait)

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        if len(self._failures) > 10_000:
            # Logins that failed once and were never tried again would otherwise pile up.
            for stale in list(self._failures):
                self._prune(stale, now)
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self._window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times
