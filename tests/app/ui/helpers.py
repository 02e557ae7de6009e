"""Driving the window like a person: type into fields, click buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.ui.form_fields import FormFields


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace the edit's text by typing."""
    edit.clear()
    qtbot.keyClicks(edit, text)


def fill(qtbot: QtBot, form: FormFields, values: dict[str, str]) -> None:
    """Type each value into the field of that name."""
    for name, value in values.items():
        type_into(qtbot, form.row(name).edit, value)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """A left click on an enabled, visible button."""
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown_errors(form: FormFields) -> dict[str, str]:
    """Field name → error text, for the error lines visible under the fields."""
    return {
        name: row.error.text() for name, row in form.rows.items() if row.error.isVisibleTo(form)
    }


def rich_text_labels(root: QWidget) -> list[str]:
    """Texts of labels under root that would interpret markup (there should be none)."""
    return [
        label.text()
        for label in root.findChildren(QLabel)
        if label.textFormat() != Qt.TextFormat.PlainText
    ]
