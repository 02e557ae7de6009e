"""Delete my account: explains the grace period and asks for the password."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from app.ui.dialogs import fit_height
from app.ui.form_fields import FieldRow
from app.ui.widgets import Banner, button, plain_label, title
from app.viewmodels.deletion_viewmodel import GRACE_EXPLAINED, DeletionViewModel


class DeleteAccountDialog(QDialog):
    """Closes itself when the server has taken the request; a wrong password keeps it open."""

    def __init__(self, vm: DeletionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setObjectName("deleteAccountDialog")
        self.setWindowTitle("Delete my account")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title("Delete your account?"))
        layout.addWidget(plain_label(GRACE_EXPLAINED, role="subtitle"))
        layout.addWidget(
            plain_label(
                "Before you go, you may want to download your data from the privacy page.",
                role="hint",
            )
        )
        self.error = Banner("error")
        layout.addWidget(self.error)
        self.password = FieldRow(
            {"name": "password", "label": "Your password, to confirm", "kind": "password"}
        )
        layout.addWidget(self.password)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.cancel = button("Keep my account", role="secondary")
        self.confirm = button("Delete my account", role="danger")
        self.confirm.setObjectName("confirmDeleteAccount")
        actions.addWidget(self.cancel)
        actions.addWidget(self.confirm)
        layout.addLayout(actions)

        self.cancel.clicked.connect(self.reject)
        self.confirm.clicked.connect(self._submit)
        self.password.edit.returnPressed.connect(self._submit)
        vm.errorChanged.connect(self._show_error)
        vm.fieldErrorsChanged.connect(self._show_field_errors)
        vm.busyChanged.connect(self._set_busy)
        vm.deleted.connect(lambda _message: self.accept())
        vm.formReset.connect(self._clear)

    def open(self) -> None:
        """Show (window-modal) at a height that fits the explanation."""
        self.resize(self.minimumWidth(), self.height())
        fit_height(self)
        super().open()

    def _show_error(self, message: str) -> None:
        self.error.show_message(message)
        fit_height(self)

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        self.password.set_error(errors.get("password", ""))
        fit_height(self)

    def _clear(self) -> None:
        self.password.edit.clear()
        self.password.set_error("")
        self.error.show_message("")
        self.password.edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.confirm.setEnabled(not busy)
        self.cancel.setEnabled(not busy)
        self.confirm.setText("Deleting…" if busy else "Delete my account")

    def _submit(self) -> None:
        password = self.password.edit.text()
        # The password leaves the widget only for this request.
        self.password.edit.clear()
        self._vm.delete(password)
