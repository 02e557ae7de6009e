"""Testimonials: write one with an explicit consent box, see mine and their status, withdraw."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from app.models.text_table_model import KEY_ROLE
from app.ui.tables import fit_rows, list_table
from app.ui.widgets import Banner, Card, button, plain_label
from app.viewmodels.testimonials_viewmodel import MAX_NAME, TestimonialsViewModel

CONSENT_TEXT = "I agree that Podium publishes this testimonial"
CONSENT_HINT = (
    "Signed with the name above, on the public testimonials page, once approved. You can "
    "withdraw it here at any time."
)


class TestimonialsCard(Card):
    """My testimonials on top, then the form to add one."""

    def __init__(self, vm: TestimonialsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.body.addWidget(plain_label("Testimonials", role="cardTitle", wrap=False))
        self.body.addWidget(
            plain_label(
                "Tell others what you think of Podium. A testimonial is published only with your "
                "consent and after an administrator approved it; withdrawing removes it at once.",
                role="hint",
            )
        )
        self.table = list_table(vm.model, "myTestimonials", stretch=1)
        self.table.setAccessibleName("Your testimonials")
        fit_rows(self.table, 5)
        self.none = plain_label("You have not written a testimonial.", role="hint")
        self.withdraw = button("Withdraw", role="secondary")
        self.withdraw.setObjectName("withdrawTestimonial")
        self.body.addWidget(self.table)
        self.body.addWidget(self.none)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.withdraw)
        self.body.addLayout(row)

        self.body.addWidget(plain_label("Write a testimonial", role="field"))
        self.text = QPlainTextEdit()
        self.text.setObjectName("testimonialText")
        self.text.setAccessibleName("Testimonial text")
        self.text.setPlaceholderText("What do you like about Podium?")
        self.text.setFixedHeight(72)
        self.body.addWidget(self.text)
        self.text_error = plain_label(role="fieldError")
        self.body.addWidget(self.text_error)
        self.signature = QLineEdit()
        self.signature.setObjectName("testimonialName")
        self.signature.setAccessibleName("Name shown with the testimonial")
        self.signature.setPlaceholderText("Signed as, e.g. Ada L., London")
        self.signature.setMaxLength(MAX_NAME)
        self.body.addWidget(self.signature)
        self.signature_error = plain_label(role="fieldError")
        self.body.addWidget(self.signature_error)
        self.consent = QCheckBox(CONSENT_TEXT)
        self.consent.setObjectName("testimonialConsent")
        self.body.addWidget(self.consent)
        consent_hint = plain_label(CONSENT_HINT, role="hint")
        consent_hint.setContentsMargins(28, 0, 0, 0)
        self.body.addWidget(consent_hint)
        self.consent_error = plain_label(role="fieldError")
        self.body.addWidget(self.consent_error)

        self.status = Banner("success")
        self.status.setObjectName("testimonialsStatus")
        self.error = Banner("error")
        self.body.addWidget(self.status)
        self.body.addWidget(self.error)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.submit = button("Send testimonial")
        self.submit.setObjectName("sendTestimonial")
        actions.addWidget(self.submit)
        self.body.addLayout(actions)

        self.submit.clicked.connect(self._submit)
        self.withdraw.clicked.connect(self._withdraw)
        vm.model.modelReset.connect(self._on_rows)
        self.table.selectionModel().selectionChanged.connect(self._on_rows)
        vm.submitted.connect(self._clear_form)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(self._show_errors)
        vm.busyChanged.connect(self._set_busy)
        self._show_errors({})
        self._on_rows()

    def selected_id(self) -> int | None:
        """The selected testimonial's id, None when none is selected or it is withdrawn."""
        rows = self.table.selectionModel().selectedRows()
        key = rows[0].data(KEY_ROLE) if rows else None
        return int(key) if key is not None else None

    def _on_rows(self, *_args: object) -> None:
        has_rows = self._vm.model.rowCount() > 0
        self.table.setVisible(has_rows)
        self.none.setVisible(not has_rows)
        self.withdraw.setVisible(has_rows)
        self.withdraw.setEnabled(self.selected_id() is not None)

    def _withdraw(self) -> None:
        chosen = self.selected_id()
        if chosen is not None:
            self._vm.withdraw(chosen)

    def _submit(self) -> None:
        self._vm.submit(self.text.toPlainText(), self.signature.text(), self.consent.isChecked())

    def _clear_form(self) -> None:
        self.text.clear()
        self.consent.setChecked(False)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, label in (
            ("body", self.text_error),
            ("display_name", self.signature_error),
            ("consent", self.consent_error),
        ):
            label.setText(errors.get(name, ""))
            label.setVisible(bool(errors.get(name)))

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.withdraw.setEnabled(not busy and self.selected_id() is not None)
