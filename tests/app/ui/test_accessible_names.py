"""Every control on every page has a name a screen reader can say (walks the widget trees)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings
from app.core.paths import AppPaths
from app.ui.main_window import MainWindow
from app.ui.register_page import RegisterPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.accessibility import controls, unnamed_controls
from tests.app.ui.conftest import OpenWindow, wait_for, wait_page


def unnamed_everywhere(window: MainWindow) -> list[str]:
    """Unnamed controls in the window (every page, shown or not) and in open dialogs."""
    found = unnamed_controls(window)
    for top in QApplication.topLevelWidgets():
        if top is not window and top.isVisible() and isinstance(top, QWidget):
            found += unnamed_controls(top)
    return found


def test_first_start_pages_name_every_control(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    """The first-start choice, then log-in and registration (fields from the server)."""
    window = open_window()
    wait_page(qtbot, window, Page.SETUP)
    assert len(controls(window)) > 30
    problems = unnamed_everywhere(window)
    assert not problems, "\n".join(problems)

    # Folders of its own: the first window, still starting, would read this choice too and
    # start a second server on the same database.
    own = AppPaths(tmp_path / "second-data", tmp_path / "second-config")
    window = open_window(choice=ClientSettings(), paths=own)
    wait_page(qtbot, window, Page.LOGIN)
    assert not unnamed_everywhere(window)
    window.vm.show_register()
    wait_page(qtbot, window, Page.REGISTER)
    register = window.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    wait_for(qtbot, lambda: register.form.rows)
    assert "email" in register.form.rows
    problems = unnamed_everywhere(window)
    assert not problems, "\n".join(problems)


def test_the_walker_finds_an_icon_only_button_and_an_unlabelled_field(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    icon_only, field, labelled = QToolButton(), QLineEdit(), QLineEdit()
    icon_only.setToolTip("Send")  # a tooltip is not a name
    label = QLabel("Subject")
    label.setBuddy(labelled)
    for widget in (icon_only, field, label, labelled, QComboBox()):
        layout.addWidget(widget)
    assert len(unnamed_controls(root)) == 3
    icon_only.setAccessibleName("Send")
    field.setAccessibleName("Message")
    assert [problem.split(" ")[0] for problem in unnamed_controls(root)] == ["QComboBox"]
