"""ForwardTrack and the sender hook: gated, bounded, continuous, and never an encoder."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamError

from server.sfu.frames import EncodedFrame
from server.sfu.outbound import (
    PACKET_MAX,
    Forwarded,
    ForwardTrack,
    OpusPacker,
    Vp8Packer,
    attach_sender,
)


def key(ts: int) -> EncodedFrame:
    return EncodedFrame(b"K%d" % ts, ts, True)


def delta(ts: int) -> EncodedFrame:
    return EncodedFrame(b"D%d" % ts, ts, False)


async def drain(track: ForwardTrack) -> list[Forwarded]:
    out = []
    while track._queue:
        out.append(await track.recv())
    return out


def test_vp8_packer_splits_frames_under_the_packet_size_with_running_picture_ids() -> None:
    packer = Vp8Packer()
    first, ts = packer.pack(Forwarded(bytes(5000), 1234))
    second, _ = packer.pack(Forwarded(b"x", 1))
    assert ts == 1234
    assert len(first) == 4 and all(len(p) <= PACKET_MAX for p in first)
    assert first[0][0] == 0x90 and all(p[0] == 0x80 for p in first[1:])  # S bit on the first
    picture = int.from_bytes(first[0][2:4], "big") & 0x7FFF
    assert int.from_bytes(second[0][2:4], "big") & 0x7FFF == (picture + 1) & 0x7FFF
    with pytest.raises(RuntimeError):
        packer.encode(object())
    assert OpusPacker().pack(Forwarded(b"opus", 960)) == ([b"opus"], 960)


async def test_video_waits_for_activation_then_for_a_key_frame_and_asks_for_one() -> None:
    asked: list[bool] = []
    track = ForwardTrack("video", capacity=10)
    track.bind(lambda: asked.append(True))
    track.push(key(0))
    assert not track._queue and not asked  # not agreed by the viewer yet
    track.activate()
    assert asked == [True]
    track.push(delta(3000))
    track.push(key(6000))
    track.push(delta(9000))
    out = await drain(track)
    assert [f.data for f in out] == [b"K6000", b"D9000"]
    assert [f.timestamp for f in out] == [0, 3000]  # the transceiver's own timeline


async def test_a_rebound_track_continues_its_timeline_one_frame_later() -> None:
    track = ForwardTrack("video", capacity=10)
    track.bind(None)
    track.activate()
    track.push(key(90_000))
    track.push(delta(93_000))
    assert [f.timestamp for f in await drain(track)] == [0, 3000]
    track.bind(None)  # another publication, another clock
    track.activate()
    track.push(key(5_000_000))
    assert [f.timestamp for f in await drain(track)] == [6000]


async def test_a_full_video_queue_starts_over_at_a_key_frame() -> None:
    asked: list[bool] = []
    track = ForwardTrack("video", capacity=3)
    track.bind(lambda: asked.append(True))
    track.activate()
    asked.clear()
    for frame in (key(0), delta(1), delta(2), delta(3), delta(4)):
        track.push(frame)
    assert not track._queue and track.dropped == 4 and asked == [True]
    track.push(delta(5))
    track.push(key(6))
    assert [f.data for f in await drain(track)] == [b"K6"]


async def test_a_full_audio_queue_drops_its_oldest_packet() -> None:
    track = ForwardTrack("audio", capacity=2)
    track.bind(None)
    track.activate()
    for ts in (0, 960, 1920):
        track.push(EncodedFrame(b"%d" % ts, ts, True, 40))
    assert [f.data for f in await drain(track)] == [b"960", b"1920"]


async def test_a_stopped_track_ends_a_waiting_recv() -> None:
    track = ForwardTrack("audio", capacity=2)
    waiting = asyncio.get_running_loop().create_task(track.recv())
    await asyncio.sleep(0)
    track.stop()
    with pytest.raises(MediaStreamError):
        await waiting


async def test_attach_sender_gives_a_real_sender_a_packer_and_our_keyframe_path() -> None:
    pc = RTCPeerConnection()
    try:
        asked: list[bool] = []
        track = ForwardTrack("video", capacity=2)
        track.bind(lambda: asked.append(True))
        sender = pc.addTransceiver(track, direction="sendonly").sender
        attach_sender(sender, track)
        assert isinstance(sender._RTCRtpSender__encoder, Vp8Packer)  # type: ignore[attr-defined]
        sender._send_keyframe()  # what aiortc calls on a viewer's PLI or FIR
        assert asked == [True]
        with pytest.raises(RuntimeError):
            attach_sender(sender, track)
    finally:
        await pc.close()
