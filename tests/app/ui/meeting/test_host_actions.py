"""Host actions: shown only to hosts; mute requests, stopped video, roles, removal, ending."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.bootstrap import build_window, run_window
from app.core.paths import AppPaths
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.ui.conftest import WAIT_MS, OpenWindow, wait_for, wait_page
from tests.app.ui.helpers import click
from tests.app.ui.meeting.conftest import HostWindow
from tests.app.ui.meeting.support import log_in, meeting_page, server_url


def attendee_window(
    qtbot: QtBot, open_window: OpenWindow, host: MainWindow, tmp_path: Path
) -> MainWindow:
    """Grace's window: another app on the host's server, logged in."""
    window = open_window(
        server_url(host),
        paths=AppPaths(tmp_path / "grace-data", tmp_path / "grace-config"),
        media=(SyntheticDevices(), None),
    )
    log_in(qtbot, window, "grace")
    return window


def test_only_hosts_get_host_actions_and_they_work(
    qtbot: QtBot, host_window: HostWindow, open_window: OpenWindow, tmp_path: Path
) -> None:
    host = host_window()
    host.vm.meeting.start("Town hall")
    wait_page(qtbot, host, Page.MEETING)
    code = host.vm.meeting.join_code
    guest = attendee_window(qtbot, open_window, host, tmp_path)
    guest.vm.meeting.join(code)
    wait_page(qtbot, guest, Page.MEETING)

    host_page, guest_page = meeting_page(host), meeting_page(guest)
    host_page.show_people()
    guest_page.show_people()
    panel, guest_panel = host_page.people, guest_page.people
    wait_for(qtbot, lambda: host.vm.meeting.participants.rowCount() == 2)
    assert panel.heading.text() == "Participants (2)"
    assert panel.host_actions.isVisible() and panel.end_meeting.isVisible()
    assert not guest_panel.host_actions.isVisible()
    assert not guest.vm.meeting.is_host

    grace_id = guest.vm.meeting.you
    panel.select(grace_id)
    buttons = panel.action_buttons
    wait_for(qtbot, lambda: buttons[("ask_mute", "")].isEnabled())

    # Ask to mute: Grace's app mutes and says why.
    click(qtbot, buttons[("ask_mute", "")])
    wait_for(qtbot, lambda: not guest.vm.meeting.controls.mic_on)
    assert "muted your microphone" in guest_page.notice.text()
    wait_for(qtbot, lambda: not host.vm.meeting.participants.participant(grace_id).mic)  # type: ignore[union-attr]

    # Stop video: her camera goes off (and its device closes), with a notice.
    click(qtbot, buttons[("stop_camera", "")])
    wait_for(qtbot, lambda: not guest.vm.meeting.controls.camera_on)
    wait_for(qtbot, lambda: "stopped your video" in guest_page.notice.text())
    wait_for(qtbot, lambda: not guest.vm.meeting.controls.local.is_open("camera"))

    # Co-host: Grace now sees the host actions; back to attendee: they go again.
    click(qtbot, buttons[("promote", "host")])
    wait_for(qtbot, lambda: guest_panel.host_actions.isVisible())
    assert "You are now a host" in guest_page.notice.text()
    wait_for(qtbot, lambda: buttons[("demote", "")].isEnabled())
    click(qtbot, buttons[("demote", "")])
    wait_for(qtbot, lambda: not guest_panel.host_actions.isVisible())

    # Removing asks first; then Grace is back home, told why, and cannot rejoin.
    questions: list[str] = []
    panel.confirm = lambda _title, question: questions.append(question) or False
    click(qtbot, buttons[("remove", "")])
    assert questions == ["Remove Grace Hopper from the meeting? They cannot join it again."]
    assert guest.vm.page == Page.MEETING
    panel.confirm = lambda _title, _question: True
    click(qtbot, buttons[("remove", "")])
    wait_page(qtbot, guest, Page.HOME)
    guest_home = guest.page(Page.HOME)
    assert isinstance(guest_home, HomePage)
    assert guest_home.status.text() == "A host removed you from the meeting."
    wait_for(qtbot, lambda: host.vm.meeting.participants.rowCount() == 1)
    guest.vm.meeting.join(code)
    wait_for(qtbot, lambda: guest_home.error.isVisible())
    assert "removed from this meeting" in guest_home.error.text()

    # The organiser cannot be removed: no action is offered for yourself.
    panel.select(host.vm.meeting.you)
    assert not any(button.isEnabled() for button in buttons.values())

    # End the meeting for everyone.
    click(qtbot, panel.end_meeting)
    wait_page(qtbot, host, Page.HOME)
    host_home = host.page(Page.HOME)
    assert isinstance(host_home, HomePage)
    assert host_home.status.text() == "The host ended the meeting for everyone."
    wait_for(qtbot, lambda: str(host_home.meetings.model().index(0, 3).data()).startswith("Ended "))


def test_closing_the_app_leaves_the_meeting_at_once(
    qtbot: QtBot, host_window: HostWindow, qt_loop: object, tmp_path: Path
) -> None:
    host = host_window()
    host.vm.meeting.start("Goodbye")
    wait_page(qtbot, host, Page.MEETING)
    guest = build_window(
        AppPaths(tmp_path / "g-data", tmp_path / "g-config"),
        server_url(host),
        media=(SyntheticDevices(), None),
    )
    qtbot.addWidget(guest)
    running = asyncio.ensure_future(run_window(guest, handle_signals=False))
    log_in(qtbot, guest, "grace")
    guest.vm.meeting.join(host.vm.meeting.join_code)
    wait_page(qtbot, guest, Page.MEETING)
    wait_for(qtbot, lambda: host.vm.meeting.participants.rowCount() == 2)

    guest.close()  # the app quits: it says goodbye rather than vanish for 30 s
    qtbot.waitUntil(running.done, timeout=WAIT_MS)
    running.result()
    wait_for(qtbot, lambda: host.vm.meeting.participants.rowCount() == 1)
