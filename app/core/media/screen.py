"""Screen sharing with mss: list monitors and windows, grab thumbnails, a capped-rate track.

A window (X11 only) is shared as the screen area it covers when chosen: mss grabs that area, so
what is on top of it shows too, and moving the window afterwards does not move the capture.

mss hands out BGRA pixels; PyAV turns them into scaled yuv420p frames (no numpy involved).
On Linux mss needs an X display: with none, there is simply nothing to share.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
import mss

from app.core.media.capture_track import CaptureTrack, Deliver
from app.core.media.notices import NO_X11_DISPLAY, WAYLAND_ONLY
from app.core.media.x11_windows import TopWindow, list_windows

_log = logging.getLogger(__name__)

MAX_SIZE = (1920, 1080)
DEFAULT_FPS = 15


@dataclass(frozen=True)
class Monitor:
    """One screen (or, kind "window", one window's area) that can be shared; `id` is what
    open_screen takes: 1, 2... for screens, the X window id for windows."""

    id: int
    name: str
    left: int
    top: int
    width: int
    height: int
    kind: str = "screen"

    def __post_init__(self) -> None:
        if self.id < 1 or self.width < 1 or self.height < 1:
            raise ValueError(f"not a usable monitor: {self!r}")


@dataclass(frozen=True)
class Thumbnail:
    """A small picture of a screen for a picker: packed RGB, 3 bytes a pixel, no row padding."""

    width: int
    height: int
    rgb: bytes

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1 or len(self.rgb) != self.width * self.height * 3:
            raise ValueError("a thumbnail needs width * height * 3 bytes of RGB")


def display_problem() -> str | None:
    """Why no screen can be captured here before even trying, or None."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        if os.environ.get("WAYLAND_DISPLAY"):
            return WAYLAND_ONLY
        return NO_X11_DISPLAY
    return None


def open_grabber() -> Any:
    """A new mss grabber; the mouse pointer is included where mss can draw it (X11)."""
    if sys.platform.startswith("linux"):
        return mss.MSS(with_cursor=True)
    return mss.MSS()


def list_monitors(*, windows: bool = True) -> list[Monitor]:
    """The screens of this display, then its windows; [] when it cannot be reached."""
    if display_problem() is not None:
        return []
    try:
        with open_grabber() as grabber:
            everything = grabber.monitors[0]  # all monitors together: what can be grabbed
            found = grabber.monitors[1:]
    except Exception as exc:  # ScreenShotError, or X refusing us: nothing to share
        _log.info("no screens to capture: %s", exc)
        return []
    screens = [
        Monitor(
            id=index,
            name=_monitor_name(index, info),
            left=int(info["left"]),
            top=int(info["top"]),
            width=int(info["width"]),
            height=int(info["height"]),
        )
        for index, info in enumerate(found, start=1)
        if info["width"] > 0 and info["height"] > 0
    ]
    if not windows or not sys.platform.startswith("linux"):
        return screens
    shown = (everything["left"], everything["top"], everything["width"], everything["height"])
    return screens + [m for m in (window_area(w, shown) for w in list_windows()) if m]


def window_area(window: TopWindow, shown: tuple[int, int, int, int]) -> Monitor | None:
    """The part of a window inside the screens (mss grabs nothing outside), None if too small."""
    left, top = max(window.left, shown[0]), max(window.top, shown[1])
    right = min(window.left + window.width, shown[0] + shown[2])
    bottom = min(window.top + window.height, shown[1] + shown[3])
    if right - left < 2 or bottom - top < 2:
        return None
    title = window.title if len(window.title) <= 60 else window.title[:59] + "…"
    return Monitor(window.xid, f"Window: {title}", left, top, right - left, bottom - top, "window")


def _monitor_name(index: int, info: dict[str, Any]) -> str:
    label = info.get("name") or info.get("output")
    name = f"Screen {index}" + (f" ({label})" if label else "")
    return name + (", main" if info.get("is_primary") else "")


def fit_within(width: int, height: int, bound: tuple[int, int] = MAX_SIZE) -> tuple[int, int]:
    """The largest even size at most `bound` with the same shape; never scales up."""
    scale = min(1.0, bound[0] / width, bound[1] / height)
    # Even sizes: yuv420p halves both dimensions for colour, and encoders want whole pixels.
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def bgra_frame(raw: bytes | bytearray, width: int, height: int) -> av.VideoFrame:
    """A PyAV frame holding tightly packed BGRA pixels."""
    frame = av.VideoFrame(width, height, "bgra")
    plane = frame.planes[0]
    row = width * 4
    if plane.line_size == row:
        plane.update(bytes(raw) if isinstance(raw, bytearray) else raw)
    else:  # FFmpeg pads lines to its alignment: copy row by row
        view, source = memoryview(plane), memoryview(raw)
        for y in range(height):
            view[y * plane.line_size : y * plane.line_size + row] = source[y * row : (y + 1) * row]
    return frame


def region_box(monitor: Monitor, region: tuple[int, int, int, int] | None) -> dict[str, int]:
    """The screen area for mss; `region` is (left, top, width, height) inside the monitor."""
    if region is None:
        left, top, width, height = 0, 0, monitor.width, monitor.height
    else:
        left, top, width, height = region
    if width < 2 or height < 2 or left < 0 or top < 0:
        raise ValueError("a region needs a size of at least 2×2 and a place inside the screen")
    if left + width > monitor.width or top + height > monitor.height:
        raise ValueError(f"the region goes past the edge of {monitor.name}")
    return {"left": monitor.left + left, "top": monitor.top + top, "width": width, "height": height}


def thumbnail(monitor: Monitor, max_width: int = 320) -> Thumbnail:
    """A picture of the whole monitor at most `max_width` wide (blocking: a few ms to ~50)."""
    if max_width < 2:
        raise ValueError("max_width must be at least 2")
    with open_grabber() as grabber:
        shot = grabber.grab(region_box(monitor, None))
    width = min(max_width, shot.width)
    height = max(1, round(shot.height * width / shot.width))
    small = bgra_frame(shot.raw, shot.width, shot.height).reformat(
        width, height, format="rgb24", interpolation="AREA"
    )
    plane, row = small.planes[0], width * 3
    data = bytes(plane)
    if plane.line_size != row:
        data = b"".join(
            data[y * plane.line_size : y * plane.line_size + row] for y in range(height)
        )
    return Thumbnail(width, height, data)


class ScreenTrack(CaptureTrack):
    """A monitor or a region of one, at most `fps` frames a second, scaled to fit 1920×1080."""

    failure_sentence = "Screen sharing stopped: the screen could not be captured."

    def __init__(
        self,
        monitor: Monitor,
        region: tuple[int, int, int, int] | None = None,
        fps: int = DEFAULT_FPS,
        *,
        max_size: tuple[int, int] = MAX_SIZE,
        idle_after: float = 1.0,
    ) -> None:
        if not 1 <= fps <= 60:
            raise ValueError("fps must be between 1 and 60")
        super().__init__(idle_after=idle_after, name="screen")
        self.monitor = monitor
        self.fps = fps
        self._box = region_box(monitor, region)
        self.size = fit_within(self._box["width"], self._box["height"], max_size)

    def _capture(self, keep_going: Callable[[], bool], deliver: Deliver) -> None:
        width, height = self.size
        interval = 1 / self.fps
        with open_grabber() as grabber:
            while keep_going():
                taken_at = time.monotonic()
                shot = grabber.grab(self._box)
                frame = bgra_frame(shot.raw, shot.width, shot.height)
                frame = frame.reformat(width, height, format="yuv420p", interpolation="BICUBIC")
                deliver(frame, taken_at)
                # A hard cap: never two grabs closer than the interval, even after a slow one.
                self._sleep_until(taken_at + interval)
