"""Change password: current one, then the new one twice."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.ui.form_fields import FieldRow, show_errors
from app.ui.widgets import Banner, Card, button, centered, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.password_viewmodel import PasswordViewModel

_FIELDS = (
    ("current_password", "Current password"),
    ("new_password", "New password"),
    ("repeat_password", "Repeat new password"),
)


class PasswordPage(QWidget):
    """Three password boxes, each with its own error line."""

    def __init__(
        self, app_vm: AppViewModel, vm: PasswordViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        card.body.addWidget(title("Change password"))
        card.body.addWidget(
            subtitle("After the change, Podium logs you out on your other devices.")
        )
        self.error = Banner("error")
        card.body.addWidget(self.error)
        self.rows = {
            name: FieldRow({"name": name, "label": label, "kind": "password"})
            for name, label in _FIELDS
        }
        for row in self.rows.values():
            card.body.addWidget(row)
        self.cancel = button("Cancel", role="secondary")
        self.submit = button("Change password")
        self.submit.setObjectName("changePasswordButton")
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.cancel)
        actions.addWidget(self.submit)
        card.body.addSpacing(4)
        card.body.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centered(card, max_width=480))

        self.submit.clicked.connect(self._submit)
        self.rows["repeat_password"].edit.returnPressed.connect(self._submit)
        self.cancel.clicked.connect(app_vm.show_profile)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(self._show_errors)
        vm.busyChanged.connect(self._set_busy)
        vm.formReset.connect(self._clear)

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_errors(self.rows.values(), errors)

    def _clear(self) -> None:
        for row in self.rows.values():
            row.edit.clear()
            row.set_error("")
        self.rows["current_password"].edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText("Changing…" if busy else "Change password")

    def _submit(self) -> None:
        values = [self.rows[name].edit.text() for name, _label in _FIELDS]
        self._vm.submit(*values)
