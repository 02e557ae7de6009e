"""Chat both ways with bots, as plain text only; private messages reach only their recipient."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QTextBrowser
from pytestqt.qtbot import QtBot

from app.models.chat_model import ChatRole
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, rich_text_labels, type_into
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import meeting_page, server_url


def messages(vm: MeetingViewModel) -> list[QModelIndex]:
    """The chat's messages from people, without system lines such as "Grace Hopper joined"."""
    rows = (vm.chat.index(row) for row in range(vm.chat.rowCount()))
    return [index for index in rows if not index.data(ChatRole.SYSTEM)]


MARKUP = '<b>bold</b> <a href="https://example.org/x">https://example.org/x</a> & <img src=x>'


def test_chat_with_bots_in_plain_text_and_privately(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm.meeting
    vm.start("Chat")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    url = server_url(window)
    # Grace stays 8 s (not stopped early), so her report shows our media arriving.
    grace = bots(url, "grace", vm.join_code, "--chat", MARKUP, "--seconds", "8")
    alan = bots(url, "alan", vm.join_code, "--publish", "none")

    # Grace's message arrives while the chat is closed: the button counts it.
    wait_for(qtbot, lambda: len(messages(vm)) == 1)
    assert page.toolbar.action("chat").text() == "Chat (1)"
    click(qtbot, page.toolbar.buttons["chat"])
    assert page.chat.isVisible() and page.toolbar.action("chat").text() == "Chat"
    index = messages(vm)[0]
    assert index.data(ChatRole.SENDER) == "Grace Hopper"
    assert index.data(ChatRole.BODY) == MARKUP  # kept exactly, shown as the characters typed
    assert index.data(Qt.ItemDataRole.DisplayRole) == MARKUP
    # Nothing in the meeting window interprets markup or follows links.
    assert rich_text_labels(page) == []
    assert page.findChildren(QTextBrowser) == []
    assert not any(label.openExternalLinks() for label in page.findChildren(QLabel))

    # Typed in the panel, sent to everyone.
    wait_for(qtbot, lambda: page.chat.recipient.count() == 3)  # Everyone, Grace, Alan
    assert page.chat.recipient.currentText() == "Everyone"
    type_into(qtbot, page.chat.input, "Hello everyone")
    qtbot.keyClick(page.chat.input, Qt.Key.Key_Return)
    wait_for(qtbot, lambda: len(messages(vm)) == 2)
    assert page.chat.input.text() == ""
    mine = messages(vm)[1]
    assert mine.data(ChatRole.MINE) and mine.data(ChatRole.PRIVATE) == ""

    # Privately to Alan.
    page.chat.recipient.setCurrentIndex(page.chat.recipient.findText("Alan Turing (privately)"))
    assert "Alan Turing privately" in page.chat.input.placeholderText()
    type_into(qtbot, page.chat.input, "Just between us")
    click(qtbot, page.chat.send)
    wait_for(qtbot, lambda: len(messages(vm)) == 3)
    assert messages(vm)[2].data(ChatRole.PRIVATE) == "Privately to Alan Turing"

    grace_report = grace.report(qtbot, stop=False)
    alan_report = alan.report(qtbot)
    assert {"from": vm.you, "text": "Hello everyone"} in grace_report["chat_received"]
    assert all(m["text"] != "Just between us" for m in grace_report["chat_received"])
    assert {"from": vm.you, "text": "Just between us"} in alan_report["chat_received"]
    # Grace also received our camera and microphone.
    received = grace_report["received"][vm.you]
    assert received["video_frames"] > 0 and received["audio_frames"] > 0
