"""LocalSource: devices come and go under one track; times only go forward; the tap sees video."""

from __future__ import annotations

import asyncio
import fractions

import av
import pytest
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from app.core.meeting.testsrc import TestPatternTrack, ToneTrack
from app.viewmodels.local_source import LocalSource


class Frames(MediaStreamTrack):
    """A video track whose frames all say pts=0 (as a freshly opened device would)."""

    kind = "video"

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(0.001)
        if self.readyState != "live":
            raise MediaStreamError
        frame = av.VideoFrame(16, 16, "yuv420p")
        frame.pts, frame.time_base = 0, fractions.Fraction(1, 90000)
        return frame


async def loop_turns(turns: int = 5) -> None:
    """Let every ready task run until it waits: a pending recv() that can finish would."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def test_waits_for_a_device_and_restamps_across_devices() -> None:
    seen: list[av.VideoFrame] = []
    source = LocalSource("video", tap=seen.append)
    pending = asyncio.ensure_future(source.recv())
    await loop_turns()
    assert not pending.done()  # no device: nothing is sent, recv() waits for one
    first = Frames()
    source.set_device(first)
    frame = await asyncio.wait_for(pending, 1)
    stamps = [frame.pts]
    for _ in range(3):
        stamps.append((await source.recv()).pts)
    second = Frames()
    source.set_device(second)
    assert first.readyState == "ended"  # the old device is stopped
    for _ in range(3):
        stamps.append((await source.recv()).pts)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert len(seen) == 7
    source.stop()
    assert second.readyState == "ended"
    with pytest.raises(MediaStreamError):
        await source.recv()


async def test_a_device_that_ends_by_itself_is_waited_out() -> None:
    source = LocalSource("video")
    device = TestPatternTrack(32, 32, fps=100)
    source.set_device(device)
    await source.recv()
    device.stop()
    device.recv = _ended  # type: ignore[method-assign]
    pending = asyncio.ensure_future(source.recv())
    await loop_turns()
    assert not pending.done() and source.device is None
    source.set_device(TestPatternTrack(32, 32, fps=100))
    await asyncio.wait_for(pending, 1)
    source.stop()


async def _ended() -> av.VideoFrame:
    raise MediaStreamError


async def test_audio_keeps_counting_samples() -> None:
    tapped: list[av.AudioFrame] = []  # the Settings level meter listens here
    source = LocalSource("audio", tap=tapped.append)  # type: ignore[arg-type]
    source.set_device(ToneTrack())
    first = await source.recv()
    second = await source.recv()
    assert first.pts == 0 and second.pts == first.samples
    assert tapped == [first, second]
    source.set_device(ToneTrack())
    third = await source.recv()
    assert third.pts == 2 * first.samples
    source.stop()
