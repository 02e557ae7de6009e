"""Grid and speaker view, pinning from a tile's menu and the participants panel (no server)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.participants_panel import ParticipantsPanel
from app.ui.video_grid import VideoGrid
from app.ui.video_tile import SPEAKER, VideoTile
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.synthetic_devices import SyntheticDevices
from protocol.meeting_types import Participant

# The offscreen platform cannot raise a popup menu or grab the keyboard for it; harmless here.
MENU_NOISE = pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)


def grid_for(qtbot: QtBot, count: int) -> tuple[VideoGrid, MeetingViewModel]:
    """A grid over a meeting view-model holding `count` people."""
    vm = MeetingViewModel(account=None, devices=SyntheticDevices())  # type: ignore[arg-type]
    people = [
        Participant(id=f"p{n}", user_id=n, name=f"Person {n}", role="attendee")
        for n in range(count)
    ]
    vm.participants.reset(people, you="p0")
    grid = VideoGrid(vm)
    qtbot.addWidget(grid)
    grid.resize(1264, 600)
    grid.show()
    return grid, vm


def right_click(tile: VideoTile) -> None:
    point = QPoint(20, 20)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, tile.mapToGlobal(point))
    QApplication.sendEvent(tile, event)


def test_speaker_view_puts_one_tile_large_over_a_strip_and_follows_the_speaker(
    qtbot: QtBot,
) -> None:
    grid, vm = grid_for(qtbot, 4)
    assert grid.stage_tile is None and len(grid.strip_tiles()) == 4
    vm.layout.set_speaker_view(True)
    stage = grid.stage_tile
    assert stage is not None and stage.participant == "p1"  # nobody spoke: the first other
    strip = grid.strip_tiles()
    assert [t.participant for t in strip] == ["p0", "p2", "p3"]
    assert all(t.height() * 2 < stage.height() for t in strip)
    assert all(t.y() > stage.geometry().bottom() for t in strip)
    vm.participants.set_active_speaker("p3")
    assert grid.stage_tile is grid.tile("p3")
    vm.participants.set_active_speaker(None)  # silence: the last speaker stays
    assert grid.stage_tile is grid.tile("p3")
    vm.participants.set_active_speaker("p0")  # you speaking: you stay in the strip
    assert grid.stage_tile is grid.tile("p3")
    vm.participants.remove("p3")
    assert grid.stage_tile is grid.tile("p1")
    vm.layout.toggle_view()
    assert grid.stage_tile is None and len({t.size().toTuple() for t in grid.strip_tiles()}) == 1


@MENU_NOISE
def test_a_tile_menu_pins_its_participant_who_then_stays_on_stage_and_is_marked(
    qtbot: QtBot,
) -> None:
    grid, vm = grid_for(qtbot, 4)
    tile = grid.tile("p2")
    assert tile is not None
    right_click(tile)
    menu = grid.menu
    assert menu is not None and menu.isVisible()
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Pin Person 2", "Speaker view"]
    menu.actions()[0].trigger()
    menu.close()
    assert vm.layout.pinned == "p2"
    assert tile.state.pinned and "pinned" in tile.accessibleName()
    assert grid.strip_tiles()[0] is tile  # first in the grid
    vm.layout.set_speaker_view(True)
    vm.participants.set_active_speaker("p3")
    assert grid.stage_tile is tile  # pinned beats the speaker
    right_click(tile)
    assert grid.menu is not None
    assert [a.text() for a in grid.menu.actions()] == ["Unpin Person 2", "Grid view"]
    grid.menu.actions()[0].trigger()
    grid.menu.close()
    assert not tile.state.pinned and grid.stage_tile is grid.tile("p3")


@MENU_NOISE
def test_the_participants_panel_pins_the_selected_row(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 3)
    panel = ParticipantsPanel(vm)
    qtbot.addWidget(panel)
    assert not panel.pin_button.isEnabled()
    assert panel.pin_button.accessibleName()
    panel.select("p1")
    assert panel.pin_button.isEnabled() and panel.pin_button.text() == "Pin"
    assert panel.pin_button.accessibleName() == "Pin Person 1"
    panel.pin_button.click()
    assert vm.layout.pinned == "p1" and panel.pin_button.text() == "Unpin"
    tile = grid.tile("p1")
    assert tile is not None and tile.state.pinned
    # The row's context menu (right click, or the Menu key) offers the same to everyone.
    rect = panel.list.visualRect(vm.participants.index(2))
    viewport = panel.list.viewport()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, rect.center(), viewport.mapToGlobal(rect.center())
    )
    QApplication.sendEvent(viewport, event)
    assert panel.menu is not None
    assert [a.text() for a in panel.menu.actions()] == ["Pin Person 2"]
    panel.menu.actions()[0].trigger()
    panel.menu.close()
    assert vm.layout.pinned == "p2" and not tile.state.pinned
    # Someone pinned who leaves is unpinned; a new meeting starts with nobody pinned.
    vm.participants.remove("p2")
    assert vm.layout.pinned == ""
    vm.layout.pin("p1")
    vm.participants.clear()
    assert vm.layout.pinned == "" and vm.layout.last_speaker == ""


def test_the_active_speakers_tile_has_a_visible_outline(qtbot: QtBot) -> None:
    grid, vm = grid_for(qtbot, 2)
    tile = grid.tile("p1")
    assert tile is not None
    edge = QPoint(tile.width() // 2, 1)

    def edge_colour() -> str:
        return tile.grab().toImage().pixelColor(edge).name()

    assert edge_colour() != SPEAKER.name()
    vm.participants.set_active_speaker("p1")
    assert tile.state.speaking
    assert edge_colour() == SPEAKER.name()
