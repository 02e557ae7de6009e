"""Frames to QImages: exact pixels, downscaling, and at most one conversion per tile and tick."""

from __future__ import annotations

import av
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.viewmodels.video_frames import VideoFrames, to_qimage


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> av.VideoFrame:
    """A frame of one colour, in the decoder's yuv420p."""
    frame = av.VideoFrame(width, height, "rgb24")
    frame.planes[0].update(bytes(rgb) * (frame.planes[0].line_size // 3 * height))
    return frame.reformat(format="yuv420p")


def test_to_qimage_keeps_size_and_colour(qapp: QApplication) -> None:
    image = to_qimage(solid(64, 48, (200, 40, 40)))
    assert image.format() == QImage.Format.Format_RGB888
    assert (image.width(), image.height()) == (64, 48)
    colour = QColor(image.pixel(10, 10))
    assert abs(colour.red() - 200) < 8 and abs(colour.green() - 40) < 8


def test_to_qimage_scales_wide_frames_down(qapp: QApplication) -> None:
    image = to_qimage(solid(2560, 1440, (0, 0, 0)), max_width=1280)
    assert (image.width(), image.height()) == (1280, 720)


def test_only_the_newest_frame_per_tile_is_converted(qtbot: QtBot) -> None:
    frames = VideoFrames(fps=15)
    for shade in range(30):
        frames.push("p1", "camera", solid(32, 32, (shade * 8, 0, 0)))
    frames.push("p2", "screen", solid(32, 32, (0, 0, 250)))
    with qtbot.waitSignals([frames.frameChanged, frames.frameChanged], timeout=2000):
        pass
    assert frames.converted == 2  # 31 frames pushed, two tiles, one conversion each
    image = frames.image("p1", "camera")
    assert image is not None and QColor(image.pixel(1, 1)).red() > 200  # the last one
    assert frames.has_image("p2", "screen") and not frames.has_image("p2", "camera")
    with qtbot.waitSignal(frames.cleared, timeout=1000) as cleared:
        frames.clear("p1")
    assert cleared.args == ["p1", "camera"]
    assert frames.image("p1", "camera") is None
    frames.clear()
    assert not frames.has_image("p2", "screen")
