"""Accessibility in use: every control named on every page and dialog a member reaches, with a
bot in the meeting; and the meeting driven from the keyboard alone."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app.ui.contacts_page import ContactsPage
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.prejoin_page import PrejoinPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.accessibility import controls, unnamed_controls
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, type_into
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import meeting_page, server_url


def unnamed(window: MainWindow) -> list[str]:
    """Unnamed controls in the window (every page, shown or not) and in open windows."""
    found = unnamed_controls(window)
    for top in QApplication.topLevelWidgets():
        if top is not window and top.isVisible() and isinstance(top, QWidget):
            found += unnamed_controls(top)
    return found


def check(window: MainWindow, where: str, seen: dict[str, list[str]]) -> None:
    """Collect what is unnamed at this point of the walk."""
    problems = unnamed(window)
    if problems:
        seen[where] = problems


def close(qtbot: QtBot, dialog: QDialog) -> None:
    dialog.reject()
    wait_for(qtbot, lambda: not dialog.isVisible())


def test_every_page_and_dialog_names_its_controls(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm
    seen: dict[str, list[str]] = {}
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    wait_for(qtbot, lambda: not vm.home.busy)
    check(window, "home", seen)

    vm.show_profile()
    wait_page(qtbot, window, Page.PROFILE)
    wait_for(qtbot, lambda: vm.profile.fields)
    check(window, "profile", seen)
    vm.show_password()
    wait_page(qtbot, window, Page.PASSWORD)
    check(window, "password", seen)
    vm.show_privacy()
    wait_page(qtbot, window, Page.PRIVACY)
    check(window, "privacy", seen)
    vm.show_contacts()
    wait_page(qtbot, window, Page.CONTACTS)
    contacts = window.page(Page.CONTACTS)
    assert isinstance(contacts, ContactsPage)
    click(qtbot, contacts.add)
    wait_for(qtbot, contacts.contact_dialog.isVisible)
    check(window, "contact dialog", seen)
    close(qtbot, contacts.contact_dialog)

    # A meeting with a bot: the device check, the meeting, its panels and dialogs.
    vm.show_home()
    wait_page(qtbot, window, Page.HOME)
    type_into(qtbot, home.subject.edit, "Named controls")
    click(qtbot, home.start)
    wait_page(qtbot, window, Page.PREJOIN)
    prejoin = window.page(Page.PREJOIN)
    assert isinstance(prejoin, PrejoinPage)
    check(window, "prejoin", seen)
    click(qtbot, prejoin.join)
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    bots(server_url(window), "grace", vm.meeting.join_code)
    wait_for(qtbot, lambda: len(page.grid.camera_tiles()) == 2)
    page.show_people()
    wait_for(qtbot, lambda: vm.meeting.participants.rowCount() == 2)
    check(window, "meeting, people", seen)
    page.show_chat()
    check(window, "meeting, chat", seen)
    share = page.open_share_dialog()
    wait_for(qtbot, share.isVisible)
    check(window, "share dialog", seen)
    close(qtbot, share)
    device = page.open_device_dialog()
    wait_for(qtbot, device.isVisible)
    check(window, "settings dialog", seen)
    close(qtbot, device)
    page.request_leave()
    leave = page.leave_dialog
    assert leave is not None
    wait_for(qtbot, leave.isVisible)
    check(window, "leave dialog", seen)
    click(qtbot, leave.leave)
    wait_page(qtbot, window, Page.HOME)

    assert len(controls(window)) > 100
    report = [f"{where}:\n  " + "\n  ".join(found) for where, found in seen.items()]
    assert not seen, "\n".join(report)
