"""The video grid's shapes and tile rectangles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from app.ui.video_grid import VideoGrid, grid_rects, grid_shape
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.synthetic_devices import SyntheticDevices
from protocol.meeting_types import Participant


@pytest.mark.parametrize(
    ("count", "shape"),
    [
        (0, (0, 0)),
        (1, (1, 1)),
        (2, (2, 1)),
        (3, (2, 2)),
        (4, (2, 2)),
        (5, (3, 2)),
        (6, (3, 2)),
        (7, (3, 3)),
        (9, (3, 3)),
        (10, (4, 3)),
        (12, (4, 3)),
        (13, (4, 4)),
        (25, (5, 5)),
    ],
)
def test_grid_shapes(count: int, shape: tuple[int, int]) -> None:
    assert grid_shape(count) == shape


def test_grid_rects_are_16_by_9_inside_the_area_and_a_short_row_is_centred() -> None:
    area = QRect(0, 0, 1000, 600)
    rects = grid_rects(area, 3)
    assert len(rects) == 3
    assert all(area.contains(rect) for rect in rects)
    assert all(abs(rect.width() / rect.height() - 16 / 9) < 0.02 for rect in rects)
    last = rects[2]
    assert abs(last.center().x() - area.center().x()) <= 1
    assert rects[0].top() == rects[1].top() < last.top()


def grid_for(qtbot: QtBot, count: int) -> tuple[VideoGrid, MeetingViewModel]:
    """A grid over a meeting view-model holding `count` people (no server needed)."""
    vm = MeetingViewModel(account=None, devices=SyntheticDevices())  # type: ignore[arg-type]
    people = [
        Participant(id=f"p{n}", user_id=n, name=f"Person {n}", role="attendee")
        for n in range(count)
    ]
    vm.participants.reset(people, you="p0")
    grid = VideoGrid(vm)
    qtbot.addWidget(grid)
    grid.resize(1200, 700)
    grid.show()
    return grid, vm


def test_many_people_fill_25_tiles_and_the_speaker_is_always_shown(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 30)
    visible = [tile for tile in grid.camera_tiles() if tile.isVisible()]
    assert len(visible) == 24
    assert grid.overflow.isVisible() and grid.overflow.count == 6
    vm.participants.set_active_speaker("p28")
    visible = [tile.participant for tile in grid.camera_tiles() if tile.isVisible()]
    assert "p28" in visible and len(visible) == 24


def test_three_people_make_a_two_by_two_grid(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 3)
    tiles = grid.camera_tiles()
    assert [tile.name for tile in tiles] == ["Person 0", "Person 1", "Person 2"]
    assert tiles[0].state.you and not grid.overflow.isVisible()
    assert len({tile.y() for tile in tiles}) == 2
    vm.participants.remove("p2")
    assert len({tile.y() for tile in grid.camera_tiles()}) == 1
