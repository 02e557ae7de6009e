"""Starting a meeting from the home page, its join code, your own video, leaving, bad codes."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.prejoin_page import PrejoinPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, rich_text_labels, type_into
from tests.app.ui.meeting.conftest import HostWindow
from tests.app.ui.meeting.support import meeting_page, pending_tasks

JOIN_CODE = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


def join_from_the_device_check(qtbot: QtBot, window: MainWindow) -> None:
    """Start and Join first show the device check; its Join now goes on."""
    wait_page(qtbot, window, Page.PREJOIN)
    page = window.page(Page.PREJOIN)
    assert isinstance(page, PrejoinPage)
    click(qtbot, page.join)


def test_start_shows_the_join_code_and_your_video_then_leave_goes_home(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    window = host_window()
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    assert home.start.isVisible() and home.join.isVisible()
    wait_for(qtbot, lambda: home.no_meetings.isVisible())

    wait_for(qtbot, lambda: not window.vm.home.busy)
    before = set(pending_tasks())  # the app's own (watching the bundled server...)
    type_into(qtbot, home.subject.edit, "Standup")
    click(qtbot, home.start)
    join_from_the_device_check(qtbot, window)
    wait_page(qtbot, window, Page.MEETING)
    vm = window.vm.meeting
    page = meeting_page(window)
    assert not window.header.isVisible()
    assert JOIN_CODE.match(vm.join_code), vm.join_code
    assert page.subject.text() == "Standup"
    assert vm.join_code in page.code.text()
    assert page.notice.isVisible() and vm.join_code in page.notice.text()
    click(qtbot, page.copy)
    assert QGuiApplication.clipboard().text() == vm.join_code
    assert vm.is_host

    # Alone: one tile, yours, showing your own camera (the self view).
    (tile,) = page.grid.camera_tiles()
    assert tile.name == "Ada Lovelace" and tile.state.you
    wait_for(qtbot, tile.has_image)
    assert page.toolbar.action("mic").isChecked() and page.toolbar.action("camera").isChecked()
    assert "Ctrl+D" in page.toolbar.action("mic").toolTip()
    assert "Ctrl+E" in page.toolbar.action("camera").toolTip()
    assert "Ctrl+Shift+L" in page.toolbar.action("leave").toolTip()
    assert rich_text_labels(page) == []

    click(qtbot, page.toolbar.buttons["leave"])
    dialog = page.leave_dialog  # a host is asked: leave, or end the meeting for everyone
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    click(qtbot, dialog.leave)
    wait_page(qtbot, window, Page.HOME)
    assert home.status.isVisible() and home.status.text() == "You left the meeting."
    assert window.header.isVisible()
    assert vm.participants.rowCount() == 0 and vm.chat.rowCount() == 0
    assert vm.controls.local.sources == {}
    assert not vm.frames.has_image(tile.participant, "camera")

    # Nothing of the call is left running.
    def nothing_running() -> None:
        left = set(pending_tasks()) - before
        assert not left, left

    qtbot.waitUntil(nothing_running, timeout=10_000)

    # The meeting is listed under My meetings, and can be joined again from there.
    wait_for(qtbot, lambda: vm.join_code == "" or home.selected_code())
    assert home.selected_code() and JOIN_CODE.match(home.selected_code())
    assert home.meetings.model().index(0, 0).data() == "Standup"


def test_join_by_code_and_a_wrong_code_is_explained(qtbot: QtBot, host_window: HostWindow) -> None:
    window = host_window()
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)

    type_into(qtbot, home.code.edit, "zzzz-zzzz-zzzz")
    click(qtbot, home.join)
    join_from_the_device_check(qtbot, window)
    wait_page(qtbot, window, Page.HOME)
    wait_for(qtbot, lambda: home.error.isVisible())
    assert "no meeting with this join code" in home.error.text()
    assert window.vm.page == Page.HOME

    # Rejoin a meeting by its code (any case), pressing Enter.
    vm = window.vm.meeting
    vm.start("Planning")
    wait_page(qtbot, window, Page.MEETING)
    code = vm.join_code
    vm.leave()
    wait_page(qtbot, window, Page.HOME)
    type_into(qtbot, home.code.edit, code.upper())
    qtbot.keyClick(home.code.edit, Qt.Key.Key_Return)
    join_from_the_device_check(qtbot, window)
    wait_page(qtbot, window, Page.MEETING)
    assert vm.join_code == code
    assert not home.error.isVisible()
