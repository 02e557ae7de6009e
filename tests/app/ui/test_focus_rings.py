"""A control with keyboard focus looks different: the stylesheet's ring is really drawn."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QTabBar,
    QTableView,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.bootstrap import style_application
from app.core.resources import read_resource


def _push(role: str) -> Callable[[], QWidget]:
    def make() -> QWidget:
        widget = QPushButton("Save")
        widget.setProperty("role", role)
        return widget

    return make


def _meeting_tool() -> QWidget:
    widget = QToolButton()
    widget.setText("Mute")
    widget.setProperty("role", "meetingTool")
    return widget


def _table() -> QWidget:
    table = QTableView()
    table.setModel(QStandardItemModel(2, 2, table))
    return table


def _tabs() -> QWidget:
    bar = QTabBar()
    bar.addTab("One")
    bar.addTab("Two")
    return bar


CONTROLS: dict[str, Callable[[], QWidget]] = {
    "primary button": _push("primary"),
    "secondary button": _push("secondary"),
    "link button": _push("link"),
    "danger button": _push("danger"),
    "tool button": lambda: _tool(),
    "line edit": QLineEdit,
    "text edit": QTextEdit,
    "plain text edit": QPlainTextEdit,
    "combo box": lambda: _combo(),
    "check box": lambda: QCheckBox("Remember me"),
    "radio button": lambda: QRadioButton("Just me"),
    "table": _table,
    "list": QListView,
    "slider": lambda: QSlider(Qt.Orientation.Horizontal),
    "tab bar": _tabs,
}


def _tool() -> QWidget:
    widget = QToolButton()
    widget.setText("Tool")
    return widget


def _combo() -> QWidget:
    box = QComboBox()
    box.addItems(["Camera 1", "Camera 2"])
    return box


def _focused_and_not(qtbot: QtBot, holder: QWidget, widget: QWidget) -> tuple[QImage, QImage]:
    layout = QVBoxLayout(holder)
    # Something else to hold the focus first.
    other = QLineEdit()
    layout.addWidget(other)
    layout.addWidget(widget)
    qtbot.addWidget(holder)
    holder.resize(320, 160)
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    other.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(other.hasFocus)
    before = widget.grab().toImage()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    return before, widget.grab().toImage()


@pytest.mark.parametrize("theme", ["normal", "high contrast"])
@pytest.mark.parametrize("kind", list(CONTROLS))
def test_focus_changes_how_a_control_looks(
    qtbot: QtBot, qapp: QApplication, kind: str, theme: str
) -> None:
    style_application(qapp)
    if theme == "high contrast":
        qapp.setStyleSheet(read_resource("style.qss") + read_resource("high-contrast.qss"))
    before, after = _focused_and_not(qtbot, QWidget(), CONTROLS[kind]())
    assert before.size() == after.size()
    assert before != after, f"a focused {kind} looks the same as an unfocused one"


def test_meeting_toolbar_buttons_show_focus_on_the_dark_screen(
    qtbot: QtBot, qapp: QApplication
) -> None:
    style_application(qapp)
    page = QWidget()
    page.setObjectName("meetingPage")
    before, after = _focused_and_not(qtbot, page, _meeting_tool())
    assert before != after
    # The ring is the light blue of the dark theme, somewhere along the button's edge.
    ring = {after.pixelColor(x, after.height() // 2).name() for x in range(4)}
    assert "#8ab4ff" in ring, ring
