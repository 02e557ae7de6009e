"""A grid of labelled text fields, each with its own error line, built from field dicts.

An error shown under a field is checked again as the user types there, by the same rules the
form checks before sending: "Required." goes away once the field is filled.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from app.ui.widgets import plain_label
from app.viewmodels.field_rules import field_problem

_ECHO = {"password": QLineEdit.EchoMode.Password}
_HINTS = {"email": "name@example.org"}


class FieldRow(QWidget):
    """Label (with * when required), line edit and an error line below it."""

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = dict(spec)
        self.name = str(spec["name"])
        self.required = bool(spec.get("required"))
        label_text = str(spec.get("label") or self.name)
        self.label = plain_label(f"{label_text} *" if self.required else label_text, role="field")
        self.edit = QLineEdit()
        self.edit.setObjectName(f"field_{self.name}")
        self.edit.setAccessibleName(label_text)
        kind = str(spec.get("kind") or "text")
        self.edit.setEchoMode(_ECHO.get(kind, QLineEdit.EchoMode.Normal))
        self.edit.setPlaceholderText(_HINTS.get(kind, ""))
        limit = spec.get("max_length")
        if isinstance(limit, int) and limit > 0:
            # One more than allowed can be typed, so a paste that is too long is said, not cut.
            self.edit.setMaxLength(limit + 1)
        self.label.setBuddy(self.edit)
        self.error = plain_label(role="fieldError")
        self.error.setObjectName(f"error_{self.name}")
        self.error.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(self._recheck)

    def _recheck(self, text: str) -> None:
        if self.error.text():
            self.set_error(field_problem(self.spec, text))

    def set_error(self, message: str) -> None:
        """Show (or clear) this field's error and mark the edit as invalid."""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.edit.setProperty("invalid", bool(message))
        self.edit.setAccessibleDescription(message)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)


class FormFields(QWidget):
    """Two columns of FieldRows in the order given; rebuilt when the field list changes."""

    def __init__(self, columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._rows: dict[str, FieldRow] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(20)
        self._grid.setVerticalSpacing(12)

    @property
    def rows(self) -> dict[str, FieldRow]:
        """FieldRows by field name."""
        return dict(self._rows)

    def row(self, name: str) -> FieldRow:
        """One FieldRow by field name."""
        return self._rows[name]

    def set_fields(self, specs: list[dict[str, Any]]) -> None:
        """Replace the fields, keeping values already typed into fields that remain."""
        kept = self.values()
        for row in self._rows.values():
            self._grid.removeWidget(row)
            row.deleteLater()
        self._rows = {}
        for index, spec in enumerate(specs):
            row = FieldRow(spec, self)
            row.edit.setText(kept.get(row.name, ""))
            self._rows[row.name] = row
            # Top-aligned so an error line under one field never shifts its neighbour down.
            self._grid.addWidget(
                row, index // self._columns, index % self._columns, Qt.AlignmentFlag.AlignTop
            )
        for column in range(self._columns):
            self._grid.setColumnStretch(column, 1)
        self._fix_tab_order()

    def values(self) -> dict[str, str]:
        """Text of every field by name."""
        return {name: row.edit.text() for name, row in self._rows.items()}

    def set_values(self, values: dict[str, str]) -> None:
        """Fill fields by name; missing names become empty."""
        for name, row in self._rows.items():
            row.edit.setText(values.get(name) or "")

    def set_errors(self, errors: dict[str, str]) -> None:
        """Show each message beside its field, clear the others, and go to the first bad one."""
        for name, row in self._rows.items():
            row.set_error(errors.get(name, ""))
        edit = self.first_error_edit()
        if edit is not None:
            self._reveal(edit)
            edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reveal(self, edit: QLineEdit) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(edit)

    def set_enabled_fields(self, enabled: bool) -> None:
        """Lock the edits while a request runs."""
        for row in self._rows.values():
            row.edit.setEnabled(enabled)

    def first_error_edit(self) -> QLineEdit | None:
        """The first field (in form order) that shows an error."""
        for row in self._rows.values():
            if row.error.isVisibleTo(self):
                return row.edit
        return None

    def _fix_tab_order(self) -> None:
        # Tab should follow reading order (row by row), which is the field order.
        edits = [row.edit for row in self._rows.values()]
        for before, after in itertools.pairwise(edits):
            QWidget.setTabOrder(before, after)


def show_errors(rows: Iterable[FieldRow], errors: dict[str, str]) -> None:
    """For forms of loose FieldRows: show each row's error and go to the first bad row."""
    first = None
    for row in rows:
        row.set_error(errors.get(row.name, ""))
        if first is None and errors.get(row.name):
            first = row
    if first is not None:
        first.edit.setFocus(Qt.FocusReason.OtherFocusReason)


def legend() -> QLabel:
    """The explanation of the asterisk."""
    return plain_label("Fields marked * are required.", role="hint")
