"""ForwardSender: gated, bounded, continuous RTP on a real aiortc sender, and never an encoder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest
from aiortc import RTCPeerConnection, RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from server.sfu.frames import EncodedFrame
from server.sfu.outbound import PACKET_MAX, ForwardSender, vp8_payloads
from tests.server.sfu.peers import wait_until


def key(ts: int, size: int = 10) -> EncodedFrame:
    return EncodedFrame(b"K" * size, ts, True)


def delta(ts: int) -> EncodedFrame:
    return EncodedFrame(b"D%d" % ts, ts, False)


@pytest.fixture
async def pc() -> AsyncIterator[RTCPeerConnection]:
    pc = RTCPeerConnection()
    yield pc
    await pc.close()


def sender_for(pc: RTCPeerConnection, kind: str, asked: list[bool]) -> ForwardSender:
    out = ForwardSender(pc.addTransceiver(kind, direction="sendonly").sender, kind, 3)
    out.bind(lambda: asked.append(True))
    return out


def test_vp8_payloads_fit_the_packet_size_and_mark_the_frame_start() -> None:
    payloads = vp8_payloads(bytes(5000), picture_id=0x1234)
    assert len(payloads) == 4 and all(len(p) <= PACKET_MAX for p in payloads)
    assert payloads[0][0] == 0x90 and all(p[0] == 0x80 for p in payloads[1:])
    assert all(int.from_bytes(p[2:4], "big") == 0x8000 | 0x1234 for p in payloads)
    assert b"".join(p[4:] for p in payloads) == bytes(5000)


async def test_the_sender_is_taken_over_and_never_gets_an_encoder(pc: RTCPeerConnection) -> None:
    asked: list[bool] = []
    out = sender_for(pc, "video", asked)
    sender = pc.getTransceivers()[0].sender
    assert sender._run_rtp.__self__ is out  # type: ignore[attr-defined]
    assert sender._RTCRtpSender__encoder is None  # type: ignore[attr-defined]
    sender._send_keyframe()  # what aiortc calls on a viewer's PLI or FIR
    assert asked == [True]


async def test_video_waits_for_activation_then_for_a_key_frame(pc: RTCPeerConnection) -> None:
    asked: list[bool] = []
    out = sender_for(pc, "video", asked)
    out.push(key(0))
    assert out.dropped == 0 and not asked  # not agreed by the viewer yet: ignored
    out.activate()
    assert asked == [True]
    for frame in (delta(1), key(2), delta(3), delta(4)):
        out.push(frame)
    assert out.dropped == 0
    out.push(delta(5))  # four frames while the connection is not up: over the bound of three
    assert out.dropped == 4 and asked == [True, True]
    out.push(delta(6))
    out.push(key(7))
    assert out.dropped == 4  # waits quietly for the key frame, then takes it


async def test_packets_run_on_one_timeline_across_publications(pc: RTCPeerConnection) -> None:
    out = sender_for(pc, "video", [])
    packets = [RtpPacket.parse(p) for p in out.packets_for(key(90_000, size=3000))]
    packets += [RtpPacket.parse(p) for p in out.packets_for(delta(93_000))]
    out.bind(None)  # another publication, another clock
    packets += [RtpPacket.parse(p) for p in out.packets_for(key(7_000_000))]
    seqs = [p.sequence_number for p in packets]
    assert seqs == [(seqs[0] + i) & 0xFFFF for i in range(len(seqs))]
    assert [p.marker for p in packets] == [0, 0, 1, 1, 1]
    start = packets[0].timestamp
    assert [(p.timestamp - start) & 0xFFFFFFFF for p in packets] == [0, 0, 0, 3000, 6000]
    ssrc = pc.getTransceivers()[0].sender._ssrc
    assert {p.ssrc for p in packets} == {ssrc}
    stats = await pc.getTransceivers()[0].sender.getStats()
    outbound = next(s for s in stats.values() if s.type == "outbound-rtp")
    assert outbound.packetsSent == 5  # what aiortc's sender reports say


async def test_audio_drops_its_oldest_frame_when_the_bound_is_reached(
    pc: RTCPeerConnection,
) -> None:
    out = sender_for(pc, "audio", [])
    out.activate()
    for ts in range(4):
        out.push(EncodedFrame(b"%d" % ts, ts * 960, True, 40))
    assert out.dropped == 1


class BrokenRoute:
    """A viewer connection's way out that raises on every send."""

    def __init__(self) -> None:
        self.sends = 0

    def usable(self) -> bool:
        return True

    def backlog(self) -> int:
        return 0

    def send(self, packets: Sequence[bytes]) -> None:
        self.sends += 1
        raise OSError("broken")

    def close(self) -> None:
        pass


async def test_a_failing_route_stops_that_sender_until_it_carries_another_track(
    pc: RTCPeerConnection, caplog: pytest.LogCaptureFixture
) -> None:
    route = BrokenRoute()
    transceiver = pc.addTransceiver("video", direction="sendonly")
    out = ForwardSender(transceiver.sender, "video", 3, routes=lambda dtls: route)
    out.bind(lambda: None)
    out.activate()
    out.push(key(0))  # waits for the start
    vp8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=97)
    run = asyncio.get_running_loop().create_task(transceiver.sender._run_rtp(vp8))
    try:
        await wait_until(lambda: out.failed, 5.0, "the queued frame's send fails")
        out.push(key(1))  # raises nothing, tries nothing
        assert route.sends == 1 and out.forwarded == 0 and not out.accepting
        assert len(caplog.records) == 1 and caplog.records[0].exc_info is not None
        out.bind(lambda: None)  # another publication on this transceiver
        out.activate()
        assert not out.failed and out.accepting
    finally:
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
