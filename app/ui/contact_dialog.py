"""Add or edit one contact: the fields, notes, and errors beside them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from app.ui.dialogs import fit_height
from app.ui.form_fields import FormFields
from app.ui.widgets import Banner, button, plain_label, title
from app.viewmodels.contact_form_viewmodel import FIELD_SPECS, ContactFormViewModel


class ContactDialog(QDialog):
    """Closes itself once the server has saved the contact."""

    def __init__(self, vm: ContactFormViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setObjectName("contactDialog")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        self.heading = title("New contact")
        layout.addWidget(self.heading)
        layout.addWidget(
            plain_label(
                "Only you see your address book. Podium never e-mails your contacts.",
                role="hint",
            )
        )
        self.error = Banner("error")
        layout.addWidget(self.error)
        self.form = FormFields(columns=2)
        self.form.set_fields(list(FIELD_SPECS))
        layout.addWidget(self.form)
        layout.addWidget(plain_label("Notes", role="field"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("contactNotes")
        self.notes.setAccessibleName("Notes")
        self.notes.setFixedHeight(80)
        layout.addWidget(self.notes)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.cancel = button("Cancel", role="secondary")
        self.save = button("Save contact")
        self.save.setObjectName("saveContact")
        actions.addWidget(self.cancel)
        actions.addWidget(self.save)
        layout.addLayout(actions)

        self.cancel.clicked.connect(self.reject)
        self.save.clicked.connect(self._save)
        vm.prepared.connect(self._fill)
        vm.saved.connect(lambda _row, _created: self.accept())
        vm.errorChanged.connect(self._show_error)
        vm.fieldErrorsChanged.connect(self._show_field_errors)
        vm.busyChanged.connect(lambda busy: self.save.setEnabled(not busy))

    def open(self) -> None:
        """Show (window-modal) at a height that fits the form."""
        fit_height(self)
        super().open()

    def _show_error(self, message: str) -> None:
        self.error.show_message(message)
        fit_height(self)

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
        fit_height(self)

    def _fill(self, values: dict[str, str]) -> None:
        editing = self._vm.contact_id is not None
        self.heading.setText("Edit contact" if editing else "New contact")
        self.setWindowTitle(self.heading.text())
        self.form.set_values(values)
        self.form.set_errors({})
        self.notes.setPlainText(values.get("notes", ""))
        self.error.show_message("")
        self.form.row("first_name").edit.setFocus()

    def _save(self) -> None:
        self._vm.save({**self.form.values(), "notes": self.notes.toPlainText()})
