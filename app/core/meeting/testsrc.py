"""Synthetic media: a moving, detailed test pattern that carries its frame number, and a tone.

Used when asked for (bots, benchmarks) and when a machine has no camera. The frame number is
painted as a row of black and white blocks so a receiver can read it back after decoding, which
is how tests prove frames arrive in order.
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import time

import av
from aiortc.mediastreams import AUDIO_PTIME, AudioStreamTrack, VideoStreamTrack

CODE_BITS = 20
CODE_BLOCK = 16
_DARK, _LIGHT = 16, 235


def _texture(width: int, height: int) -> list[bytes]:
    """Rows twice as wide as the frame, so a frame is a sliding window into them."""
    rows = []
    for y in range(height):
        row = bytearray(2 * width)
        for x in range(2 * width):
            # Diagonal bars plus fine checker detail: enough to cost a real encoder real bits.
            value = ((x + y) // 24 % 2) * 90 + ((x // 3 + y // 3) % 2) * 40 + (x * 7 + y * 3) % 64
            row[x] = 40 + value % 180
        rows.append(bytes(row))
    return rows


def paint_code(plane: bytearray, stride: int, number: int) -> None:
    for bit in range(CODE_BITS):
        value = _LIGHT if number >> bit & 1 else _DARK
        block = bytes([value]) * CODE_BLOCK
        left = bit * CODE_BLOCK
        for row in range(CODE_BLOCK):
            start = row * stride + left
            plane[start : start + CODE_BLOCK] = block


def read_code(frame: av.VideoFrame) -> int:
    """The frame number painted by TestPatternTrack, read back from a decoded frame."""
    plane = frame.planes[0]
    data = bytes(plane)
    stride = plane.line_size
    centre = CODE_BLOCK // 2
    number = 0
    for bit in range(CODE_BITS):
        if data[centre * stride + bit * CODE_BLOCK + centre] > 128:
            number |= 1 << bit
    return number


class TestPatternTrack(VideoStreamTrack):
    """A moving pattern at `fps` frames a second; frame n carries the number n."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._rows = _texture(width, height)
        self._chroma = bytes([128]) * (width // 2 * height // 2)
        self._count = 0
        self._started_at: float | None = None
        self.sent_at: dict[int, float] = {}  # frame number -> wall time, for latency figures

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self._next_pts()
        number = self._count
        self._count += 1
        shift = (number * 6) % self.width
        luma = bytearray(b"".join(row[shift : shift + self.width] for row in self._rows))
        paint_code(luma, self.width, number)
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        frame.planes[0].update(bytes(luma))
        frame.planes[1].update(self._chroma)
        frame.planes[2].update(self._chroma)
        frame.pts, frame.time_base = pts, time_base
        self.sent_at[number] = time.time()
        if len(self.sent_at) > 1000:
            self.sent_at.pop(next(iter(self.sent_at)))
        return frame

    async def _next_pts(self) -> tuple[int, fractions.Fraction]:
        # Like VideoStreamTrack.next_timestamp, but at our own frame rate.
        clock = 90000
        if self._started_at is None:
            self._started_at = time.time()
            return 0, fractions.Fraction(1, clock)
        due = self._started_at + self._count / self.fps
        await asyncio.sleep(max(0.0, due - time.time()))
        return int(self._count / self.fps * clock), fractions.Fraction(1, clock)


class ToneTrack(AudioStreamTrack):
    """A 440 Hz tone, 48 kHz mono, in 20 ms frames."""

    RATE = 48000

    def __init__(self, frequency: float = 440.0, level: float = 0.2):
        super().__init__()
        samples = int(self.RATE * AUDIO_PTIME)
        self._period = [
            int(level * 32767 * math.sin(2 * math.pi * frequency * n / self.RATE))
            for n in range(self.RATE)
        ]
        self._samples = samples
        self._offset = 0

    async def recv(self) -> av.AudioFrame:

        samples = self._samples
        if hasattr(self, "_timestamp"):
            self._timestamp += samples
            wait = self._start + (self._timestamp / self.RATE) - time.time()
            await asyncio.sleep(max(0.0, wait))
        else:
            self._start = time.time()
            self._timestamp = 0
        end = self._offset + samples
        chunk = array.array("h", self._period[self._offset : end])
        self._offset = end % self.RATE
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(chunk.tobytes())
        frame.pts = self._timestamp
        frame.sample_rate = self.RATE
        frame.time_base = fractions.Fraction(1, self.RATE)
        return frame
