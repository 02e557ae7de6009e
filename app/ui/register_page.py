"""Create an account with the fields the server asks for."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.form_fields import FormFields, legend
from app.ui.widgets import Banner, Card, Footer, button, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.register_viewmodel import REPEAT_PASSWORD, RegisterViewModel

MAX_WIDTH = 720


class RegisterPage(QWidget):
    """A two-column form built from the server's field list plus a repeated password."""

    def __init__(
        self, app_vm: AppViewModel, vm: RegisterViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        card.body.addWidget(title("Create your Podium account"))
        card.body.addWidget(
            subtitle("We only ask for what this server needs. You can change it all later.")
        )
        card.body.addWidget(legend())
        self.form = FormFields(columns=2)
        card.body.addWidget(self.form)

        footer = Footer(max_width=MAX_WIDTH)
        self.back = button("Back to log in", role="secondary")
        self.error = Banner("error")
        self.submit = button("Create account")
        self.submit.setObjectName("registerButton")
        footer.row.addWidget(self.back)
        footer.row.addWidget(self.error, 1)
        footer.row.addStretch(0)
        footer.row.addWidget(self.submit)

        self.scroll = scrolling(card, max_width=MAX_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(footer)

        self.submit.clicked.connect(self._submit)
        self.back.clicked.connect(app_vm.show_login)
        vm.fieldsChanged.connect(self._build)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(self._show_errors)
        vm.busyChanged.connect(self._set_busy)
        vm.registered.connect(lambda _login: self._clear())
        self._build(vm.fields)

    def _build(self, fields: list[dict[str, Any]]) -> None:
        specs: list[dict[str, Any]] = []
        for spec in fields:
            specs.append(spec)
            if spec["name"] == "password":
                specs.append(
                    {
                        "name": REPEAT_PASSWORD,
                        "label": "Repeat password",
                        "required": spec["required"],
                        "kind": "password",
                    }
                )
        self.form.set_fields(specs)
        self.submit.setEnabled(bool(specs) and not self._vm.busy)

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
        edit = self.form.first_error_edit()
        if edit is not None:
            self.scroll.ensureWidgetVisible(edit)
            edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy and bool(self.form.rows))
        self.submit.setText("Creating…" if busy else "Create account")

    def _clear(self) -> None:
        self.form.set_values({})
        self.form.set_errors({})

    def _submit(self) -> None:
        self._vm.submit(self.form.values())
