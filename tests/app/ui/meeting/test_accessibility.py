"""Accessibility in use: every control named on every page and dialog a member reaches, with a
bot in the meeting; and the meeting driven from the keyboard alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models.participants_model import ParticipantRole
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

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


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


def press(qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
    """A key press where a person's would land: the focused widget, in an open dialog if any."""
    modal = QApplication.activeModalWidget() or QApplication.activePopupWidget()
    target: QWidget | None
    if modal is not None:
        # Offscreen windows are not activated on show as a desktop's would be.
        focused = modal.focusWidget()
        target = focused if focused is not None and focused.isVisible() else modal
    else:
        target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifiers)


def tab_chain(qtbot: QtBot, limit: int = 80) -> list[QWidget]:
    """The widgets Tab visits from the focused one, once round (the focused one included)."""
    start = QApplication.focusWidget()
    assert start is not None
    visited: list[QWidget] = [start]
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is None or widget in visited:
            break
        visited.append(widget)
    return visited


def tab_to(qtbot: QtBot, target: QWidget, limit: int = 80) -> None:
    """Press Tab until the target has the focus."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reaches {target.objectName() or target}")


# The offscreen platform cannot raise a popup menu or grab the keyboard for it; harmless here.
@pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)
def test_the_meeting_works_from_the_keyboard_alone(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm.meeting
    vm.start("Keyboard only")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    toolbar = page.toolbar
    window.activateWindow()
    wait_for(qtbot, lambda: QApplication.activeWindow() is window)
    bots(server_url(window), "grace", vm.join_code, "--publish", "none")
    wait_for(qtbot, lambda: vm.participants.rowCount() == 2)
    toolbar.buttons["mic"].setFocus(Qt.FocusReason.TabFocusReason)
    wait_for(qtbot, toolbar.buttons["mic"].hasFocus)

    # Shortcuts: microphone, camera, hand.
    mic, camera, hand = (toolbar.action(name) for name in ("mic", "camera", "hand"))
    assert mic.isChecked() and camera.isChecked() and not hand.isChecked()
    press(qtbot, Qt.Key.Key_D, CTRL)
    wait_for(qtbot, lambda: not mic.isChecked())
    press(qtbot, Qt.Key.Key_E, CTRL)
    wait_for(qtbot, lambda: not camera.isChecked())
    press(qtbot, Qt.Key.Key_H, CTRL | SHIFT)
    wait_for(qtbot, hand.isChecked)

    # Tab goes round every toolbar button and the top bar's copy buttons.
    visited = tab_chain(qtbot)
    for name, tool in toolbar.buttons.items():
        assert tool in visited, f"Tab skips the {name} button"
    assert page.copy in visited

    # A focused button works with Space: the microphone comes back on.
    tab_to(qtbot, toolbar.buttons["mic"])
    press(qtbot, Qt.Key.Key_Space)
    wait_for(qtbot, mic.isChecked)

    # Chat: the shortcut opens it with the cursor in the message box; Enter sends.
    before = vm.chat.rowCount()
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    wait_for(qtbot, page.chat.isVisible)
    assert QApplication.focusWidget() is page.chat.input
    qtbot.keyClicks(page.chat.input, "typed, not clicked")
    press(qtbot, Qt.Key.Key_Return)
    wait_for(qtbot, lambda: vm.chat.rowCount() == before + 1)
    # The side panel's controls are in the Tab chain too.
    visited = tab_chain(qtbot)
    assert page.chat.recipient in visited and page.chat.send in visited

    # People: the list takes arrow keys; the host's actions are reachable by Tab.
    press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)
    wait_for(qtbot, page.people.isVisible)
    tab_to(qtbot, page.people.list)
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Down)
    wait_for(qtbot, lambda: page.people.list.currentIndex().isValid())
    remove = next(b for b in page.people.action_buttons.values() if b.text() == "Remove…")
    wait_for(qtbot, remove.isEnabled)
    assert remove in tab_chain(qtbot)
    # Pin whoever is chosen, with Tab and Space.
    chosen = str(page.people.list.currentIndex().data(ParticipantRole.ID))
    tab_to(qtbot, page.people.pin_button)
    press(qtbot, Qt.Key.Key_Space)
    wait_for(qtbot, lambda: vm.layout.pinned == chosen)
    # Speaker view has its shortcut.
    assert not vm.layout.speaker_view
    press(qtbot, Qt.Key.Key_V, CTRL | SHIFT)
    wait_for(qtbot, lambda: vm.layout.speaker_view)

    # Share and Settings open from the keyboard and Esc closes them.
    press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    wait_for(qtbot, lambda: page.share_dialog is not None and page.share_dialog.isVisible())
    press(qtbot, Qt.Key.Key_Escape)
    wait_for(qtbot, lambda: page.share_dialog is None)
    press(qtbot, Qt.Key.Key_Comma, CTRL)
    wait_for(qtbot, lambda: page.device_dialog is not None and page.device_dialog.isVisible())
    press(qtbot, Qt.Key.Key_Escape)
    wait_for(qtbot, lambda: page.device_dialog is None)

    # More: Space opens its menu (which runs until closed), Esc closes it.
    tab_to(qtbot, toolbar.buttons["more"])
    menu_seen: list[bool] = []

    def in_menu() -> None:
        menu_seen.append(toolbar.more_menu.isVisible())
        press(qtbot, Qt.Key.Key_Escape)

    QTimer.singleShot(0, in_menu)
    press(qtbot, Qt.Key.Key_Space)
    assert menu_seen == [True] and not toolbar.more_menu.isVisible()
    # A desktop gives the window back the keyboard when a menu closes; offscreen, we do.
    window.activateWindow()
    wait_for(qtbot, lambda: QApplication.focusWidget() is toolbar.buttons["more"])

    # Leave: the shortcut asks; Esc stays; asked again, Enter takes the default (Leave).
    press(qtbot, Qt.Key.Key_L, CTRL | SHIFT)
    wait_for(qtbot, lambda: page.leave_dialog is not None and page.leave_dialog.isVisible())
    press(qtbot, Qt.Key.Key_Escape)
    wait_for(qtbot, lambda: page.leave_dialog is None or not page.leave_dialog.isVisible())
    assert window.vm.page == Page.MEETING
    press(qtbot, Qt.Key.Key_L, CTRL | SHIFT)
    wait_for(qtbot, lambda: page.leave_dialog is not None and page.leave_dialog.isVisible())
    press(qtbot, Qt.Key.Key_Return)
    wait_page(qtbot, window, Page.HOME)
