"""Standard questions (where to save, which file to open, yes or no) and dialog sizing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget


def fit_height(dialog: QDialog) -> None:
    """Make a dialog tall enough for its wrapped text at its current width (never shorter)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def fit_to_window(dialog: QDialog, width: int, height: int, margin: int = 40) -> None:
    """Size a dialog to width×height, but never larger than the window it opens over."""
    parent = dialog.parentWidget()
    if parent is not None:
        window = parent.window()
        width = min(width, window.width() - margin)
        height = min(height, window.height() - margin)
    least = dialog.minimumSizeHint()
    dialog.resize(max(width, least.width()), max(height, least.height()))


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    """Ask where to save a file; "" when the member cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


def ask_open_path(parent: QWidget, title: str, filters: str) -> str:
    """Ask which file to open; "" when the member cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


def question_box(parent: QWidget, title: str, question: str) -> QMessageBox:
    """A Yes/No box in the app's style (style.qss: QMessageBox#question), No by default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    box.setObjectName("question")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    for which, role in (
        (QMessageBox.StandardButton.Yes, "primary"),
        (QMessageBox.StandardButton.No, "secondary"),
    ):
        choice = box.button(which)
        choice.setProperty("role", role)
        # The buttons were polished when created: style them again for their role.
        choice.style().unpolish(choice)
        choice.style().polish(choice)
    return box


def ask_confirmation(parent: QWidget, title: str, question: str) -> bool:
    """A Yes/No question; True for Yes."""
    return question_box(parent, title, question).exec() == QMessageBox.StandardButton.Yes
