"""Receiver hook: whole encoded frames straight off an aiortc RTCRtpReceiver, never decoded.

aiortc's RTCRtpReceiver does RTP bookkeeping worth keeping (SRTP, receiver reports, NACKs, RTX
unwrapping, REMB, VP8 depayloading into `packet._data`) and then gives every packet to a
JitterBuffer whose complete frames go to a decoder thread. `tap_receiver` swaps that one object
for a `FrameAssembler` with the same `add(packet) -> (pli_flag, frame)` contract. It never returns
a frame, so the decoder thread stays idle and no decoder is ever created; instead it hands each
whole frame to a sink the moment the frame's last packet (RTP marker bit) is in. aiortc's
JitterBuffer only releases a frame when the next frame's first packet arrives, one frame interval
(33 ms at 30 fps) later. Replacing a private attribute is fragile: the names are checked at
server start (internals.py), and the jitter buffer's type again at install time.

Video frames are released strictly in order. A hole holds later frames back for a short while
(a NACK and the resent packet usually fill it within a round trip); after that the assembler
skips to the next frame start, drops frames until a key frame and asks for one, so viewers never
get a broken reference chain. Opus packets are frames on their own and pass through as they come.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from server.sfu.frames import EncodedFrame, is_vp8_keyframe
from server.sfu.internals import JITTER_BUFFER

FrameSink = Callable[[EncodedFrame], None]

MAX_BUFFERED_PACKETS = 512  # a 640x480 key frame is ~50 packets; this is several seconds of holes
HOLE_PATIENCE = 0.5  # seconds a missing packet may hold later frames back
NACK_AGAIN_AFTER = 0.1  # aiortc NACKs a hole once; ask once more if the resent copy is late


def drop_frame(frame: EncodedFrame) -> None:
    """The sink of a track nobody forwards."""


def _older(seq: int, than: int) -> bool:
    return (seq - than) & 0xFFFF >= 0x8000


def _starts_vp8_frame(packet: RtpPacket) -> bool:
    # VP8 payload descriptor (RFC 7741): S bit set and partition index 0.
    return bool(packet.payload) and packet.payload[0] & 0x17 == 0x10


class FrameAssembler:
    """Stands in for a receiver's jitter buffer and releases frames on their marker bit."""

    def __init__(
        self,
        kind: str,
        receiver: RTCRtpReceiver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.kind = kind
        self.sink: FrameSink = drop_frame
        self.on_loss: Callable[[], object] | None = None
        self.ssrc: int | None = None
        self.frames = 0
        self.skipped = 0
        self._receiver = receiver
        self._clock = clock
        self._packets: dict[int, RtpPacket] = {}
        self._next: int | None = None  # sequence number that starts the next frame
        self._highest = 0  # highest sequence number buffered, valid while _next is set
        self._markers = 0
        self._hole_since: float | None = None
        self._need_keyframe = True  # nobody can decode what comes before the first key frame
        self._last_ts: int | None = None
        self._ticks = 0
        self._pli: asyncio.Task[None] | None = None
        self._nack: asyncio.Task[None] | None = None
        self._nacked_again = False

    @property
    def capacity(self) -> int:
        return MAX_BUFFERED_PACKETS

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """The jitter buffer contract: never a frame for the decoder, never aiortc's own PLI."""
        self.ssrc = packet.ssrc
        if self.kind == "audio":
            self._add_audio(packet)
        else:
            self._add_video(packet)
        return False, None

    def request_keyframe(self) -> bool:
        """Send a PLI to the publisher through the receiver's RTCP path; False if not yet able."""
        if self._receiver is None or self.ssrc is None:
            return False
        if self._pli is None or self._pli.done():
            # Not awaited by the caller: sending one RTCP packet never blocks.
            self._pli = asyncio.get_running_loop().create_task(
                self._receiver._send_rtcp_pli(self.ssrc)
            )
        return True

    def _add_audio(self, packet: RtpPacket) -> None:
        seq = packet.sequence_number
        if self._next is not None and _older(seq, self._next):
            return  # late or duplicate: Opus conceals a gap better than a step back in time
        self._next = (seq + 1) & 0xFFFF
        level = packet.extensions.audio_level
        self.frames += 1
        self.sink(
            EncodedFrame(
                # aiortc sets _data (the depayloaded payload) outside RtpPacket's declared fields.
                packet._data,  # type: ignore[attr-defined]
                self._unwrap(packet.timestamp),
                True,
                None if level is None else level[1],
            )
        )

    def _add_video(self, packet: RtpPacket) -> None:
        seq = packet.sequence_number
        if (self._next is not None and _older(seq, self._next)) or seq in self._packets:
            return  # released or skipped already, or a duplicate
        if not self._packets or _older(self._highest, seq):
            self._highest = seq
        self._packets[seq] = packet
        self._markers += packet.marker
        starts = _starts_vp8_frame(packet)
        if self._next is None:
            # Before the first frame start, keep what came early (reordered) and nothing older.
            if not starts:
                if len(self._packets) > MAX_BUFFERED_PACKETS:
                    self._packets.clear()
                    self._markers = 0
                return
            self._next = seq
            for old in [s for s in self._packets if _older(s, seq)]:
                self._markers -= self._packets.pop(old).marker
        # A frame can only complete when its marker arrives, or when a packet fills its hole.
        if self._markers or starts:
            self._release()
        if self._hole_since is not None:
            waited = self._clock() - self._hole_since
            if waited > HOLE_PATIENCE or len(self._packets) > MAX_BUFFERED_PACKETS:
                self._skip_hole()
                self._release()
            elif waited > NACK_AGAIN_AFTER and not self._nacked_again:
                self._nacked_again = True
                self._nack_missing()

    def _release(self) -> None:
        while self._next is not None and self._packets:
            first = self._packets.get(self._next)
            if first is None:
                self._note_hole(self._next)
                return
            parts = [first]
            seq = self._next
            while not parts[-1].marker:
                seq = (seq + 1) & 0xFFFF
                packet = self._packets.get(seq)
                if packet is None:
                    self._note_hole(seq)
                    return
                if packet.timestamp != first.timestamp:
                    # The sender left the marker off; the next frame's start closes this one.
                    seq = (seq - 1) & 0xFFFF
                    break
                parts.append(packet)
            for packet in parts:
                del self._packets[packet.sequence_number]
                self._markers -= packet.marker
            self._next = (seq + 1) & 0xFFFF
            self._hole_since = None
            self._emit(parts)

    def _emit(self, parts: list[RtpPacket]) -> None:
        # _data is the depayloaded payload aiortc adds; RtpPacket does not declare it.
        data = b"".join(packet._data for packet in parts)  # type: ignore[attr-defined]
        keyframe = _starts_vp8_frame(parts[0]) and is_vp8_keyframe(data)
        if self._need_keyframe and not keyframe:
            # The stream is flowing without a decodable start (a lost key frame, or packets
            # that came before SRTP was up): ask for one, the requester rate-limits.
            self.skipped += 1
            if self.on_loss is not None:
                self.on_loss()
            return
        self._need_keyframe = False
        self.frames += 1
        self.sink(EncodedFrame(data, self._unwrap(parts[0].timestamp), keyframe))

    def _note_hole(self, missing: int) -> None:
        if not _older(missing, self._highest):
            self._hole_since = None  # not lost: the rest of the frame is still on its way
        elif self._hole_since is None:
            self._hole_since = self._clock()
            self._nacked_again = False

    def _nack_missing(self) -> None:
        if self._receiver is None or self.ssrc is None or self._next is None:
            return
        span = min((self._highest - self._next) & 0xFFFF, 64)
        lost = [
            seq
            for seq in ((self._next + i) & 0xFFFF for i in range(span))
            if seq not in self._packets
        ]
        if lost:
            self._nack = asyncio.get_running_loop().create_task(
                self._receiver._send_rtcp_nack(self.ssrc, lost)
            )

    def _skip_hole(self) -> None:
        """Give up on a missing packet: resume at the next frame start, then at a key frame."""
        assert self._next is not None
        start = self._next
        order = sorted(self._packets, key=lambda seq: (seq - start) & 0xFFFF)
        resume = next(
            (s for s in order if s != start and _starts_vp8_frame(self._packets[s])), None
        )
        for seq in order:
            if seq == resume:
                break
            self._markers -= self._packets.pop(seq).marker
        self._next = resume
        self._hole_since = None
        self._need_keyframe = True
        self.skipped += 1
        if self.on_loss is not None:
            self.on_loss()

    def _unwrap(self, timestamp: int) -> int:
        if self._last_ts is not None:
            delta = (timestamp - self._last_ts) & 0xFFFFFFFF
            self._ticks += delta - (1 << 32) if delta >= 1 << 31 else delta
        self._last_ts = timestamp
        return self._ticks


def tap_receiver(receiver: RTCRtpReceiver, kind: str) -> FrameAssembler:
    """Install a FrameAssembler in place of the receiver's jitter buffer and return it."""
    if not isinstance(getattr(receiver, JITTER_BUFFER, None), JitterBuffer):
        raise RuntimeError("aiortc's RTCRtpReceiver changed: its jitter buffer cannot be tapped")
    assembler = FrameAssembler(kind, receiver)
    setattr(receiver, JITTER_BUFFER, assembler)
    return assembler
