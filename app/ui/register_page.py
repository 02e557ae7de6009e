"""Create an account with the fields the server asks for."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.ui.form_fields import FormFields, legend
from app.ui.widgets import Banner, Card, button, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.register_viewmodel import REPEAT_PASSWORD, RegisterViewModel


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
        self.error = Banner("error")
        card.body.addWidget(self.error)
        self.form = FormFields(columns=2)
        card.body.addWidget(self.form)
        card.body.addWidget(legend())

        self.back = button("Back to log in", role="secondary")
        self.submit = button("Create account")
        self.submit.setObjectName("registerButton")
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addStretch(1)
        actions.addWidget(self.submit)
        card.body.addSpacing(4)
        card.body.addLayout(actions)

        self.scroll = scrolling(card, max_width=720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

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
