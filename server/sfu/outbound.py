"""Sender hook: aiortc RTCRtpSenders that packetize forwarded frames and can never encode.

An aiortc RTCRtpSender pulls from its track; when `recv()` returns anything but a decoded frame it
calls `encoder.pack(item)` instead of `encoder.encode(frame)` (the path MediaPlayer(decode=False)
uses). The sender stays in charge of what it does well: SSRC, sequence numbers, the timestamp
origin, sender reports, the packet history that answers a viewer's NACKs, header extensions. Two
things are set on each sender instance by `attach_sender`:

- its encoder, before the first frame, to a packer (`Vp8Packer`, `OpusPacker`) whose `encode`
  refuses, so no libvpx/libopus context is ever made for a viewer and nothing can re-encode;
- its `_send_keyframe`, which aiortc calls on a viewer's PLI or FIR, to the track's callback:
  with pre-encoded frames aiortc's own "force a key frame" flag would do nothing.

A `ForwardTrack` is one downstream transceiver's source. A publication pushes frames into it; a
bounded queue absorbs a stalled sender (video: on overflow the queue is emptied and the track
waits for a key frame, which it asks for; audio: the oldest packet goes). Video is held back
until a key frame, so a viewer's decoder never starts on a delta frame.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from aiortc import MediaStreamTrack, RTCRtpSender
from aiortc.mediastreams import MediaStreamError

from server.sfu.frames import FRAME_TICKS, EncodedFrame

_ENCODER = "_RTCRtpSender__encoder"
PACKET_MAX = 1300  # payload bytes per RTP packet, as aiortc's own VP8 packetizer


class Forwarded(NamedTuple):
    """What a ForwardTrack hands its sender: frame bytes on this transceiver's timeline."""

    data: bytes
    timestamp: int


class Vp8Packer:
    """RFC 7741 packetization of whole VP8 frames, with a running 15-bit picture id."""

    def __init__(self) -> None:
        self._picture_id = random.getrandbits(15)

    def encode(self, frame: object, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        raise RuntimeError("the SFU forwards encoded frames and never encodes")

    def pack(self, item: Forwarded) -> tuple[list[bytes], int]:
        pid = self._picture_id
        self._picture_id = (pid + 1) & 0x7FFF
        # X=1, S=1 and PID 0 on the frame's first packet; I=1 with a two-byte picture id.
        first = bytes((0x90, 0x80, 0x80 | pid >> 8, pid & 0xFF))
        rest = bytes((0x80, 0x80, 0x80 | pid >> 8, pid & 0xFF))
        data = item.data
        size = PACKET_MAX - len(first)
        payloads = [first + data[:size]]
        payloads.extend(rest + data[pos : pos + size] for pos in range(size, len(data), size))
        return payloads, item.timestamp


class OpusPacker:
    """One Opus packet per RTP packet, as it came."""

    def encode(self, frame: object, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        raise RuntimeError("the SFU forwards encoded frames and never encodes")

    def pack(self, item: Forwarded) -> tuple[list[bytes], int]:
        return [item.data], item.timestamp


class ForwardTrack(MediaStreamTrack):
    """The track of one downstream transceiver, fed by whichever publication it is bound to."""

    def __init__(self, kind: str, capacity: int):
        super().__init__()
        self.kind = kind
        self.accepting = False
        self.forwarded = 0
        self.dropped = 0
        self._capacity = capacity
        self._ask_keyframe: Callable[[], None] | None = None
        self._queue: deque[EncodedFrame] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._need_keyframe = kind == "video"
        self._rebase = True
        self._offset = 0
        self._last_out: int | None = None

    def bind(self, ask_keyframe: Callable[[], None] | None) -> None:
        """Carry another publication (or none); frames wait until `activate`."""
        self._ask_keyframe = ask_keyframe
        self.accepting = False
        self._rebase = True
        self._restart()

    def activate(self) -> None:
        """The viewer has agreed to receive this track: start taking frames."""
        if not self.accepting:
            self.accepting = True
            self.restart()

    def restart(self) -> None:
        """Start over at the next key frame (after a pause in forwarding), asking for one."""
        self._restart()
        if self.accepting and self._need_keyframe:
            self.keyframe_requested()

    def keyframe_requested(self) -> None:
        """A viewer's PLI or FIR arrived on the sender (see `attach_sender`)."""
        if self._ask_keyframe is not None:
            self._ask_keyframe()

    def push(self, frame: EncodedFrame) -> None:
        if not self.accepting:
            return
        if self._need_keyframe:
            if not frame.keyframe:
                return
            self._need_keyframe = False
        if len(self._queue) >= self._capacity:
            if self.kind == "video":
                self.dropped += len(self._queue)
                self._queue.clear()
                if not frame.keyframe:
                    self.dropped += 1
                    self._need_keyframe = True
                    self.keyframe_requested()
                    return
            else:
                self.dropped += 1
                self._queue.popleft()
        self._queue.append(frame)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def recv(self) -> Forwarded:  # type: ignore[override]
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        frame = self._queue.popleft()
        if self._rebase:
            # Another publication's timeline: continue this transceiver's one frame later.
            start = 0 if self._last_out is None else self._last_out + FRAME_TICKS[self.kind]
            self._offset = start - frame.timestamp
            self._rebase = False
        timestamp = frame.timestamp + self._offset
        self._last_out = timestamp
        self.forwarded += 1
        return Forwarded(frame.data, timestamp)

    def stop(self) -> None:
        super().stop()
        self._queue.clear()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _restart(self) -> None:
        self._queue.clear()
        self._need_keyframe = self.kind == "video"


def attach_sender(sender: RTCRtpSender, track: ForwardTrack) -> None:
    """Make `sender` packetize `track`'s frames and route viewers' key frame requests to it."""
    if vars(sender).get(_ENCODER, False) is not None:
        raise RuntimeError("aiortc's RTCRtpSender changed: its encoder cannot be replaced")
    setattr(sender, _ENCODER, Vp8Packer() if track.kind == "video" else OpusPacker())
    # An instance attribute shadows the method aiortc calls when a PLI or FIR arrives.
    sender._send_keyframe = track.keyframe_requested  # type: ignore[method-assign]
