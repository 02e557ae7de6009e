"""In a meeting on a real X server: share one window, then a typed region of the screen."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.bootstrap import default_media
from app.ui.share_dialog import ShareDialog
from app.viewmodels.app_viewmodel import Page
from tests.app.core.media.test_x11_windows import TITLE, RedWindow
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click
from tests.app.ui.meeting.conftest import HostWindow
from tests.app.ui.meeting.support import Observer, meeting_page, run, server_url

ADA = "Ada Lovelace"


def test_share_one_window_then_a_region(
    qtbot: QtBot, host_window: HostWindow, observer: Observer, x_display: str
) -> None:
    red = RedWindow(x_display, (200, 100, 400, 300))
    try:
        devices, player_factory = default_media()  # real MediaDevices: mss and libX11
        window = host_window(devices, player_factory)
        window.resize(1280, 800)  # room for the whole sharing pill
        vm = window.vm.meeting
        vm.start("Share what you mean")
        wait_page(qtbot, window, Page.MEETING)
        page = meeting_page(window)
        run(qtbot, observer.join(server_url(window), "grace", vm.join_code))

        click(qtbot, page.toolbar.buttons["share"])
        shown = page.share_dialog
        assert shown is not None
        dialog: ShareDialog = shown
        wait_for(qtbot, lambda: dialog.screens.count() == 2)  # the screen, then the window
        item = dialog.screens.item(1)
        assert item.text().splitlines() == [f"Window: {TITLE}", "400 × 300"]
        assert not item.icon().isNull()
        dialog.screens.setCurrentRow(1)
        assert not dialog.region.isEnabled()  # a window is shared whole
        click(qtbot, dialog.share)
        wait_for(qtbot, lambda: observer.frames[(vm.you, "screen")] > 3)
        assert page.sharing.text() == f"You are sharing Window: {TITLE}"

        # Now only part of the screen: typed numbers, bounded by the screen's size.
        click(qtbot, page.toolbar.buttons["share"])  # stops the window share
        wait_for(qtbot, lambda: not observer.sees(ADA).screen)  # type: ignore[union-attr]
        click(qtbot, page.toolbar.buttons["share"])
        shown = page.share_dialog
        assert shown is not None
        dialog = shown
        wait_for(qtbot, lambda: dialog.screens.count() == 2)
        dialog.screens.setCurrentRow(0)
        assert dialog.region.isEnabled()
        dialog.region.setChecked(True)
        dialog.left.setValue(1200)
        dialog.width_box.setValue(5000)
        assert dialog.width_box.value() == 1280 - 1200  # never past the right edge
        dialog.left.setValue(100)
        dialog.top.setValue(50)
        dialog.width_box.setValue(640)
        dialog.height_box.setValue(360)
        click(qtbot, dialog.share)
        before = observer.frames[(vm.you, "screen")]
        wait_for(qtbot, lambda: observer.frames[(vm.you, "screen")] > before + 3)
        assert page.sharing.text().startswith("You are sharing part of Screen 1")
        vm.leave()
        wait_page(qtbot, window, Page.HOME)
    finally:
        red.close()
