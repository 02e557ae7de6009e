"""Who gets argon2 time: a short queue per address and a global budget that floods cannot fill.

argon2 is made to be slow, so a flood of wrong passwords could keep every hashing thread busy
and leave a real user queueing behind it. Each address may have only `per_address` checks in
progress (more are refused at once). Checks are served by standing: an address whose password
was right recently (TRUSTED) first, then addresses with no recent history (UNKNOWN), then those
that failed recently (SUSPECT). The untrusted together may use at most `concurrency - 1`
threads and wait in short queues (more are refused at once), so a trusted check finds a thread
free however large the flood.
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

# Several people behind one office or home router log in at once; one address's flood still
# holds at most this many checks (the queues below bound the rest).
PER_ADDRESS = 8
QUEUE_LIMITS = {"unknown": 32, "suspect": 8}
# What a refused client is told to wait, in seconds: a slot frees within one argon2 run.
BUSY_RETRY_AFTER = 1


class Standing(enum.IntEnum):
    """An address's standing; lower is served first."""

    TRUSTED = 0
    UNKNOWN = 1
    SUSPECT = 2


class GateBusy(Exception):
    """No room for this check now; the client may try again in BUSY_RETRY_AFTER seconds."""


class VerificationGate:
    def __init__(
        self,
        concurrency: int,
        per_address: int = PER_ADDRESS,
        queue_limits: dict[str, int] | None = None,
    ):
        self._concurrency = max(1, concurrency)
        self._untrusted_slots = max(1, self._concurrency - 1)
        self._per_address = per_address
        limits = {**QUEUE_LIMITS, **(queue_limits or {})}
        self._queue_limit = {
            Standing.TRUSTED: None,  # bounded by the per-address limit instead
            Standing.UNKNOWN: limits["unknown"],
            Standing.SUSPECT: limits["suspect"],
        }
        self._by_address: dict[str, int] = {}
        self._running = 0
        self._untrusted_running = 0
        self._waiting: dict[Standing, deque[asyncio.Future[None]]] = {s: deque() for s in Standing}

    @contextmanager
    def from_address(self, address: str | None) -> Iterator[None]:
        """Count one check in progress from `address`; GateBusy when it has too many already."""
        if address is None:
            yield
            return
        if self._by_address.get(address, 0) >= self._per_address:
            raise GateBusy
        self._by_address[address] = self._by_address.get(address, 0) + 1
        try:
            yield
        finally:
            left = self._by_address[address] - 1
            if left:
                self._by_address[address] = left
            else:
                del self._by_address[address]

    @asynccontextmanager
    async def slot(self, standing: Standing) -> AsyncIterator[None]:
        """Hold one hashing thread's worth of budget, served in order of standing."""
        if self._may_start(standing) and not any(
            self._waiting[s] for s in Standing if s <= standing
        ):
            self._start(standing)
        else:
            if not self.has_room(standing):
                raise GateBusy
            queue = self._waiting[standing]
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            queue.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._finish(standing)  # granted just as it was cancelled
                elif waiter in queue:
                    queue.remove(waiter)
                raise
        try:
            yield
        finally:
            self._finish(standing)

    def has_room(self, standing: Standing) -> bool:
        """Whether a check of this standing would be admitted now (started or queued)."""
        if self._may_start(standing) and not any(
            self._waiting[s] for s in Standing if s <= standing
        ):
            return True
        limit = self._queue_limit[standing]
        return limit is None or len(self._waiting[standing]) < limit

    def _may_start(self, standing: Standing) -> bool:
        if self._running >= self._concurrency:
            return False
        return standing is Standing.TRUSTED or self._untrusted_running < self._untrusted_slots

    def _start(self, standing: Standing) -> None:
        self._running += 1
        if standing is not Standing.TRUSTED:
            self._untrusted_running += 1

    def _finish(self, standing: Standing) -> None:
        self._running -= 1
        if standing is not Standing.TRUSTED:
            self._untrusted_running -= 1
        self._wake()

    def _wake(self) -> None:
        for standing in Standing:
            queue = self._waiting[standing]
            while queue and self._may_start(standing):
                waiter = queue.popleft()
                if waiter.done():
                    continue
                self._start(standing)
                waiter.set_result(None)
