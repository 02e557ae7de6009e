"""The verification gate: floods queue behind a bounded share, never in front of a real user."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from server.accounts.gate import GateBusy, Standing, VerificationGate

BOUND = 5.0  # seconds any wait in these tests may take on a busy machine


class Holder:
    """A task that takes a slot and keeps it until told to let go."""

    def __init__(self, gate: VerificationGate, standing: Standing):
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.task = asyncio.create_task(self._run(gate, standing))

    async def _run(self, gate: VerificationGate, standing: Standing) -> None:
        async with gate.slot(standing):
            self.started.set()
            await self.release.wait()

    async def finish(self) -> None:
        self.release.set()
        await asyncio.wait_for(self.task, BOUND)


async def settle() -> None:
    """Let every ready task run (a few loop turns, no wall-clock wait)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_untrusted_checks_leave_a_thread_for_a_trusted_one() -> None:
    gate = VerificationGate(concurrency=2)
    unknown = Holder(gate, Standing.UNKNOWN)
    await asyncio.wait_for(unknown.started.wait(), BOUND)
    suspect = Holder(gate, Standing.SUSPECT)
    another = Holder(gate, Standing.UNKNOWN)
    await settle()
    assert not suspect.started.is_set() and not another.started.is_set()
    trusted = Holder(gate, Standing.TRUSTED)
    await asyncio.wait_for(trusted.started.wait(), BOUND)  # not behind the untrusted queue
    await trusted.finish()
    await unknown.finish()
    # Unknown addresses are served before suspect ones, whatever the order they came in.
    await asyncio.wait_for(another.started.wait(), BOUND)
    assert not suspect.started.is_set()
    await another.finish()
    await asyncio.wait_for(suspect.started.wait(), BOUND)
    await suspect.finish()


async def test_trusted_checks_are_served_before_waiting_untrusted_ones() -> None:
    gate = VerificationGate(concurrency=1)
    holder = Holder(gate, Standing.TRUSTED)
    await asyncio.wait_for(holder.started.wait(), BOUND)
    untrusted = Holder(gate, Standing.UNKNOWN)
    await settle()
    trusted = Holder(gate, Standing.TRUSTED)
    await settle()
    holder.release.set()
    await asyncio.wait_for(trusted.started.wait(), BOUND)
    assert not untrusted.started.is_set()
    await trusted.finish()
    await asyncio.wait_for(untrusted.started.wait(), BOUND)
    await untrusted.finish()
    await holder.finish()


@pytest.mark.parametrize("standing", [Standing.UNKNOWN, Standing.SUSPECT])
async def test_untrusted_queues_are_bounded(standing: Standing) -> None:
    gate = VerificationGate(concurrency=2, queue_limits={"unknown": 2, "suspect": 2})
    running = Holder(gate, standing)
    await asyncio.wait_for(running.started.wait(), BOUND)
    waiting = [Holder(gate, standing) for _ in range(2)]
    await settle()
    with pytest.raises(GateBusy):
        async with gate.slot(standing):
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
    holder = Holder(gate, Standing.TRUSTED)
    await asyncio.wait_for(holder.started.wait(), BOUND)
    cancelled = Holder(gate, Standing.TRUSTED)
    await settle()
    cancelled.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await cancelled.task
    later = Holder(gate, Standing.TRUSTED)
    await holder.finish()
    await asyncio.wait_for(later.started.wait(), BOUND)
    await later.finish()
