"""Frames to pictures: nothing converted until asked, only the newest frame, at the asked size."""

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
    assert image.format() == QImage.Format.Format_RGB32
    assert (image.width(), image.height()) == (64, 48)
    colour = QColor(image.pixel(10, 10))
    assert abs(colour.red() - 200) < 8 and abs(colour.green() - 40) < 8


def test_to_qimage_without_a_size_scales_wide_frames_down(qapp: QApplication) -> None:
    image = to_qimage(solid(2560, 1440, (0, 0, 0)))
    assert (image.width(), image.height()) == (1280, 720)


def test_frames_are_not_converted_until_a_picture_is_asked_for(qtbot: QtBot) -> None:
    frames = VideoFrames(fps=15)
    told: list[tuple[str, str]] = []
    frames.frameChanged.connect(lambda participant, source: told.append((participant, source)))
    for shade in range(30):
        frames.push("p1", "camera", solid(64, 48, (shade * 8, 0, 0)))
    frames.push("p2", "screen", solid(64, 48, (0, 0, 250)))
    # One tick says which tiles have something new, once each however many frames came.
    qtbot.waitUntil(lambda: len(told) >= 2, timeout=2000)
    assert sorted(told) == [("p1", "camera"), ("p2", "screen")]
    assert frames.received == 31 and frames.converted == 0
    assert frames.has_image("p2", "screen") and not frames.has_image("p2", "camera")
    assert frames.frame_size("p1", "camera") == (64, 48)

    image = frames.image("p1", "camera", (32, 18), cover=True)
    assert image is not None and (image.width(), image.height()) == (32, 24)
    assert QColor(image.pixel(1, 1)).red() > 200  # the newest frame, the only one converted
    assert frames.conversions == {("p1", "camera"): 1}
    # Painting again (an expose, a mark) with no newer frame and the same size reuses it.
    assert frames.image("p1", "camera", (32, 18), cover=True) is image
    assert frames.converted == 1
    # A new size or a newer frame is converted afresh.
    resized = frames.image("p1", "camera", (64, 36), cover=True)
    assert resized is not None and resized.width() == 64
    frames.push("p1", "camera", solid(64, 48, (0, 250, 0)))
    newer = frames.image("p1", "camera", (64, 36), cover=True)
    assert newer is not None and QColor(newer.pixel(1, 1)).green() > 200
    assert frames.conversions == {("p1", "camera"): 3}

    fitted = frames.image("p2", "screen", (40, 40), cover=False)
    assert fitted is not None and (fitted.width(), fitted.height()) == (40, 30)


def test_clear_forgets_frames_and_says_so(qtbot: QtBot) -> None:
    frames = VideoFrames(fps=15)
    frames.push("p1", "camera", solid(32, 32, (200, 0, 0)))
    frames.push("p1", "screen", solid(32, 32, (200, 0, 0)))
    frames.push("p2", "screen", solid(32, 32, (0, 0, 250)))
    cleared: list[tuple[str, str]] = []
    frames.cleared.connect(lambda participant, source: cleared.append((participant, source)))
    frames.clear("p1")
    assert sorted(cleared) == [("p1", "camera"), ("p1", "screen")]
    assert frames.image("p1", "camera") is None and not frames.has_image("p1", "screen")
    frames.clear()
    assert not frames.has_image("p2", "screen") and frames.frame_size("p2", "screen") is None
