"""Your microphone, camera and screen, as the others receive them; missing devices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import default_media
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.media_devices import sentences
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import (
    Observer,
    meeting_page,
    participant_named,
    run,
    server_url,
)

ADA = "Ada Lovelace"


def test_camera_and_microphone_buttons_change_what_others_receive(
    qtbot: QtBot, host_window: HostWindow, observer: Observer
) -> None:
    devices = SyntheticDevices()
    window = host_window(devices)
    vm = window.vm.meeting
    vm.start("Check")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    run(qtbot, observer.join(server_url(window), "grace", vm.join_code))
    me = vm.you

    # Joined with both on: Grace sees it and gets our video.
    wait_for(qtbot, lambda: (ada := observer.sees(ADA)) and ada.camera and ada.mic)
    wait_for(qtbot, lambda: observer.frames[(me, "camera")] > 5)
    wait_for(qtbot, lambda: observer.frames[(me, "microphone")] > 5)

    # Camera off: Grace sees it off, the device is closed, our own tile shows initials.
    click(qtbot, page.toolbar.buttons["camera"])
    wait_for(qtbot, lambda: not observer.sees(ADA).camera)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: not vm.controls.local.is_open("camera"))
    assert not vm.controls.camera_on
    assert not page.toolbar.action("camera").isChecked()
    assert page.toolbar.action("camera").text() == "Start video"
    own = page.grid.tile(me)
    assert own is not None
    wait_for(qtbot, lambda: not own.has_image())

    # Mute: Grace sees the mark.
    click(qtbot, page.toolbar.buttons["mic"])
    wait_for(qtbot, lambda: not observer.sees(ADA).mic)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: own.state.mic is False)

    # Camera back on: new frames arrive at Grace's again.
    count = observer.frames[(me, "camera")]
    click(qtbot, page.toolbar.buttons["camera"])
    wait_for(qtbot, lambda: observer.sees(ADA).camera)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: observer.frames[(me, "camera")] > count + 5)
    wait_for(qtbot, own.has_image)
    assert devices.opened.count("camera") == 2  # reopened: it was really closed

    # Keyboard: Ctrl+D unmutes, Ctrl+Shift+H raises the hand.
    window.activateWindow()
    wait_for(qtbot, lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(page, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_for(qtbot, lambda: observer.sees(ADA).mic)  # type: ignore[union-attr]
    qtbot.keyClick(
        page, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    wait_for(qtbot, lambda: observer.sees(ADA).hand)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: own.state.hand)
    assert page.toolbar.action("hand").text() == "Lower hand"


def test_share_a_screen_from_the_picker(
    qtbot: QtBot, host_window: HostWindow, observer: Observer
) -> None:
    devices = SyntheticDevices(screens=2)
    window = host_window(devices)
    vm = window.vm.meeting
    vm.start("Slides")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    run(qtbot, observer.join(server_url(window), "grace", vm.join_code))
    me = vm.you

    click(qtbot, page.toolbar.buttons["share"])
    dialog = page.share_dialog
    assert dialog is not None
    wait_for(qtbot, lambda: dialog.screens.count() == 2)
    items = [dialog.screens.item(row) for row in range(2)]
    assert [item.text().splitlines()[0] for item in items] == ["Test screen 1", "Test screen 2"]
    assert all(not item.icon().isNull() for item in items)  # each with its thumbnail
    dialog.screens.setCurrentRow(1)
    click(qtbot, dialog.share)

    wait_for(qtbot, lambda: observer.sees(ADA).screen)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: observer.frames[(me, "screen")] > 3)
    assert "screen 2" in devices.opened
    assert page.sharing.isVisible() and page.sharing.text() == "You are sharing Test screen 2"
    assert page.toolbar.action("share").isChecked()
    assert page.grid.on_stage is None  # your own screen is not put on your stage

    click(qtbot, page.stop_sharing)
    wait_for(qtbot, lambda: not observer.sees(ADA).screen)  # type: ignore[union-attr]
    assert not page.sharing.isVisible()
    wait_for(qtbot, lambda: not vm.controls.local.is_open("screen"))


def test_device_settings_list_the_devices(qtbot: QtBot, host_window: HostWindow) -> None:
    window = host_window()
    vm = window.vm.meeting
    vm.start("Settings")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    click(qtbot, page.toolbar.buttons["settings"])
    dialog = page.device_dialog
    assert dialog is not None
    wait_for(qtbot, lambda: dialog.boxes["camera"].count() == 2)
    assert dialog.boxes["camera"].itemText(1) == "Test pattern"
    assert dialog.boxes["microphone"].itemText(1) == "Test tone (440 Hz)"
    assert not dialog.boxes["speaker"].isEnabled()
    assert "speaker" in dialog.missing.text()
    dialog.boxes["camera"].setCurrentIndex(1)
    dialog.boxes["camera"].activated.emit(1)
    wait_for(qtbot, lambda: vm.controls.local.camera_id == "test-pattern")
    dialog.reject()


def test_without_devices_the_meeting_is_receive_only(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window(SyntheticDevices(camera=False, microphone=False, screens=0))
    vm = window.vm.meeting
    vm.start("Listen only")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    assert page.missing.isVisible()
    assert "No camera" in page.missing.text() and "No microphone" in page.missing.text()
    for name in ("mic", "camera", "share"):
        assert not page.toolbar.action(name).isEnabled()
    assert "No camera found" in page.toolbar.action("camera").toolTip()
    me = participant_named(vm, ADA)
    assert me is not None and not me.mic and not me.camera

    # Still a full participant for what arrives.
    bots(server_url(window), "grace", vm.join_code)
    wait_for(qtbot, lambda: len(page.grid.camera_tiles()) == 2)
    grace = page.grid.camera_tiles()[1]
    wait_for(qtbot, grace.has_image)


def test_this_machines_devices_or_their_absence_are_shown(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    devices, player_factory = default_media()  # the real MediaDevices and AudioPlayer
    window = host_window(devices, player_factory)
    vm = window.vm.meeting
    vm.start("Real devices")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    missing = sentences(devices.availability())
    for sentence in missing:
        assert sentence in page.missing.text()
    assert page.missing.isVisible() == bool(missing)
    for name, source in (("mic", "microphone"), ("camera", "camera"), ("share", "screen")):
        assert page.toolbar.action(name).isEnabled() == vm.controls.can(source)  # type: ignore[arg-type]
    click(qtbot, page.missing.close_button)
    assert not page.missing.isVisible()
    vm.leave()
    wait_page(qtbot, window, Page.HOME)


def test_share_a_real_screen(
    qtbot: QtBot, host_window: HostWindow, observer: Observer, x_display: str
) -> None:
    devices, player_factory = default_media()  # real MediaDevices: screens through mss
    window = host_window(devices, player_factory)
    vm = window.vm.meeting
    vm.start("Real screen")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    assert page.toolbar.action("share").isEnabled()
    run(qtbot, observer.join(server_url(window), "grace", vm.join_code))

    click(qtbot, page.toolbar.buttons["share"])
    dialog = page.share_dialog
    assert dialog is not None
    wait_for(qtbot, lambda: dialog.screens.count() == 1)
    item = dialog.screens.item(0)
    assert "1280 × 720" in item.text() and not item.icon().isNull()  # a real thumbnail
    click(qtbot, dialog.share)
    wait_for(qtbot, lambda: observer.frames[(vm.you, "screen")] > 3)
    assert page.sharing.isVisible()
    click(qtbot, page.toolbar.buttons["share"])  # the same button stops sharing
    wait_for(qtbot, lambda: not observer.sees(ADA).screen)  # type: ignore[union-attr]
    wait_for(qtbot, lambda: not vm.controls.local.is_open("screen"))
