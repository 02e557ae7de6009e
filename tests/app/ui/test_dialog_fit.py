"""Dialogs look like the app and fit: light question boxes, sizes within the window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import style_application
from app.ui.dialogs import fit_to_window, question_box


def test_a_question_box_over_the_meeting_is_light_with_styled_buttons(
    qtbot: QtBot, qapp: QApplication
) -> None:
    style_application(qapp)
    meeting = QWidget()
    meeting.setObjectName("meetingPage")
    qtbot.addWidget(meeting)
    box = question_box(meeting, "Remove participant", "Remove Grace Hopper from the meeting?")
    box.open()
    qtbot.waitUntil(box.isVisible)
    picture = box.grab().toImage()
    # The background is the app's white, not the platform's grey.
    assert picture.pixelColor(4, 4).name() == "#ffffff"
    yes = box.button(QMessageBox.StandardButton.Yes)
    no = box.button(QMessageBox.StandardButton.No)
    assert yes.property("role") == "primary" and no.property("role") == "secondary"
    centre = yes.mapTo(box, yes.rect().center())
    assert picture.pixelColor(centre.x() - yes.width() // 3, centre.y()).name() == "#2f5fd0"
    assert box.defaultButton() is no  # a destructive question defaults to No
    box.done(QMessageBox.StandardButton.No)


def test_a_dialog_is_never_taller_or_wider_than_its_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(640, 480)
    dialog = QDialog(window)
    QVBoxLayout(dialog)
    fit_to_window(dialog, 900, 780)
    assert dialog.width() <= 640 and dialog.height() <= 480
    window.resize(1280, 900)
    fit_to_window(dialog, 900, 780)
    assert (dialog.width(), dialog.height()) == (900, 780)
