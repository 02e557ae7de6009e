"""podium-bot as bench/client_grid.py runs it: light on the machine the app is measured on.

The bots stand in for people on other machines, whose work is not this machine's. Two changes:
- aiortc's decoder thread drops what it is given: nine real bots would each also decode the
  other eight's video, seventy-two decoders next to the app's nine;
- the camera pattern is encoded once, at start, by aiortc's encoder (three seconds of it, one
  key frame), then sent in a loop: nine live VP8 encoders would take more than a core.
Everything else (joining, the tone, leaving after --seconds, the report) is podium-bot.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from fractions import Fraction
from typing import Any

import aiortc.rtcrtpreceiver
import av
from aiortc import MediaStreamTrack
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload

import app.bot
from app.core.meeting.testsrc import TestPatternTrack

LOOP = 90  # frames encoded at start and sent in a loop (three seconds)
KEY_EVERY = 90  # a viewer joining late waits at most this many frames for a key frame
CLOCK = 90_000


def drop_everything(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    """aiortc's decoder_worker without the decoding: take frames until told to stop."""
    while input_q.get() is not None:
        pass
    asyncio.run_coroutine_threadsafe(output_q.put(None), loop)


class PreEncodedPattern(MediaStreamTrack):
    """The camera test pattern, encoded once and then played in a loop at `fps`."""

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._frames: list[bytes] = []
        self._count = 0
        self._started = 0.0

    async def _encode(self) -> list[bytes]:
        # aiortc's own encoder (the bitrate real bots send), its RTP payloads joined back into
        # VP8 frames for the sender to packetise again.
        pattern = TestPatternTrack(self.width, self.height, fps=100_000)  # no pacing
        encoder = Vp8Encoder()
        encoded = []
        for n in range(LOOP):
            payloads, _ = encoder.encode(await pattern.recv(), force_keyframe=n % KEY_EVERY == 0)
            encoded.append(b"".join(vp8_depayload(payload) for payload in payloads))
        return encoded

    async def recv(self) -> av.Packet:  # type: ignore[override]
        if not self._frames:
            self._frames = await self._encode()
            self._started = time.monotonic()
        due = self._started + self._count / self.fps
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        number, self._count = self._count, self._count + 1
        packet = av.Packet(self._frames[number % len(self._frames)])
        packet.pts, packet.time_base = number * CLOCK // self.fps, Fraction(1, CLOCK)
        return packet


if __name__ == "__main__":
    aiortc.rtcrtpreceiver.decoder_worker = drop_everything  # type: ignore[assignment]
    app.bot.TestPatternTrack = PreEncodedPattern  # type: ignore[misc]
    app.bot.main()
