"""Without its media module the app joins receive-only with a notice, sending nothing."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.viewmodels.app_viewmodel import Page
from app.viewmodels.receive_only_devices import ReceiveOnlyDevices
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.meeting.conftest import HostWindow
from tests.app.ui.meeting.support import Observer, meeting_page, participant_named, run, server_url

ADA = "Ada Lovelace"


def test_a_meeting_without_media_is_receive_only_and_says_why(
    qtbot: QtBot, host_window: HostWindow, observer: Observer
) -> None:
    window = host_window(ReceiveOnlyDevices("No module named 'sounddevice'"))
    vm = window.vm.meeting
    vm.start("Watching")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    assert page.missing.isVisible()
    assert "receive-only" in page.missing.text() and "sounddevice" in page.missing.text()
    for name in ("mic", "camera", "share"):
        assert not page.toolbar.action(name).isEnabled()
    me = participant_named(vm, ADA)
    assert me is not None and not me.mic and not me.camera

    # Another participant sees Ada with nothing on: no test pattern or tone in her place.
    run(qtbot, observer.join(server_url(window), "grace", vm.join_code))
    wait_for(qtbot, lambda: observer.sees(ADA) is not None)
    ada = observer.sees(ADA)
    assert ada is not None and not (ada.mic or ada.camera or ada.screen)
    assert not any(participant == vm.you for participant, _ in observer.frames)
