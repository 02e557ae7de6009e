"""Ending: a host's Leave asks (leave, or end for everyone); My meetings says when one ended."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.api import ApiClient
from app.ui.home_page import ENDED_NOT_JOINABLE, HomePage
from app.ui.leave_dialog import LeaveDialog
from app.ui.main_window import MainWindow
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.time_text import date_time_text
from tests.app.ui.conftest import WAIT_MS, OpenWindow, wait_for, wait_page
from tests.app.ui.helpers import click
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import (
    PASSWORD,
    Bot,
    Observer,
    meeting_page,
    participant_named,
    run,
    server_url,
)
from tests.app.ui.meeting.test_host_actions import attendee_window

EXIT_MEETING_ENDED = 4  # podium-bot's status when the meeting ends (README)


def start_with_bot(
    qtbot: QtBot, window: MainWindow, subject: str, bots: StartBot, login: str
) -> Bot:
    """Ada starts a meeting and a receive-only podium-bot joins it."""
    vm = window.vm.meeting
    vm.start(subject)
    wait_page(qtbot, window, Page.MEETING)
    return bots(server_url(window), login, vm.join_code, "--publish", "none")


def ask_to_leave(qtbot: QtBot, window: MainWindow) -> LeaveDialog:
    """Press Leave in the toolbar; a host gets the question."""
    page = meeting_page(window)
    click(qtbot, page.toolbar.buttons["leave"])
    dialog = page.leave_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


async def ended_at(base_url: str, join_code: str) -> str:
    """When the server says Ada's meeting ended (ISO 8601 UTC)."""
    async with ApiClient(base_url) as api:
        await api.login("ada", PASSWORD)
        (meeting,) = [m for m in await api.my_meetings() if m.join_code == join_code]
    assert meeting.ended_at is not None
    return meeting.ended_at


def test_a_host_ends_the_meeting_for_everyone_from_leave(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm.meeting
    bot = start_with_bot(qtbot, window, "All hands", bots, "grace")
    code = vm.join_code
    wait_for(qtbot, lambda: participant_named(vm, "Grace Hopper") is not None)

    # Leave asks first; Escape (or Cancel) keeps you in the meeting.
    dialog = ask_to_leave(qtbot, window)
    buttons = (dialog.cancel, dialog.leave, dialog.end)
    assert [b.accessibleName() for b in buttons] == ["Cancel", "Leave meeting", "End for everyone"]
    assert all(b.accessibleDescription() for b in buttons)
    assert dialog.focusWidget() is dialog.leave  # Enter would only leave
    assert dialog.end.property("role") == "danger"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.vm.page == Page.MEETING and bot.process.poll() is None

    # From the keyboard: Tab to "End for everyone", Enter.
    dialog = ask_to_leave(qtbot, window)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.end
    qtbot.keyClick(dialog.end, Qt.Key.Key_Return)
    wait_page(qtbot, window, Page.HOME)
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    assert home.status.text() == "The host ended the meeting for everyone."

    # The bot is told: its process exits at once, saying why.
    qtbot.waitUntil(lambda: bot.process.poll() is not None, timeout=WAIT_MS)
    assert bot.process.returncode == EXIT_MEETING_ENDED, bot.log.read_text()
    assert "podium-bot: the meeting has ended" in bot.log.read_text()

    # My meetings: Ended, at the time the server recorded, in this computer's time zone.
    when = run(qtbot, ended_at(server_url(window), code))
    status = home.meetings.model().index(0, 3)
    wait_for(qtbot, lambda: status.data() == f"Ended {date_time_text(when)}")
    assert home.selected_code() == code and not home.join_selected.isEnabled()
    row = home.meetings.visualRect(status).center()
    for press in (qtbot.mouseClick, qtbot.mouseDClick):  # a double-click, as Qt sees one
        press(home.meetings.viewport(), Qt.MouseButton.LeftButton, pos=row)
    wait_for(qtbot, lambda: home.error.text() == ENDED_NOT_JOINABLE)
    assert window.vm.page == Page.HOME


def test_a_host_who_just_leaves_leaves_the_meeting_going(
    qtbot: QtBot,
    host_window: HostWindow,
    bots: StartBot,
    observer: Observer,
    open_window: OpenWindow,
    tmp_path: Path,
) -> None:
    window = host_window()
    vm = window.vm.meeting
    bot = start_with_bot(qtbot, window, "Drop-in", bots, "alan")
    code = vm.join_code
    wait_for(qtbot, lambda: participant_named(vm, "Alan Turing") is not None)

    # Someone who is not a host just leaves: no question.
    grace = attendee_window(qtbot, open_window, window, tmp_path)
    grace.vm.meeting.join(code)
    wait_page(qtbot, grace, Page.MEETING)
    click(qtbot, meeting_page(grace).toolbar.buttons["leave"])
    wait_page(qtbot, grace, Page.HOME)
    assert meeting_page(grace).leave_dialog is None

    # The host chooses Leave: home, and the meeting goes on without them.
    click(qtbot, ask_to_leave(qtbot, window).leave)
    wait_page(qtbot, window, Page.HOME)
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    assert home.status.text() == "You left the meeting."
    run(qtbot, observer.join(server_url(window), "edsger", code))
    assert observer.sees("Alan Turing") is not None and observer.sees("Ada Lovelace") is None
    assert bot.process.poll() is None
    wait_for(qtbot, lambda: home.meetings.model().index(0, 3).data() == "Open")
    assert home.join_selected.isEnabled()
    assert bot.report(qtbot)["outcome"] == "left"  # stopped by us: status 0
