"""Who comes and goes (notices and chat lines with bots), and the meeting in a 640×480 window."""

from __future__ import annotations

import json

from av import AudioFrame
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.core.notice_prefs import NOTICE_FILE
from app.core.paths import AppPaths
from app.models.chat_model import ChatRole
from app.ui.meeting_page import MeetingPage
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.presence import CHIME_VOICE
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import Observer, meeting_page, run, server_url


class Speakers:
    """Stands in for the sound card: which voices it was asked to play."""

    def __init__(self, device_id: object) -> None:
        self.available = True
        self.voices: list[str] = []

    def feed(self, participant: str, frame: AudioFrame) -> None:
        self.voices.append(participant)

    def close(self) -> None:
        self.available = False


def system_lines(page: MeetingPage) -> list[str]:
    """The chat's system lines ("Bob joined"), oldest first."""
    chat = page.vm.chat
    return [
        str(chat.index(row).data(ChatRole.BODY))
        for row in range(chat.rowCount())
        if chat.index(row).data(ChatRole.SYSTEM)
    ]


def clipped_labels(root: QWidget) -> list[str]:
    """Visible one-line labels whose text is wider than the label (cut off on screen)."""
    found = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text():
            continue
        margins = label.contentsMargins()
        room = label.width() - margins.left() - margins.right()
        if QFontMetrics(label.font()).horizontalAdvance(label.text()) > room + 1:
            found.append(label.text())
    return found


def test_joins_leaves_and_hands_are_noticed_and_in_the_chat(
    qtbot: QtBot,
    host_window: HostWindow,
    bots: StartBot,
    observer: Observer,
    app_paths: AppPaths,
) -> None:
    speakers: list[Speakers] = []

    def player_factory(device_id: object) -> Speakers:
        speakers.append(Speakers(device_id))
        return speakers[-1]

    window = host_window(SyntheticDevices(), player_factory)
    vm = window.vm.meeting
    vm.start("Who is here")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    url = server_url(window)
    assert system_lines(page) == []  # starting a meeting announces nobody, not even you

    grace = bots(url, "grace", vm.join_code, "--publish", "none")
    wait_for(qtbot, lambda: "Grace Hopper joined" in page.toasts.texts())
    assert page.toasts.isVisible()
    assert system_lines(page) == ["Grace Hopper joined"]
    # A system line has no sender and does not count as an unread message.
    line = vm.chat.index(0)
    assert line.data(ChatRole.SENDER) == "" and not line.data(ChatRole.MINE)
    assert page.toolbar.action("chat").text() == "Chat"
    # The notice goes by itself after a few seconds.
    wait_for(qtbot, lambda: page.toasts.texts() == [])
    assert not page.toasts.isVisible()

    run(qtbot, observer.join(url, "alan", vm.join_code))
    wait_for(qtbot, lambda: "Alan Turing joined" in system_lines(page))
    assert observer.call is not None
    run(qtbot, observer.call.raise_hand(True))
    wait_for(qtbot, lambda: "Alan Turing raised their hand" in page.toasts.texts())
    grace.report(qtbot)
    wait_for(qtbot, lambda: "Grace Hopper left" in page.toasts.texts())
    assert system_lines(page) == [
        "Grace Hopper joined",
        "Alan Turing joined",
        "Alan Turing raised their hand",
        "Grace Hopper left",
    ]
    # Shown in the chat panel, centred and plain.
    page.show_chat()
    assert page.chat.isVisible()

    # The sound is off by default; turned on, the choice is kept for next time.
    sound = page.toolbar.action("sound")
    assert not vm.presence.sound and not sound.isChecked()
    assert speakers and all(CHIME_VOICE not in s.voices for s in speakers)
    sound.trigger()
    assert vm.presence.sound
    saved = json.loads((app_paths.config_dir / NOTICE_FILE).read_text())
    assert saved == {"sound": True}
    run(qtbot, observer.call.raise_hand(False))
    run(qtbot, observer.call.raise_hand(True))  # with the sound on, a notice still shows
    wait_for(qtbot, lambda: system_lines(page).count("Alan Turing raised their hand") == 2)
    assert CHIME_VOICE in speakers[-1].voices  # the chime went to the speakers


def test_a_640_by_480_window_stays_usable(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm.meeting
    vm.start("A rather long subject for a meeting in a small window")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    url = server_url(window)
    bots(url, "grace", vm.join_code, "--share", "testsrc")
    bots(url, "alan", vm.join_code, "--publish", "none")
    wait_for(qtbot, lambda: vm.participants.rowCount() == 3)
    wait_for(qtbot, lambda: vm.stage != "")
    page.show_chat()
    assert page.chat.isVisible() and page.grid.isVisible()

    window.resize(640, 480)
    wait_for(qtbot, lambda: window.width() == 640 and window.height() == 480)
    wait_for(qtbot, lambda: page.toolbar.compact)
    # The open side panel folded away; opened again, it takes the place of the video.
    assert not page.chat.isVisible() and page.grid.isVisible()
    page.show_chat()
    assert page.chat.isVisible() and not page.grid.isVisible()
    wait_for(qtbot, lambda: page.side.geometry().right() < page.width())  # once laid out
    page.show_chat(False)
    assert page.grid.isVisible()

    # Every toolbar button is inside the window, with an icon and a tooltip that says what it does.
    for name, tool in page.toolbar.buttons.items():
        assert tool.isVisible(), name
        assert tool.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly, name
        assert not tool.icon().isNull() and tool.toolTip(), name
        assert tool.mapTo(page, tool.rect().bottomRight()).x() <= page.width(), name
    # Nothing in the meeting window is cut off: no one-line label wider than its place
    # (once the layout has caught up with the new size).
    wait_for(qtbot, lambda: clipped_labels(page) == [])
    # The long subject is shortened on purpose, the whole of it in the tooltip.
    assert page.subject.text().endswith("…")
    assert page.subject.toolTip() == "A rather long subject for a meeting in a small window"
    buttons = [b for b in page.top.findChildren(QAbstractButton) if b.isVisible()]
    assert all(b.text() or b.toolTip() for b in buttons)

    # Back to a large window: labels return.
    window.resize(1280, 800)
    wait_for(qtbot, lambda: not page.toolbar.compact)
    assert (
        page.toolbar.buttons["chat"].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon
    )
    wait_for(qtbot, lambda: clipped_labels(page) == [])  # once the layout has caught up


def test_full_screen_with_f11_and_back_with_escape(qtbot: QtBot, host_window: HostWindow) -> None:
    window = host_window()
    window.vm.meeting.start("Full screen")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    window.activateWindow()
    qtbot.keyClick(page, Qt.Key.Key_F11)
    wait_for(qtbot, window.isFullScreen)
    assert page.toolbar.action("fullscreen").isChecked()
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    wait_for(qtbot, lambda: not window.isFullScreen())
    assert not page.toolbar.action("fullscreen").isChecked()
    page.toolbar.action("fullscreen").trigger()
    wait_for(qtbot, window.isFullScreen)
    window.vm.meeting.leave()
    wait_page(qtbot, window, Page.HOME)
    assert not window.isFullScreen()  # leaving the meeting gives the window back
