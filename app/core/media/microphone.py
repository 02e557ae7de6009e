"""The microphone as an aiortc audio track: 48 kHz mono int16 in 20 ms frames.

PortAudio calls us on its own thread with each block; blocks wait in a short bounded queue and the
event loop is woken with call_soon_threadsafe (at most one wake-up pending, so a device delivering
faster than real time cannot flood the loop). When the device stalls or fails the track sends
silence at the real-time pace instead of raising, so the call goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from app.core.media.portaudio import RATE, AudioEndpoint, PortAudio, close_stream

_log = logging.getLogger(__name__)

BLOCK = RATE // 50  # 20 ms, aiortc's audio packet time
_PTIME = BLOCK / RATE
_TIME_BASE = fractions.Fraction(1, RATE)


def audio_frame(block: bytes, pts: int) -> av.AudioFrame:
    """A 48 kHz mono s16 frame holding `block`."""
    frame = av.AudioFrame(format="s16", layout="mono", samples=len(block) // 2)
    plane = frame.planes[0]
    if plane.buffer_size == len(block):
        plane.update(block)
    else:  # the plane may be padded past the samples
        memoryview(plane)[: len(block)] = block
    frame.pts, frame.sample_rate, frame.time_base = pts, RATE, _TIME_BASE
    return frame


class MicrophoneTrack(MediaStreamTrack):
    """Records from one input device once something reads the track; silence when it fails."""

    kind = "audio"

    def __init__(
        self,
        portaudio: PortAudio,
        endpoint: AudioEndpoint,
        channels: int = 1,
        *,
        max_queued_ms: int = 200,
        stall_after: float = 0.25,
    ) -> None:
        super().__init__()
        if channels not in (1, 2) or max_queued_ms < 20 or stall_after <= 0:
            raise ValueError("channels must be 1 or 2, max_queued_ms >= 20, stall_after > 0")
        self.endpoint = endpoint
        self._portaudio = portaudio
        self._channels = channels
        self._stall_after = stall_after
        self._blocks: deque[bytes] = deque(maxlen=max_queued_ms // 20)
        self._lock = threading.Lock()
        self._wake_pending = False
        self._arrived: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stream: Any = None
        self._closing = False
        self._stalled = False
        self._due = 0.0  # when the next silence frame is due, while stalled
        self._timestamp = 0  # pts of the next frame, in samples
        self._failure: str | None = None
        self._failure_listeners: list[Callable[[str], None]] = []
        self.silent_frames = 0  # frames of silence sent in place of the device's audio

    @property
    def failure(self) -> str | None:
        """Why the microphone stopped, as a sentence for the user; None while it works."""
        return self._failure

    def add_failure_listener(self, listener: Callable[[str], None]) -> None:
        """Called once, on the event loop, with the sentence when the device fails."""
        self._failure_listeners.append(listener)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._arrived is None:
            self._start()
        block: bytes | None = None
        if self._stalled:
            await self._sleep_until_due()
            block = self._take()
            self._stalled = block is None
        else:
            block = await self._next_block()
            if block is None and self.readyState == "live":
                _log.info("microphone stalled: sending silence")
                self._stalled = True
                self._due = time.monotonic()
        if block is None:
            block = bytes(2 * BLOCK)
            self.silent_frames += 1
        pts = self._timestamp
        self._timestamp += len(block) // 2
        return audio_frame(block, pts)

    def stop(self) -> None:
        self._closing = True
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream, "microphone")
        super().stop()
        if self._arrived is not None:
            self._arrived.set()  # a pending recv returns one last (silent) frame

    # Event loop side

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._arrived = asyncio.Event()
        try:
            stream = self._portaudio.sd.RawInputStream(
                device=self.endpoint.index,
                samplerate=RATE,
                channels=self._channels,
                dtype="int16",
                blocksize=BLOCK,
                latency="low",
                callback=self._on_block,
                finished_callback=self._on_finished,
            )
            stream.start()
        except Exception as exc:  # PortAudioError: busy, unplugged or refused
            _log.warning("could not open %s: %s", self.endpoint.id, exc)
            self._stalled = True
            self._due = time.monotonic()
            self._fail(f"{self.endpoint.name} could not be opened: others hear silence.")
            return
        self._stream = stream

    async def _next_block(self) -> bytes | None:
        assert self._arrived is not None
        deadline = time.monotonic() + self._stall_after
        while self.readyState == "live":
            self._arrived.clear()
            # Looked at after clear(): a block stored before it is seen here, one after wakes us.
            block = self._take()
            if block is not None:
                return block
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return None
        return None

    async def _sleep_until_due(self) -> None:
        self._due += _PTIME
        now = time.monotonic()
        if self._due < now - 0.1:
            self._due = now  # fell far behind (a busy loop): don't send a burst to catch up
        await asyncio.sleep(max(0.0, self._due - now))

    def _take(self) -> bytes | None:
        with self._lock:
            return self._blocks.popleft() if self._blocks else None

    def _wake(self) -> None:
        with self._lock:
            self._wake_pending = False
        if self._arrived is not None:
            self._arrived.set()

    def _fail(self, sentence: str) -> None:
        if self._failure is not None or self.readyState != "live":
            return
        self._failure = sentence
        for listener in list(self._failure_listeners):
            listener(sentence)

    # PortAudio's thread

    def _on_block(self, indata: Any, frames: int, _time: Any, _status: Any) -> None:
        block = bytes(indata)
        if self._channels == 2:
            block = array("h", block)[0::2].tobytes()  # the left channel is the microphone
        with self._lock:
            self._blocks.append(block)
            if self._wake_pending:
                return
            self._wake_pending = True
        self._call_soon(self._wake)

    def _on_finished(self) -> None:
        if not self._closing:
            self._call_soon(self._fail, "The microphone stopped working: others hear silence.")

    def _call_soon(self, callback: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: the call is over
            loop.call_soon_threadsafe(callback, *args)
