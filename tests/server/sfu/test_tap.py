"""FrameAssembler: whole frames on the marker bit, in order, holes repaired or skipped."""

from __future__ import annotations

from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.codecs import depayload
from aiortc.codecs.vpx import Vp8Decoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from server.sfu.frames import EncodedFrame, is_vp8_keyframe
from server.sfu.outbound import vp8_payloads
from server.sfu.tap import HOLE_PATIENCE, FrameAssembler, tap_receiver

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=97)
KEY = b"\x50\x02\x00\x9d\x01\x2a" + bytes(range(250)) * 24  # P bit clear, start code
DELTA = b"\x51\x01\x00" + bytes(range(200))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Stream:
    """Packetizes frames the way the SFU's own sender does, as RTP the receiver would parse."""

    def __init__(self, seq: int = 65530, timestamp: int = 2**32 - 6000):
        self.seq = seq
        self.timestamp = timestamp

    def frame(self, data: bytes) -> list[RtpPacket]:
        payloads = vp8_payloads(data, picture_id=self.seq & 0x7FFF)
        packets = []
        for index, payload in enumerate(payloads):
            packet = RtpPacket(
                payload_type=97,
                sequence_number=self.seq,
                timestamp=self.timestamp,
                marker=int(index == len(payloads) - 1),
            )
            packet.payload = payload
            packet._data = depayload(VP8, payload)  # type: ignore[attr-defined]
            packets.append(packet)
            self.seq = (self.seq + 1) & 0xFFFF
        self.timestamp = (self.timestamp + 3000) & 0xFFFFFFFF
        return packets


def assembler(clock: Clock | None = None) -> tuple[FrameAssembler, list[EncodedFrame]]:
    out: list[EncodedFrame] = []
    tap = FrameAssembler("video", clock=clock or Clock())
    tap.sink = out.append
    return tap, out


def test_a_frame_is_released_by_its_marker_bit_not_by_the_next_frame() -> None:
    tap, out = assembler()
    packets = Stream().frame(KEY)
    assert len(packets) > 2
    for packet in packets[:-1]:
        tap.add(packet)
    assert out == []
    assert tap.add(packets[-1]) == (False, None)  # nothing for aiortc's decoder, ever
    assert [frame.data for frame in out] == [KEY]
    assert out[0].keyframe and is_vp8_keyframe(out[0].data)


def test_packets_out_of_order_make_the_same_frames_in_order() -> None:
    tap, out = assembler()
    stream = Stream()
    key, delta = stream.frame(KEY), stream.frame(DELTA)
    for packet in [key[2], key[0], delta[0], key[-1], *key[3:-1], key[1]]:
        tap.add(packet)
    assert [frame.data for frame in out] == [KEY, DELTA]
    assert [frame.keyframe for frame in out] == [True, False]
    assert out[1].timestamp - out[0].timestamp == 3000  # unwrapped across the 32-bit wrap


def test_a_hole_holds_later_frames_until_a_retransmission_fills_it() -> None:
    clock = Clock()
    tap, out = assembler(clock)
    stream = Stream()
    key, delta1, delta2 = stream.frame(KEY), stream.frame(DELTA), stream.frame(DELTA + b"2")
    lost = key[3]
    for packet in [p for p in key if p is not lost] + delta1 + delta2:
        tap.add(packet)
    assert out == []
    clock.now += HOLE_PATIENCE / 2
    tap.add(lost)  # resent after aiortc's NACK
    assert [frame.data for frame in out] == [KEY, DELTA, DELTA + b"2"]


def test_a_hole_never_filled_is_skipped_up_to_the_next_key_frame() -> None:
    clock = Clock()
    tap, out = assembler(clock)
    losses: list[bool] = []
    tap.on_loss = lambda: losses.append(True)
    stream = Stream()
    for packet in stream.frame(KEY):
        tap.add(packet)
    assert len(out) == 1
    broken, delta = stream.frame(KEY + b"2"), stream.frame(DELTA)
    for packet in broken[1:] + delta:  # the key frame's first packet never comes
        tap.add(packet)
    clock.now += HOLE_PATIENCE + 0.01
    for packet in stream.frame(DELTA + b"3"):
        tap.add(packet)
    assert len(out) == 1  # deltas after a loss would not decode: dropped
    assert losses  # and a key frame was asked for
    for packet in stream.frame(KEY + b"4"):
        tap.add(packet)
    assert [frame.data for frame in out] == [KEY, KEY + b"4"]
    assert tap.skipped >= 2


def test_a_new_stream_starts_at_its_first_key_frame() -> None:
    tap, out = assembler()
    losses: list[bool] = []
    tap.on_loss = lambda: losses.append(True)
    stream = Stream()
    for packet in stream.frame(DELTA) + stream.frame(DELTA):
        tap.add(packet)
    assert out == [] and losses
    for packet in stream.frame(KEY) + stream.frame(DELTA):
        tap.add(packet)
    assert [frame.data for frame in out] == [KEY, DELTA]


def test_audio_packets_are_frames_with_their_level() -> None:
    tap = FrameAssembler("audio")
    out: list[EncodedFrame] = []
    tap.sink = out.append
    for seq, level in ((10, 30), (12, 40), (11, 50)):
        packet = RtpPacket(payload_type=96, sequence_number=seq, timestamp=seq * 960)
        packet.payload = bytes([seq])
        packet._data = packet.payload  # type: ignore[attr-defined]
        packet.extensions.audio_level = (True, level)
        tap.add(packet)
    assert [(f.data, f.audio_level, f.timestamp) for f in out] == [
        (b"\x0a", 30, 0),
        (b"\x0c", 40, 1920),
    ]  # the late packet is dropped rather than played out of order


def test_frames_from_the_tap_decode_with_a_real_vp8_decoder() -> None:
    import av

    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = 64, 48, "yuv420p"
    frames = []
    for index in range(3):
        picture = av.VideoFrame(width=64, height=48, format="yuv420p")
        for plane in picture.planes:
            plane.update(bytes([index * 40 + 20]) * plane.buffer_size)
        picture.pts = index
        frames.append(b"".join(bytes(p) for p in codec.encode(picture)))
    tap, out = assembler()
    stream = Stream()
    for data in frames:
        for packet in stream.frame(data):
            tap.add(packet)
    decoder = Vp8Decoder()
    decoded = [decoder.decode(frame) for frame in out]  # type: ignore[arg-type]
    assert [frame.data for frame in out] == frames
    assert all(len(images) == 1 for images in decoded)


async def test_tap_receiver_replaces_a_real_receivers_jitter_buffer() -> None:
    pc = RTCPeerConnection()
    try:
        receiver: RTCRtpReceiver = pc.addTransceiver("video").receiver
        tap = tap_receiver(receiver, "video")
        assert receiver._RTCRtpReceiver__jitter_buffer is tap  # type: ignore[attr-defined]
        try:
            tap_receiver(receiver, "video")
        except RuntimeError as error:
            assert "aiortc" in str(error)
        else:
            raise AssertionError("a receiver was tapped twice")
    finally:
        await pc.close()
