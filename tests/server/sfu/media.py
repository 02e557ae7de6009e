"""Test media: a VP8 pattern that carries its frame number, encoded here so its bytes are known.

The pattern track returns pre-encoded `av.Packet`s (aiortc's sender then only packetizes them),
remembering the bytes of every frame it sent: a viewer that receives exactly those bytes proves
the server forwarded and did not re-encode. The frame number is painted as black and white
blocks, so a viewer that decodes can read it back. The tone track is ordinary aiortc audio:
aiortc encodes it to Opus and stamps its RFC 6464 level, as a real client does.
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import time

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

VIDEO_RATE = 90_000
FPS = 30
CODE_BITS = 12  # frame numbers up to 4095: over two minutes at 30 fps
BLOCK = 12
WIDTH, HEIGHT = 160, 120


def read_code(frame: av.VideoFrame) -> int:
    """The frame number painted into a decoded pattern frame."""
    plane = frame.planes[0]
    data = bytes(plane)
    row = (BLOCK // 2) * plane.line_size
    return sum(1 << bit for bit in range(CODE_BITS) if data[row + bit * BLOCK + BLOCK // 2] > 128)


class PatternVideo(MediaStreamTrack):
    """30 fps of moving VP8 pattern, returned already encoded."""

    kind = "video"

    def __init__(self, chroma: int = 128):
        super().__init__()
        self.sent: dict[bytes, int] = {}  # frame bytes -> frame number
        self.keyframes: set[int] = set()
        self._chroma = chroma
        self._force = True
        self._count = 0
        self._start: float | None = None
        self._codec = av.CodecContext.create("libvpx", "w")
        self._codec.width, self._codec.height = WIDTH, HEIGHT
        self._codec.pix_fmt = "yuv420p"
        self._codec.bit_rate = 300_000
        self._codec.time_base = fractions.Fraction(1, FPS)
        self._codec.gop_size = 100_000  # key frames only when asked for
        self._codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
        self._texture = bytes((x * 5 + (x // 7) * 31) % 200 + 20 for x in range(4 * WIDTH))

    def force_keyframe(self) -> None:
        self._force = True

    async def recv(self) -> av.Packet:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        await asyncio.sleep(max(0.0, self._start + self._count / FPS - time.monotonic()))
        number = self._count
        self._count += 1
        force, self._force = self._force, False
        # Off the event loop, as aiortc encodes: a loop busy encoding drains sockets too slowly.
        data = await asyncio.get_running_loop().run_in_executor(None, self._encode, number, force)
        packet = av.Packet(data)
        packet.pts = number * (VIDEO_RATE // FPS)
        packet.time_base = fractions.Fraction(1, VIDEO_RATE)
        self.sent[data] = number
        if not data[0] & 1:
            self.keyframes.add(number)
        return packet

    def _encode(self, number: int, keyframe: bool) -> bytes:
        frame = self._frame(number)
        if keyframe:
            frame.pict_type = av.video.frame.PictureType.I
        return b"".join(bytes(p) for p in self._codec.encode(frame))

    def _frame(self, number: int) -> av.VideoFrame:
        frame = av.VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        luma = frame.planes[0]
        stride = luma.line_size
        rows = []
        for y in range(HEIGHT):
            shift = (number * 4 + y) % (2 * WIDTH)
            row = bytearray(self._texture[shift : shift + WIDTH])
            if y < BLOCK:
                for bit in range(CODE_BITS):
                    value = 235 if number >> bit & 1 else 16
                    row[bit * BLOCK : (bit + 1) * BLOCK] = bytes([value]) * BLOCK
            rows.append(bytes(row) + bytes(stride - WIDTH))
        luma.update(b"".join(rows))
        for plane in frame.planes[1:]:
            plane.update(bytes([self._chroma]) * plane.buffer_size)
        frame.pts = number
        return frame


class Tone(MediaStreamTrack):
    """A 440 Hz tone (or silence) in 20 ms frames of 48 kHz mono, encoded by aiortc."""

    kind = "audio"

    def __init__(self, amplitude: float = 0.3):
        super().__init__()
        samples = [
            int(amplitude * 32767 * math.sin(2 * math.pi * 440 * n / 48_000)) for n in range(960)
        ]
        self._samples = array.array("h", samples).tobytes()
        self._count = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        await asyncio.sleep(max(0.0, self._start + self._count * 0.02 - time.monotonic()))
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        frame.planes[0].update(self._samples)
        frame.sample_rate = 48_000
        frame.pts = self._count * 960
        frame.time_base = fractions.Fraction(1, 48_000)
        self._count += 1
        return frame
