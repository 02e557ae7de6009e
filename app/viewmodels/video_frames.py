"""Decoded video frames turned into QImages, at most `fps` a second per tile, latest frame wins."""

from __future__ import annotations

import av
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

DEFAULT_FPS = 15
MAX_WIDTH = 1280

Key = tuple[str, str]


def to_qimage(frame: av.VideoFrame, max_width: int = MAX_WIDTH) -> QImage:
    """An RGB888 QImage owning its pixels, scaled down (even size) when wider than max_width."""
    width, height = frame.width, frame.height
    if width > max_width:
        height = max(2, round(height * max_width / width / 2) * 2)
        width = max_width
    rgb = frame.reformat(width=width, height=height, format="rgb24")
    plane = rgb.planes[0]
    image = QImage(bytes(plane), width, height, plane.line_size, QImage.Format.Format_RGB888)
    # The copy owns its memory: the bytes above go away with this function.
    return image.copy()


class VideoFrames(QObject):
    """Keeps the newest frame per (participant, source) and converts on a timer tick."""

    frameChanged = Signal(str, str)
    cleared = Signal(str, str)

    def __init__(self, fps: int = DEFAULT_FPS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[Key, av.VideoFrame] = {}
        self._images: dict[Key, QImage] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, 1000 // fps))
        self._timer.timeout.connect(self._convert)
        self.converted = 0

    def push(self, participant: str, source: str, frame: av.VideoFrame) -> None:
        """Take a decoded frame; only the newest one per tile is converted."""
        self._pending[(participant, source)] = frame
        if not self._timer.isActive():
            self._timer.start()

    def image(self, participant: str, source: str) -> QImage | None:
        """The newest converted image of a tile, or None."""
        return self._images.get((participant, source))

    def has_image(self, participant: str, source: str) -> bool:
        """True once a frame of this tile has been converted."""
        return (participant, source) in self._images

    def clear(self, participant: str | None = None, source: str | None = None) -> None:
        """Forget images: one tile, one participant's, or all."""
        keys = [
            key
            for key in {*self._images, *self._pending}
            if participant in (None, key[0]) and source in (None, key[1])
        ]
        for key in keys:
            self._pending.pop(key, None)
            if self._images.pop(key, None) is not None:
                self.cleared.emit(*key)
        if not self._pending:
            self._timer.stop()

    def _convert(self) -> None:
        pending, self._pending = self._pending, {}
        if not pending:
            self._timer.stop()
            return
        for key, frame in pending.items():
            self._images[key] = to_qimage(frame)
            self.converted += 1
            self.frameChanged.emit(*key)
