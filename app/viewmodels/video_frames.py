"""The newest decoded frame per tile, turned into a picture only when a tile paints, at its size.

Decoders hand over every frame; nothing is converted then. A timer at most at the display's
rate says which tiles have a newer frame (frameChanged), and a tile that is shown asks for its
picture when it paints: the newest frame, scaled and converted in one pass to the size it is
shown. A hidden tile (off the page, minimised, overflowed) never paints, so costs nothing but
the decoding; a frame replaced before anyone painted it is never converted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import av
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage

from app.core.media.picture import Pixels, shown_size, to_pixels

# Tiles repaint at most this often, and never faster than the display refreshes. Cameras send
# up to 30 frames a second; every frame is decoded (VP8 needs them all), but converting and
# painting is the part of a tile's cost that follows this rate: at 30 a second it was more than
# the decoding (bench/tile_render.py), at 15 a grid of tiles stays within 5 % of a core each.
MAX_FPS = 15
# A picture asked for without a size (a screenshot, a check) is at most this wide.
MAX_WIDTH = 1280

Key = tuple[str, str]


def to_qimage(
    frame: av.VideoFrame,
    width: int | None = None,
    height: int | None = None,
    reformatter: VideoReformatter | None = None,
) -> QImage:
    """An RGB32 QImage of the frame at width × height (its own size, at most MAX_WIDTH, if None)."""
    if width is None or height is None:
        width, height = frame.width, frame.height
        if width > MAX_WIDTH:
            width, height = MAX_WIDTH, max(1, round(height * MAX_WIDTH / width))
    return _image(to_pixels(frame, width, height, reformatter))


def _image(pixels: Pixels) -> QImage:
    image = QImage(
        pixels.data, pixels.width, pixels.height, pixels.stride, QImage.Format.Format_RGB32
    )
    # Detach from `pixels.data` (which goes away with the caller) with a single copy.
    return image.copy()


@dataclass(frozen=True)
class _Latest:
    number: int  # counts frames of this tile, so a picture knows which frame it shows
    frame: av.VideoFrame


@dataclass(frozen=True)
class _Picture:
    number: int
    size: tuple[int, int] | None
    image: QImage


def display_rate(limit: float = MAX_FPS) -> float:
    """Frames a second worth painting: the primary screen's refresh rate, at most `limit`."""
    screen = QGuiApplication.primaryScreen()
    refresh = screen.refreshRate() if screen is not None else 0.0
    return min(limit, refresh) if refresh > 0 else limit


class VideoFrames(QObject):
    """Keeps the newest frame per (participant, source); converts it when a tile asks."""

    frameChanged = Signal(str, str)  # a newer frame waits to be shown; at most once a tick
    cleared = Signal(str, str)

    def __init__(self, fps: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[Key, _Latest] = {}
        self._pictures: dict[Key, _Picture] = {}
        # One per tile: each keeps its swscale context from frame to frame.
        self._reformatters: dict[Key, VideoReformatter] = {}
        self._changed: set[Key] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(1000 / (fps or display_rate()))))
        self._timer.timeout.connect(self._tick)
        self.received = 0  # frames pushed
        self.converted = 0  # pictures made (the expensive part besides decoding)
        self.conversions: Counter[Key] = Counter()  # pictures made per tile

    def push(self, participant: str, source: str, frame: av.VideoFrame) -> None:
        """Take a decoded frame; it replaces the one before, converted or not."""
        key = (participant, source)
        before = self._latest.get(key)
        self._latest[key] = _Latest(before.number + 1 if before else 1, frame)
        self._changed.add(key)
        self.received += 1
        if not self._timer.isActive():
            self._timer.start()

    def has_image(self, participant: str, source: str) -> bool:
        """True once a frame of this tile has arrived (until cleared)."""
        return (participant, source) in self._latest

    def frame_size(self, participant: str, source: str) -> tuple[int, int] | None:
        """Width and height of the newest frame of a tile, or None."""
        latest = self._latest.get((participant, source))
        return (latest.frame.width, latest.frame.height) if latest else None

    def image(
        self,
        participant: str,
        source: str,
        box: tuple[int, int] | None = None,
        *,
        cover: bool = False,
    ) -> QImage | None:
        """The newest frame as a picture for a box of pixels, or None without a frame.

        `cover`: at least the box both ways (the caller crops the middle), else inside it; no
        box: the frame's own size, at most MAX_WIDTH wide. Converted at most once per frame and
        size: painting again without a newer frame (an expose, a mark changing) reuses it.
        """
        key = (participant, source)
        latest = self._latest.get(key)
        if latest is None:
            return None
        size = None
        if box is not None and box[0] > 0 and box[1] > 0:
            size = shown_size((latest.frame.width, latest.frame.height), box, cover=cover)
        picture = self._pictures.get(key)
        if picture is None or picture.number != latest.number or picture.size != size:
            reformatter = self._reformatters.setdefault(key, VideoReformatter())
            width, height = size if size else (None, None)
            image = to_qimage(latest.frame, width, height, reformatter)
            picture = _Picture(latest.number, size, image)
            self._pictures[key] = picture
            self.converted += 1
            self.conversions[key] += 1
        return picture.image

    def clear(self, participant: str | None = None, source: str | None = None) -> None:
        """Forget frames and pictures: one tile, one participant's, or all."""
        keys = [
            key
            for key in self._latest
            if participant in (None, key[0]) and source in (None, key[1])
        ]
        for key in keys:
            del self._latest[key]
            self._pictures.pop(key, None)
            self._reformatters.pop(key, None)
            self._changed.discard(key)
            self.cleared.emit(*key)
        if not self._changed:
            self._timer.stop()

    def _tick(self) -> None:
        changed, self._changed = self._changed, set()
        if not changed:
            self._timer.stop()
            return
        for key in changed:
            self.frameChanged.emit(*key)
