"""Tiles convert only what they show, at the size they show it; hidden tiles convert nothing."""

from __future__ import annotations

import av
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.video_grid import VideoGrid
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.synthetic_devices import SyntheticDevices
from protocol.meeting_types import Participant

WAIT_MS = 5_000


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> av.VideoFrame:
    """A frame of one colour, in the decoder's yuv420p (what aiortc's decoder hands over)."""
    frame = av.VideoFrame(width, height, "rgb24")
    frame.planes[0].update(bytes(rgb) * (frame.planes[0].line_size // 3 * height))
    return frame.reformat(format="yuv420p")


def grid_for(qtbot: QtBot, count: int) -> tuple[VideoGrid, MeetingViewModel]:
    """A shown grid over a meeting view-model holding `count` people with cameras on."""
    vm = MeetingViewModel(account=None, devices=SyntheticDevices())  # type: ignore[arg-type]
    people = [
        Participant(id=f"p{n}", user_id=n, name=f"Person {n}", role="attendee", camera=True)
        for n in range(count)
    ]
    vm.participants.reset(people, you="p0")
    grid = VideoGrid(vm)
    qtbot.addWidget(grid)
    grid.resize(1200, 700)
    grid.show()
    qtbot.waitExposed(grid)
    return grid, vm


def colour_at_centre(grid: VideoGrid, participant: str) -> QColor:
    """What the screen shows in the middle of a tile."""
    tile = grid.tile(participant)
    assert tile is not None
    return grid.grab().toImage().pixelColor(tile.geometry().center())


def test_a_shown_tile_paints_the_newest_frame_converted_once_at_its_size(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 2)
    tile = grid.tile("p1")
    assert tile is not None and tile.isVisible()
    for shade in range(20):  # a burst, as a decoder catching up hands them over
        vm.frames.push("p1", "camera", solid(640, 480, (shade * 10, 40, 40)))
    qtbot.waitUntil(lambda: vm.frames.conversions[("p1", "camera")] > 0, timeout=WAIT_MS)
    assert vm.frames.conversions[("p1", "camera")] == 1  # only the newest of the twenty
    image = tile.image()
    assert image is not None
    # A 4:3 camera covers the 16:9 tile: as wide as the tile (even), taller, middle shown.
    assert image.width() in (tile.width(), tile.width() + 1)
    assert image.height() >= tile.height() and image.height() < 480
    assert vm.frames.conversions[("p1", "camera")] == 1  # asking again converts nothing
    shown = colour_at_centre(grid, "p1")
    assert abs(shown.red() - 190) < 10 and abs(shown.green() - 40) < 10

    # A new size (the window resized) gets a picture of the new size.
    grid.resize(600, 400)
    qtbot.waitUntil(lambda: vm.frames.conversions[("p1", "camera")] == 2, timeout=WAIT_MS)
    image = tile.image()
    assert image is not None and image.width() in (tile.width(), tile.width() + 1)


def halves(width: int, height: int) -> av.VideoFrame:
    """A frame red above its middle and blue below (yuv420p)."""
    frame = av.VideoFrame(width, height, "rgb24")
    stride = frame.planes[0].line_size
    top = bytes((220, 30, 30)) * (stride // 3)
    bottom = bytes((30, 30, 220)) * (stride // 3)
    frame.planes[0].update(top * (height // 2) + bottom * (height - height // 2))
    return frame.reformat(format="yuv420p")


def test_a_camera_covers_its_tile_with_the_middle_of_the_picture(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 2)
    tile = grid.tile("p1")
    assert tile is not None
    vm.frames.push("p1", "camera", halves(640, 480))
    qtbot.waitUntil(lambda: vm.frames.conversions[("p1", "camera")] > 0, timeout=WAIT_MS)
    shown = grid.grab().toImage()
    box = tile.geometry()
    x = box.center().x()
    # Red above the middle, blue below, right up to the edges (the rounded-corner bands too).
    for y, colour in [(2, "red"), (box.height() // 2 - 3, "red"), (box.height() // 2 + 3, "blue")]:
        pixel = shown.pixelColor(x, box.top() + y)
        assert (pixel.red() > 180) == (colour == "red"), (y, pixel.name())
    bottom = shown.pixelColor(x, box.bottom() - 2)
    assert bottom.blue() > 180 and bottom.red() < 80, bottom.name()
    # No bar at the sides: the picture reaches both edges.
    for edge in (box.left() + 12, box.right() - 12):
        assert shown.pixelColor(edge, box.center().y() - 10).red() > 180


def test_hidden_tiles_convert_nothing(qtbot: QtBot) -> None:
    # 30 people: 24 tiles fit, the rest are behind "+6 more".
    grid, vm = grid_for(qtbot, 30)
    hidden = next(tile for tile in grid.camera_tiles() if not tile.isVisible())
    shown = grid.tile("p1")
    assert shown is not None and shown.isVisible()
    for _ in range(5):
        vm.frames.push(hidden.participant, "camera", solid(640, 480, (0, 0, 200)))
        vm.frames.push("p1", "camera", solid(640, 480, (0, 200, 0)))
    qtbot.waitUntil(lambda: vm.frames.conversions[("p1", "camera")] > 0, timeout=WAIT_MS)
    assert vm.frames.conversions[(hidden.participant, "camera")] == 0
    assert hidden.has_image()  # it has a frame to show once it is shown

    # The meeting page not shown (another page in front): frames keep coming, nothing converted.
    grid.hide()
    before = vm.frames.converted
    for shade in range(5):
        vm.frames.push("p1", "camera", solid(640, 480, (0, 100 + shade, 0)))
        with qtbot.waitSignal(vm.frames.frameChanged, timeout=WAIT_MS):
            pass
        QApplication.processEvents()
    assert vm.frames.converted == before

    # Shown again: the newest frame, at once.
    grid.show()
    qtbot.waitUntil(lambda: vm.frames.converted == before + 1, timeout=WAIT_MS)
    assert abs(colour_at_centre(grid, "p1").green() - 104) < 10


def test_a_tile_with_the_camera_off_shows_initials_and_converts_nothing(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 2)
    people = [
        Participant(id="p0", user_id=0, name="Person 0", role="attendee", camera=True),
        Participant(id="p1", user_id=1, name="Person 1", role="attendee", camera=False),
    ]
    vm.participants.reset(people, you="p0")
    tile = grid.tile("p1")
    assert tile is not None
    vm.frames.push("p1", "camera", solid(640, 480, (0, 0, 200)))
    with qtbot.waitSignal(vm.frames.frameChanged, timeout=WAIT_MS):
        pass
    grid.grab()
    assert not tile.has_image() and tile.image() is None
    assert vm.frames.conversions[("p1", "camera")] == 0
