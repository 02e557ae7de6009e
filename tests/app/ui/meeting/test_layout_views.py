"""Speaker and grid view, pinning and the active speaker's outline, with bots in a real meeting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.video_tile import SPEAKER, VideoTile
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import meeting_page, server_url


def outlined(tile: VideoTile) -> bool:
    """True when the tile's top edge is drawn in the active speaker's colour."""
    return tile.grab().toImage().pixelColor(QPoint(tile.width() // 2, 1)).name() == SPEAKER.name()


# The offscreen platform cannot raise a popup menu or grab the keyboard for it; harmless here.
@pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)
def test_speaker_view_pinning_and_the_active_speakers_outline(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    window.resize(1280, 800)
    vm = window.vm.meeting
    vm.join_with_mic = False  # only Grace makes a sound
    vm.start("Layout")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    grid = page.grid
    url = server_url(window)
    bots(url, "grace", vm.join_code)  # camera and a tone
    bots(url, "alan", vm.join_code, "--publish", "none")

    def tile_of(name: str) -> VideoTile:
        return next(tile for tile in grid.camera_tiles() if tile.name == name)

    wait_for(qtbot, lambda: len(grid.camera_tiles()) == 3)
    assert grid.stage_tile is None  # grid view first

    # Grace's tone makes her the active speaker: her tile, and only hers, has the outline.
    grace, alan = tile_of("Grace Hopper"), tile_of("Alan Turing")
    wait_for(qtbot, lambda: grace.state.speaking)
    assert outlined(grace) and not outlined(alan) and not alan.state.speaking

    # Speaker view from the More menu's action (Ctrl+Shift+V): Grace large, the others in a strip.
    speaker = page.toolbar.action("speaker")
    assert speaker.shortcut().toString() == "Ctrl+Shift+V" and speaker.text() == "Speaker view"
    speaker.trigger()
    assert speaker.isChecked() and vm.layout.speaker_view
    assert grid.stage_tile is grace
    strip = grid.strip_tiles()
    assert sorted(t.name for t in strip) == ["Ada Lovelace", "Alan Turing"]
    assert all(t.height() * 2 < grace.height() for t in strip)
    assert all(t.y() > grace.geometry().bottom() for t in strip)
    wait_for(qtbot, grace.has_image)
    assert outlined(grace)

    # Pin Alan from his tile's context menu: he takes the stage, marked, though Grace speaks.
    point = QPoint(10, 10)
    QApplication.sendEvent(
        alan, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, alan.mapToGlobal(point))
    )
    menu = grid.menu
    assert menu is not None
    pin = menu.actions()[0]
    assert pin.text() == "Pin Alan Turing"
    pin.trigger()
    menu.close()
    assert grid.stage_tile is alan and alan.state.pinned
    assert "pinned" in alan.accessibleName()
    assert grace in grid.strip_tiles() and grace.state.speaking and outlined(grace)

    # Back to grid view: all the same size, Alan (pinned) first.
    speaker.trigger()
    assert not vm.layout.speaker_view and grid.stage_tile is None
    tiles = grid.strip_tiles()
    assert tiles[0] is alan and len({t.size().toTuple() for t in tiles}) == 1

    # The view stays chosen for the next meeting of this session; the pin does not.
    speaker.trigger()
    vm.leave()
    wait_page(qtbot, window, Page.HOME)
    assert vm.layout.speaker_view and vm.layout.pinned == ""
    vm.start("Again")
    wait_page(qtbot, window, Page.MEETING)
    assert page.toolbar.action("speaker").isChecked()
    wait_for(qtbot, lambda: grid.stage_tile is not None and grid.stage_tile.name == "Ada Lovelace")
