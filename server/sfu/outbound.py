"""Sender hook: forwarded frames go from the SFU straight to SRTP and the socket, per viewer.

Each downstream transceiver keeps its aiortc RTCRtpSender for what it does well: the SSRC in the
SDP, sender reports and SDES, RTT from receiver reports, and the RTCP that viewers send back.
What aiortc does per packet (an encoder or packer behind a track, one task per sender woken for
every frame, a datetime-based NTP clock read twice and the header extensions rebuilt for every
packet, four coroutine layers down to `sendto`) costs more than all the rest of the SFU, so a
`ForwardSender` takes over the packet path of its sender:

- `_run_rtp`, which aiortc starts once DTLS is up and the viewer agreed to receive, becomes the
  start signal: from then on `push` sends a frame at once, so it reaches every viewer in one
  pass with no task switch and no queue. VP8 payloads (RFC 7741) are cut once per frame and
  shared by all viewers; only the RTP header and SRTP are per viewer;
- `_retransmit` answers a viewer's NACK from our own history of sent packets;
- `_send_keyframe`, which aiortc calls on a viewer's PLI or FIR, asks the publisher;
- the sender's packet and octet counts and last timestamps are kept up to date, so aiortc's
  sender reports stay right.

Nothing here can encode: frames are opaque bytes (SFrame ciphertext as far as the SFU cares).
Before the sender starts, frames wait in a small bounded queue; a socket that stops draining
(more than MAX_UNSENT_BYTES waiting in asyncio's buffer) drops frames, and video then restarts at
a key frame, which it asks for. Video is always held back until a key frame, so a viewer's
decoder never starts on a delta frame. Packets leave by a `Route` (routes.py): the nominated
pair's socket, or aiortc's own path for a pair that has none (TURN).

A failure sending to one viewer stays with that viewer: the sender logs it once, marks itself
failed and takes no more frames of that track, and `push` returns normally, so the publisher's
receive path (which calls it) and the other viewers never see it. The private aiortc names
used here are listed and checked at server start in internals.py.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from struct import pack

from aiortc import RTCRtpCodecParameters, RTCRtpSender
from aiortc.rtp import HeaderExtensions

from server.sfu.frames import FRAME_TICKS, EncodedFrame
from server.sfu.internals import (
    EXTENSIONS_MAP,
    MID,
    NTP_TIMESTAMP,
    OCTET_COUNT,
    PACKET_COUNT,
    RTP_EXITED,
    RTP_STARTED,
    RTP_TIMESTAMP,
)
from server.sfu.routes import Route, RouteFinder, find_route

log = logging.getLogger(__name__)

PACKET_MAX = 1300  # payload bytes per RTP packet, as aiortc's own VP8 packetizer
HISTORY = 512  # packets kept per sender for NACKs: over a second of 1 Mbps video
MAX_UNSENT_BYTES = 256 * 1024
NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900 (NTP) to 1970 (Unix)


def vp8_payloads(data: bytes, picture_id: int) -> list[bytes]:
    """RFC 7741 payloads of one VP8 frame, each with a two-byte picture id."""
    # X=1 and S=1 with partition 0 on the first packet, X=1 on the rest; I=1 (picture id).
    high, low = 0x80 | picture_id >> 8, picture_id & 0xFF
    first, rest = bytes((0x90, 0x80, high, low)), bytes((0x80, 0x80, high, low))
    size = PACKET_MAX - len(first)
    payloads = [first + data[:size]]
    payloads.extend(rest + data[pos : pos + size] for pos in range(size, len(data), size))
    return payloads


class ForwardSender:
    """Sends whichever publication it is bound to on one downstream transceiver."""

    def __init__(
        self,
        sender: RTCRtpSender,
        kind: str,
        pending_frames: int,
        routes: RouteFinder = find_route,
    ):
        self.kind = kind
        self.accepting = False
        self.failed = False
        self.forwarded = 0
        self.dropped = 0
        self.keyframe_requests = 0  # PLIs and FIRs from the viewer
        self._sender = sender
        self._routes = routes
        self._pending: deque[EncodedFrame] = deque()
        self._pending_max = pending_frames
        self._ask_keyframe: Callable[[], None] | None = None
        self._need_keyframe = kind == "video"
        self._started = False
        self._payload_type = 0
        self._sequence = random.getrandbits(15)  # lower half: no early wrap (SRTP rollover)
        self._timestamp_origin = random.getrandbits(32)
        self._rebase = True
        self._offset = 0
        self._last_out: int | None = None
        self._history: dict[int, bytes] = {}
        self._cached_route: Route | None = None
        self._extension_template: tuple[bytes, int] | None = None
        # Instance attributes shadow the methods aiortc calls; see the module docstring.
        sender._run_rtp = self._run  # type: ignore[method-assign]
        sender._retransmit = self._retransmit  # type: ignore[method-assign]
        sender._send_keyframe = self._viewer_asks_keyframe  # type: ignore[method-assign]

    def bind(self, ask_keyframe: Callable[[], None] | None) -> None:
        """Carry another publication (or none); frames wait until `activate`."""
        self._ask_keyframe = ask_keyframe
        self.accepting = False
        self.failed = False  # a new track gets a new try (and, if it fails too, one more log)
        self._rebase = True
        self._restart()

    def activate(self) -> None:
        """The viewer has agreed to receive this track: start taking frames."""
        if not self.accepting and not self.failed:
            self.accepting = True
            self.restart()

    def restart(self) -> None:
        """Start over at the next key frame (after a pause in forwarding), asking for one."""
        self._restart()
        if self.accepting and self._need_keyframe:
            self.keyframe_requested()

    def keyframe_requested(self) -> None:
        """A viewer's PLI or FIR arrived on the sender, or this sender needs a key frame."""
        if self._ask_keyframe is not None and not self.failed:
            self._ask_keyframe()

    def push(self, frame: EncodedFrame) -> None:
        """Send a frame now (or queue it until started); never raises."""
        if not self.accepting:
            return
        if self._need_keyframe:
            if not frame.keyframe:
                return
            self._need_keyframe = False
        if self._started:
            self._send(frame)
            return
        if len(self._pending) >= self._pending_max:
            self.dropped += 1
            if self.kind == "video":
                self.dropped += len(self._pending)
                self._pending.clear()
                if not frame.keyframe:
                    self._start_over()
                    return
            else:
                self._pending.popleft()
        self._pending.append(frame)

    def packets_for(self, frame: EncodedFrame) -> list[bytes]:
        """The plain RTP packets a frame becomes on this transceiver (before SRTP)."""
        if self._rebase:
            # Another publication's timeline: continue this transceiver's one frame later.
            start = 0 if self._last_out is None else self._last_out + FRAME_TICKS[self.kind]
            self._offset = start - frame.timestamp
            self._rebase = False
        self._last_out = frame.timestamp + self._offset
        timestamp = (self._timestamp_origin + self._last_out) & 0xFFFFFFFF
        payloads = frame_payloads(frame) if self.kind == "video" else [frame.data]
        ntp = int((time.time() + NTP_EPOCH_OFFSET) * (1 << 32))
        extensions = self._extensions((ntp >> 14) & 0xFFFFFF)
        head = 0x90 if extensions else 0x80
        ssrc, last, sequence = self._sender._ssrc, len(payloads) - 1, self._sequence
        packets = []
        for index, payload in enumerate(payloads):
            marker = 0x80 if index == last else 0
            packet = (
                pack("!BBHLL", head, marker | self._payload_type, sequence, timestamp, ssrc)
                + extensions
                + payload
            )
            self._history[sequence % HISTORY] = packet
            packets.append(packet)
            sequence = (sequence + 1) & 0xFFFF
        self._sequence = sequence
        # What aiortc's sender reports (RTCP SR) and returns from getStats().
        sender = self._sender
        setattr(sender, NTP_TIMESTAMP, ntp)
        setattr(sender, RTP_TIMESTAMP, timestamp)
        setattr(sender, PACKET_COUNT, getattr(sender, PACKET_COUNT) + len(packets))
        octets = getattr(sender, OCTET_COUNT) + sum(map(len, payloads))
        setattr(sender, OCTET_COUNT, octets)
        return packets

    def _send(self, frame: EncodedFrame) -> None:
        if not self._sender._enabled:
            return
        try:
            route = self._route()
            if route is None:
                return  # the connection is going away; nothing to send to
            if route.backlog() > MAX_UNSENT_BYTES:
                self.dropped += 1
                if self.kind == "video":
                    self._start_over()
                return
            route.send(self.packets_for(frame))
        except Exception as exc:  # this viewer's trouble: see the module docstring
            self._fail(exc)
            return
        self.forwarded += 1

    def _route(self) -> Route | None:
        """The connection's way out, or None while it is not connected."""
        route = self._cached_route
        if route is not None:
            if route.usable():
                return route
            route.close()
        self._cached_route = self._routes(self._sender.transport)
        return self._cached_route

    def _fail(self, exc: Exception) -> None:
        """Stop sending to this viewer for good, saying why once."""
        log.warning(
            "sending %s to a viewer failed; that viewer gets no more of this track",
            self.kind,
            exc_info=exc,
        )
        self.failed = True
        self.accepting = False
        self._pending.clear()
        self._close_route()

    def _close_route(self) -> None:
        if self._cached_route is not None:
            self._cached_route.close()
            self._cached_route = None

    def _extensions(self, abs_send_time: int) -> bytes:
        """The header extension block (mid, abs-send-time) as the sender negotiated it."""
        template = self._extension_template or self._make_extension_template()
        block, at = template
        if at < 0:
            return block
        return block[:at] + abs_send_time.to_bytes(3, "big") + block[at + 3 :]

    def _make_extension_template(self) -> tuple[bytes, int]:
        # aiortc builds the block from the negotiated ids; built twice, the bytes that differ
        # are where abs-send-time goes, so each frame only patches three bytes.
        blocks = []
        for abs_send_time in (0, 0xFFFFFF):
            values = HeaderExtensions()
            values.mid = getattr(self._sender, MID)
            values.abs_send_time = abs_send_time
            profile, value = getattr(self._sender, EXTENSIONS_MAP).set(values)
            blocks.append(pack("!HH", profile, len(value) >> 2) + value if value else b"")
        first, second = blocks
        at = next((i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b), -1)
        if self._started:  # negotiated: it will not change any more
            self._extension_template = (first, at)
        return first, at

    async def _run(self, codec: RTCRtpCodecParameters) -> None:
        """Stands in for aiortc's RTP loop: the sender is negotiated and connected."""
        getattr(self._sender, RTP_STARTED).set()
        assert codec.payloadType is not None  # a negotiated codec always has one
        self._payload_type = codec.payloadType
        self._started = True
        try:
            while self._pending:
                self._send(self._pending.popleft())
            await asyncio.get_running_loop().create_future()  # until aiortc stops the sender
        except asyncio.CancelledError:
            pass
        finally:
            self._started = False
            self._close_route()
            getattr(self._sender, RTP_EXITED).set()

    async def _retransmit(self, sequence_number: int) -> None:
        """A viewer's NACK, answered from the history (runs in aiortc's RTCP handling)."""
        packet = self._history.get(sequence_number % HISTORY)
        if packet is None or self.failed or int.from_bytes(packet[2:4], "big") != sequence_number:
            return
        try:
            route = self._route()
            if route is not None:
                route.send((packet,))
        except Exception as exc:
            self._fail(exc)

    def _viewer_asks_keyframe(self) -> None:
        self.keyframe_requests += 1
        self.keyframe_requested()

    def _start_over(self) -> None:
        self._need_keyframe = True
        self.keyframe_requested()

    def _restart(self) -> None:
        self._pending.clear()
        self._need_keyframe = self.kind == "video"


def frame_payloads(frame: EncodedFrame) -> list[bytes]:
    """A VP8 frame's RTP payloads, made once and shared by every viewer's sender."""
    if frame.payloads is None:
        frame.payloads = vp8_payloads(frame.data, frame.picture_id)
    return frame.payloads
