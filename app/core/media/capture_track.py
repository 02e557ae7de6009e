"""A video track fed by a worker thread, which holds the device only while someone reads.

Capture (a camera read, a screen grab) blocks, so it runs in a thread and never on the event
loop. Only the newest frame is kept: a slow reader gets the latest picture, never a backlog.
When nobody has asked for a frame for `idle_after` seconds (the call's gate is closed: camera or
share turned off) the worker releases the device, so a camera's light goes off, and it opens it
again on the next read.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import threading
import time
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import VIDEO_CLOCK_RATE, MediaStreamError

_log = logging.getLogger(__name__)

_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
Deliver = Callable[[av.VideoFrame, float | None], None]  # frame, when it was taken (monotonic)


def black_frame(width: int, height: int) -> av.VideoFrame:
    """A black yuv420p frame."""
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane, value in zip(frame.planes, (16, 128, 128), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    return frame


class CaptureTrack(MediaStreamTrack):
    """Frames from `_capture`, run in a worker thread started by the first `recv`."""

    kind = "video"
    failure_sentence = "The video source stopped working."

    def __init__(self, *, idle_after: float = 1.0, name: str = "capture") -> None:
        super().__init__()
        if idle_after <= 0:
            raise ValueError("idle_after must be positive")
        self._idle_after = idle_after
        self._name = name
        self._lock = threading.Lock()
        self._latest: tuple[av.VideoFrame, float] | None = None
        self._stopping = threading.Event()
        self._asked = threading.Event()  # set while frames are wanted
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None
        self._reading = False
        self._last_read = 0.0
        self._capturing = False
        self._epoch: float | None = None
        self._last_pts = -1
        self._size = (640, 480)
        self._failure: str | None = None
        self._failure_listeners: list[Callable[[str], None]] = []
        self.frames_captured = 0
        self.frames_dropped = 0  # replaced by a newer frame before anyone read them

    @abstractmethod
    def _capture(self, keep_going: Callable[[], bool], deliver: Deliver) -> None:
        """Open the source, deliver frames while keep_going(), then release it (worker thread)."""

    @property
    def capturing(self) -> bool:
        """True while the device is held open."""
        return self._capturing

    @property
    def failure(self) -> str | None:
        """Why capture stopped, as a sentence for the user; None while it works."""
        return self._failure

    def add_failure_listener(self, listener: Callable[[str], None]) -> None:
        """Called once, on the event loop, with the sentence when capture fails."""
        self._failure_listeners.append(listener)

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._thread is None:
            self._start()
        assert self._ready is not None
        self._reading = True
        self._asked.set()
        try:
            while True:
                self._ready.clear()
                # Looked at after clear(): a frame stored before it is seen, one after wakes us.
                with self._lock:
                    latest, self._latest = self._latest, None
                if latest is not None:
                    return self._stamp(*latest)
                if self.readyState != "live":
                    # Stopped while we waited: one last frame, so a reader switching to another
                    # source (GatedTrack.replace_source) is not left hanging or ended.
                    return self._stamp(black_frame(*self._size), time.monotonic())
                await self._ready.wait()
        finally:
            self._reading = False
            self._last_read = time.monotonic()

    def stop(self) -> None:
        self._stopping.set()
        self._asked.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3.0)
            if thread.is_alive():
                _log.warning("%s capture thread did not stop in time", self._name)
        super().stop()
        if self._ready is not None:
            self._ready.set()

    # Event loop side

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._ready = asyncio.Event()
        self._thread = threading.Thread(target=self._work, name=f"podium-{self._name}", daemon=True)
        self._thread.start()

    def _stamp(self, frame: av.VideoFrame, captured_at: float) -> av.VideoFrame:
        # Timestamps from the capture clock, like aiortc's VideoStreamTrack but truthful.
        if self._epoch is None:
            self._epoch = captured_at
        pts = max(int((captured_at - self._epoch) * VIDEO_CLOCK_RATE), self._last_pts + 1)
        self._last_pts = pts
        frame.pts, frame.time_base = pts, _TIME_BASE
        self._size = (frame.width, frame.height)
        return frame

    def _fail(self, sentence: str) -> None:
        if self._failure is not None or self.readyState != "live":
            return
        self._failure = sentence
        for listener in list(self._failure_listeners):
            listener(sentence)

    # Worker thread

    def _work(self) -> None:
        try:
            while not self._stopping.is_set():
                self._asked.wait()
                if self._stopping.is_set():
                    return
                self._capturing = True
                try:
                    self._capture(self._keep_going, self._deliver)
                finally:
                    self._capturing = False
                if self._keep_going():
                    raise RuntimeError("the source ended")
                with self._lock:
                    self._latest = None  # stale by the time anyone asks again
                self._asked.clear()
                if not self._idle():  # asked again while we were letting go
                    self._asked.set()
        except Exception as exc:
            if not self._stopping.is_set():
                _log.warning("%s capture failed: %s", self._name, exc)
                self._call_soon(self._fail, self.failure_sentence)

    def _keep_going(self) -> bool:
        return not self._stopping.is_set() and not self._idle()

    def _idle(self) -> bool:
        return not self._reading and time.monotonic() - self._last_read > self._idle_after

    def _sleep_until(self, deadline: float) -> None:
        """Wait in the worker until `deadline` (monotonic), returning early when the track stops."""
        # A timed wait may wake a hair early; loop so a frame-rate cap really holds.
        while not self._stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            self._stopping.wait(left)

    def _deliver(self, frame: av.VideoFrame, taken_at: float | None = None) -> None:
        with self._lock:
            if self._latest is not None:
                self.frames_dropped += 1
            self._latest = (frame, time.monotonic() if taken_at is None else taken_at)
            self.frames_captured += 1
        if self._ready is not None:
            self._call_soon(self._ready.set)

    def _call_soon(self, callback: Callable[..., Any], *args: Any) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: the call is over
            loop.call_soon_threadsafe(callback, *args)
