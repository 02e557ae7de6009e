"""Who gets argon2 time: a short queue per address and a global budget that floods cannot fill.

argon2 is made to be slow, so a flood of wrong passwords could keep every hashing thread busy
and leave a real user queueing behind it. Each address may have only `per_address` checks in
progress (more are refused at once); checks from addresses that failed recently ("suspect") may
use at most `suspect_slots` of the `concurrency` threads and wait in a short queue (more are
refused at once), so a check from an address in good standing always finds a thread soon.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

PER_ADDRESS = 2
SUSPECT_QUEUE = 8
# What a refused client is told to wait, in seconds: a slot frees within one argon2 run.
BUSY_RETRY_AFTER = 1


class GateBusy(Exception):
    """No room for this check now; the client may try again in BUSY_RETRY_AFTER seconds."""


class VerificationGate:
    def __init__(
        self,
        concurrency: int,
        per_address: int = PER_ADDRESS,
        suspect_slots: int | None = None,
        suspect_queue: int = SUSPECT_QUEUE,
    ):
        self._concurrency = max(1, concurrency)
        self._per_address = per_address
        self._suspect_slots = suspect_slots or max(1, self._concurrency - 1)
        self._suspect_queue = suspect_queue
        self._by_address: dict[str, int] = {}
        self._running = 0
        self._suspects_running = 0
        self._waiting: dict[bool, deque[asyncio.Future[None]]] = {False: deque(), True: deque()}

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
    async def slot(self, suspect: bool) -> AsyncIterator[None]:
        """Hold one hashing thread's worth of budget; suspects wait behind everyone else."""
        queue = self._waiting[suspect]
        if not queue and self._may_start(suspect):
            self._start(suspect)
        else:
            if suspect and len(queue) >= self._suspect_queue:
                raise GateBusy
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            queue.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._finish(suspect)  # granted just as it was cancelled
                elif waiter in queue:
                    queue.remove(waiter)
                raise
        try:
            yield
        finally:
            self._finish(suspect)

    def _may_start(self, suspect: bool) -> bool:
        if self._running >= self._concurrency:
            return False
        return not suspect or self._suspects_running < self._suspect_slots

    def _start(self, suspect: bool) -> None:
        self._running += 1
        if suspect:
            self._suspects_running += 1

    def _finish(self, suspect: bool) -> None:
        self._running -= 1
        if suspect:
            self._suspects_running -= 1
        self._wake()

    def _wake(self) -> None:
        for suspect in (False, True):
            queue = self._waiting[suspect]
            while queue and self._may_start(suspect):
                waiter = queue.popleft()
                if waiter.done():
                    continue
                self._start(suspect)
                waiter.set_result(None)
