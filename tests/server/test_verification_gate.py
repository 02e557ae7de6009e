"""The verification gate: floods queue behind a bounded share, never in front of a real user."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from server.accounts.gate import GateBusy, VerificationGate

BOUND = 5.0  # seconds any wait in these tests may take on a busy machine


class Holder:
    """A task that takes a slot and keeps it until told to let go."""

    def __init__(self, gate: VerificationGate, suspect: bool):
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.task = asyncio.create_task(self._run(gate, suspect))

    async def _run(self, gate: VerificationGate, suspect: bool) -> None:
        async with gate.slot(suspect):
            self.started.set()
            await self.release.wait()

    async def finish(self) -> None:
        self.release.set()
        await asyncio.wait_for(self.task, BOUND)


async def settle() -> None:
    """Let every ready task run (a few loop turns, no wall-clock wait)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_suspects_use_one_thread_and_clean_checks_get_the_other() -> None:
    gate = VerificationGate(concurrency=2)
    first = Holder(gate, suspect=True)
    second = Holder(gate, suspect=True)
    await asyncio.wait_for(first.started.wait(), BOUND)
    await settle()
    assert not second.started.is_set()  # the suspects' share is one slot
    clean = Holder(gate, suspect=False)
    await asyncio.wait_for(clean.started.wait(), BOUND)  # not behind the suspect queue
    await clean.finish()
    await first.finish()
    await asyncio.wait_for(second.started.wait(), BOUND)
    await second.finish()


async def test_clean_checks_are_served_before_waiting_suspects() -> None:
    gate = VerificationGate(concurrency=1)
    holder = Holder(gate, suspect=False)
    await asyncio.wait_for(holder.started.wait(), BOUND)
    suspect = Holder(gate, suspect=True)
    await settle()
    clean = Holder(gate, suspect=False)
    await settle()
    holder.release.set()
    await asyncio.wait_for(clean.started.wait(), BOUND)
    assert not suspect.started.is_set()
    await clean.finish()
    await asyncio.wait_for(suspect.started.wait(), BOUND)
    await suspect.finish()
    await holder.finish()


async def test_the_suspect_queue_is_bounded() -> None:
    gate = VerificationGate(concurrency=2, suspect_queue=2)
    running = Holder(gate, suspect=True)
    await asyncio.wait_for(running.started.wait(), BOUND)
    waiting = [Holder(gate, suspect=True) for _ in range(2)]
    await settle()
    with pytest.raises(GateBusy):
        async with gate.slot(suspect=True):
            pass
    for holder in (running, *waiting):
        await holder.finish()


def test_each_address_has_a_short_queue() -> None:
    gate = VerificationGate(concurrency=2, per_address=2)
    with gate.from_address("10.0.0.1"), gate.from_address("10.0.0.1"):
        with pytest.raises(GateBusy), gate.from_address("10.0.0.1"):
            pass
        with gate.from_address("10.0.0.2"):
            pass  # another address is not held up
    with gate.from_address("10.0.0.1"):
        pass  # freed again


async def test_a_cancelled_waiter_gives_its_place_back() -> None:
    gate = VerificationGate(concurrency=1)
    holder = Holder(gate, suspect=False)
    await asyncio.wait_for(holder.started.wait(), BOUND)
    cancelled = Holder(gate, suspect=False)
    await settle()
    cancelled.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await cancelled.task
    later = Holder(gate, suspect=False)
    await holder.finish()
    await asyncio.wait_for(later.started.wait(), BOUND)
    await later.finish()
