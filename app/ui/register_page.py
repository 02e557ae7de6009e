"""Create an account with the fields the server asks for."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QVBoxLayout, QWidget

from app.ui.form_fields import FormFields, legend
from app.ui.widgets import Banner, Card, Footer, button, plain_label, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.register_viewmodel import (
    POLICY_ACCEPTED,
    REPEAT_PASSWORD,
    RegisterViewModel,
)

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
        card.body.addWidget(self._policy_section())

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
        vm.loggedIn.connect(lambda _profile: self._clear())
        vm.policyChanged.connect(self._show_policy)
        self.accept_policy.toggled.connect(lambda _on: self.policy_error.show_message(""))
        self._build(vm.fields)
        self._show_policy(vm.policy)

    def _policy_section(self) -> QWidget:
        """The privacy policy in force, in full, and the box that accepts it."""
        self.policy_section = QWidget()
        section = QVBoxLayout(self.policy_section)
        section.setContentsMargins(0, 8, 0, 0)
        section.setSpacing(6)
        self.policy_title = plain_label(role="field")
        self.policy_text = QPlainTextEdit()
        self.policy_text.setObjectName("registerPolicyText")
        self.policy_text.setReadOnly(True)
        self.policy_text.setAccessibleName("Privacy policy")
        self.policy_text.setMinimumHeight(120)
        self.policy_text.setMaximumHeight(200)
        self.accept_policy = QCheckBox("I have read the privacy policy and accept it")
        self.accept_policy.setObjectName("acceptPolicyBox")
        self.policy_error = Banner("error")
        self.policy_error.setObjectName("acceptPolicyError")
        section.addWidget(self.policy_title)
        section.addWidget(self.policy_text)
        section.addWidget(self.accept_policy)
        section.addWidget(self.policy_error)
        self.policy_section.setVisible(False)
        return self.policy_section

    def _show_policy(self, policy: dict[str, str]) -> None:
        self.policy_section.setVisible(bool(policy))
        self.policy_title.setText(f"Privacy policy (version {policy.get('version', '')})")
        self.policy_text.setPlainText(policy.get("summary", ""))
        self.accept_policy.setChecked(False)

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
        self.policy_error.show_message(errors.get(POLICY_ACCEPTED, ""))
        edit = self.form.first_error_edit()
        if edit is not None:
            self.scroll.ensureWidgetVisible(edit)
            edit.setFocus()
        elif POLICY_ACCEPTED in errors:
            self.scroll.ensureWidgetVisible(self.accept_policy)
            self.accept_policy.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy and bool(self.form.rows))
        self.submit.setText("Creating…" if busy else "Create account")

    def _clear(self) -> None:
        self.form.set_values({})
        self.form.set_errors({})
        self.accept_policy.setChecked(False)
        self.policy_error.show_message("")

    def _submit(self) -> None:
        values = self.form.values()
        values[POLICY_ACCEPTED] = "yes" if self.accept_policy.isChecked() else ""
        self._vm.submit(values)
