"""Anonymous usage statistics: per-day counts of page views, visits and time spent, no cookie.

A visitor is approximated by a hash of their address and user agent with a salt that is random,
held only in memory and replaced every (UTC) day, so no identifier survives the day or reaches
the database: only the counts do. A visit is counted the first time a visitor's hash is seen on
a day. Time spent is the sum, over visitors, of the gaps between their consecutive requests;
a gap longer than 30 minutes is taken as leaving and coming back, and not counted.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from server.store.statistics import StatisticsStore, UsageDay, UsageDeltas

log = logging.getLogger(__name__)

VISIT_GAP_SECONDS = 30 * 60
# Beyond this many visitors in a day new ones are still counted but no longer remembered,
# so a flood of made-up user agents cannot exhaust memory.
MAX_VISITORS = 100_000
FLUSH_INTERVAL_SECONDS = 60.0
MAX_REPORT_DAYS = 366


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


class UsageCounter:
    """Counts in memory until taken; knows nothing of users."""

    def __init__(
        self,
        clock: Callable[[], float],
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ):
        self._clock = clock
        self._random_bytes = random_bytes
        self._day = ""
        self._salt = b""
        self._last_seen: dict[bytes, float] = {}
        self._pending = UsageDeltas()

    def record(self, path: str, address: str | None, user_agent: str | None) -> None:
        """Count one page view of `path` (a route's canonical path, never a raw URL)."""
        now = self._clock()
        day = day_of(now)
        if day != self._day:
            # A new day: forget every visitor and the salt, so yesterday's hashes mean nothing.
            self._day = day
            self._salt = self._random_bytes(32)
            self._last_seen.clear()
        pending = self._pending
        pending.views[(day, path)] = pending.views.get((day, path), 0) + 1
        visitor = hashlib.blake2b(
            f"{address or ''}\n{user_agent or ''}".encode(errors="replace"),
            key=self._salt,
            digest_size=16,
        ).digest()
        last = self._last_seen.get(visitor)
        if last is None:
            pending.visits[day] = pending.visits.get(day, 0) + 1
            if len(self._last_seen) < MAX_VISITORS:
                self._last_seen[visitor] = now
            return
        gap = now - last
        if 0 < gap <= VISIT_GAP_SECONDS:
            pending.seconds[day] = pending.seconds.get(day, 0.0) + gap
        self._last_seen[visitor] = max(now, last)

    def take(self) -> UsageDeltas:
        """The counts since the last take; the counter starts again from zero."""
        taken, self._pending = self._pending, UsageDeltas()
        return taken

    def give_back(self, deltas: UsageDeltas) -> None:
        """Return counts that could not be stored, to be tried again at the next flush."""
        pending = self._pending
        for key, views in deltas.views.items():
            pending.views[key] = pending.views.get(key, 0) + views
        for day, visits in deltas.visits.items():
            pending.visits[day] = pending.visits.get(day, 0) + visits
        for day, seconds in deltas.seconds.items():
            pending.seconds[day] = pending.seconds.get(day, 0.0) + seconds


class Statistics:
    """The counter (when the operator has statistics on) and the stored aggregates."""

    def __init__(self, store: StatisticsStore, enabled: bool, clock: Callable[[], float]):
        self._store = store
        self._counter = UsageCounter(clock) if enabled else None
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self._counter is not None

    def record(self, path: str, address: str | None, user_agent: str | None) -> None:
        if self._counter is not None:
            self._counter.record(path, address, user_agent)

    async def user_consents(self, user_id: int) -> bool:
        return await self._store.consents(user_id)

    async def flush(self) -> None:
        """Add the counts gathered so far to the stored totals."""
        if self._counter is None:
            return
        deltas = self._counter.take()
        if deltas.empty():
            return
        try:
            await self._store.add(deltas)
        except BaseException:
            self._counter.give_back(deltas)
            raise

    async def flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_INTERVAL_SECONDS)
            try:
                await self.flush()
            except Exception:
                log.exception("could not store usage statistics; keeping them for the next try")

    def default_range(self) -> tuple[date, date]:
        last = datetime.fromtimestamp(self._clock(), UTC).date()
        return last - timedelta(days=29), last

    async def report(self, first: date, last: date) -> list[UsageDay]:
        """Per-day aggregates from `first` to `last` inclusive, up to the latest request."""
        await self.flush()
        return await self._store.days(first.isoformat(), last.isoformat())
