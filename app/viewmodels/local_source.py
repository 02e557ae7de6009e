"""A local track whose device can be swapped, removed and restored without renegotiating.

The call wraps each source in a gate when it joins, so a meeting's camera, microphone and screen
tracks exist from the start; what feeds them changes: no device (camera off), a camera, another
camera, a monitor. Frames are restamped so their times only go forward across devices, and are
shown to a tap (the self view, the Settings level meter) as they leave.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame
from av.frame import Frame

VIDEO_CLOCK = 90_000

Tap = Callable[[Frame], None]


class LocalSource(MediaStreamTrack):
    """Frames of the current device; with none, recv() waits until one is set."""

    def __init__(self, kind: str, tap: Tap | None = None) -> None:
        super().__init__()
        self.kind = kind
        self._tap = tap
        self._device: MediaStreamTrack | None = None
        self._changed = asyncio.Event()
        self._start = time.monotonic()
        self._last_pts = -1
        self._samples = 0
        self._rate = 0

    @property
    def device(self) -> MediaStreamTrack | None:
        """The track frames come from now, or None."""
        return self._device

    def set_device(self, track: MediaStreamTrack | None) -> None:
        """Feed from another track (None: nothing); the previous one is stopped."""
        old, self._device = self._device, track
        self._changed.set()
        if old is not None and old is not track:
            old.stop()

    async def recv(self) -> Frame:
        """The next frame of whichever device is current when it arrives."""
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            device = self._device
            if device is None:
                self._changed.clear()
                await self._changed.wait()
                continue
            try:
                frame = await device.recv()
            except MediaStreamError:
                if device is self._device:
                    # The device ended by itself (unplugged): wait for another.
                    self._device = None
                continue
            if device is not self._device:
                continue  # swapped while we waited: drop the old device's frame
            self._restamp(frame)
            if self._tap is not None:
                self._tap(frame)
            return frame

    def stop(self) -> None:
        """Stop the device and this track."""
        self.set_device(None)
        super().stop()

    def _restamp(self, frame: Frame) -> None:
        if isinstance(frame, AudioFrame):
            rate = frame.sample_rate or 48_000
            if self._rate and rate != self._rate:
                self._samples = self._samples * rate // self._rate
            self._rate = rate
            frame.pts = self._samples
            frame.time_base = fractions.Fraction(1, rate)
            self._samples += frame.samples
            return
        pts = int((time.monotonic() - self._start) * VIDEO_CLOCK)
        pts = max(pts, self._last_pts + 1)
        self._last_pts = pts
        frame.pts = pts
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
