"""Log in with e-mail or username and password."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.ui.form_fields import FieldRow, show_errors
from app.ui.widgets import Banner, Card, button, plain_label, scrolling, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.login_viewmodel import LoginViewModel


class LoginPage(QWidget):
    """The log-in card, with links to register and to change the server."""

    def __init__(
        self, app_vm: AppViewModel, vm: LoginViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        card.body.addWidget(title("Log in to Podium"))
        server_line = QHBoxLayout()
        server_line.setSpacing(8)
        self.server = plain_label(role="subtitle", wrap=False)
        self.change_server = button("Change server…", role="link")
        server_line.addWidget(self.server, 1)
        server_line.addWidget(self.change_server)
        card.body.addLayout(server_line)

        self.status = Banner("success")
        self.error = Banner("error")
        card.body.addWidget(self.status)
        card.body.addWidget(self.error)
        self.login = FieldRow({"name": "login", "label": "E-mail or username"})
        self.password = FieldRow({"name": "password", "label": "Password", "kind": "password"})
        card.body.addWidget(self.login)
        card.body.addWidget(self.password)

        self.submit = button("Log in")
        self.submit.setObjectName("loginButton")
        self.submit.setDefault(True)
        card.body.addSpacing(4)
        card.body.addWidget(self.submit)
        self.cancel_deletion = button("Cancel deletion and keep my account", role="secondary")
        self.cancel_deletion.setObjectName("cancelDeletionButton")
        self.cancel_deletion.setVisible(False)
        card.body.addWidget(self.cancel_deletion)
        self.forgot = button("Forgot password?", role="link")
        self.forgot.setObjectName("forgotPasswordButton")
        forgot_line = QHBoxLayout()
        forgot_line.addStretch(1)
        forgot_line.addWidget(self.forgot)
        card.body.addLayout(forgot_line)
        card.body.addWidget(self._forgot_panel())
        register_line = QHBoxLayout()
        register_line.addStretch(1)
        register_line.addWidget(plain_label("New to Podium?", role="hint", wrap=False))
        self.register = button("Create an account", role="link")
        register_line.addWidget(self.register)
        register_line.addStretch(1)
        card.body.addLayout(register_line)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Scrolls when the forgot-password panel makes the card taller than a small window.
        self.scroll = scrolling(card, max_width=460)
        layout.addWidget(self.scroll)

        self.submit.clicked.connect(self._submit)
        self.forgot.clicked.connect(self._open_forgot)
        self.send_reset.clicked.connect(self._send_reset)
        self.close_forgot.clicked.connect(lambda: self.forgot_panel.setVisible(False))
        vm.mailChanged.connect(self.send_reset.setVisible)
        vm.mailChanged.connect(self.forgot_hint.setVisible)  # it says a link is e-mailed
        vm.noMailChanged.connect(self.no_mail.show_message)
        self.cancel_deletion.clicked.connect(self._cancel_deletion)
        vm.pendingDeletionChanged.connect(self.cancel_deletion.setVisible)
        self.login.edit.returnPressed.connect(self.password.edit.setFocus)
        self.password.edit.returnPressed.connect(self._submit)
        self.register.clicked.connect(app_vm.show_register)
        self.change_server.clicked.connect(app_vm.change_server)
        app_vm.serverChanged.connect(self._show_server)
        vm.prefilled.connect(self._prefill)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(self._show_field_errors)
        vm.busyChanged.connect(self._set_busy)
        self._show_server(app_vm.server_text)

    def _forgot_panel(self) -> QWidget:
        """What "Forgot password?" opens: what will happen, and the button that does it."""
        self.forgot_panel = QWidget()
        self.forgot_panel.setObjectName("forgotPanel")
        self.forgot_panel.setAccessibleName("Reset a forgotten password")
        panel = QVBoxLayout(self.forgot_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.forgot_hint = plain_label(
            "Type your username or e-mail address above. If an account exists, this server "
            "e-mails it a link to choose a new password (it works once, for 30 minutes).",
            role="hint",
        )
        self.no_mail = Banner("warning")
        self.no_mail.setObjectName("noMailNotice")
        buttons = QHBoxLayout()
        self.send_reset = button("E-mail me a reset link", role="secondary")
        self.send_reset.setObjectName("sendResetButton")
        self.close_forgot = button("Close", role="link")
        buttons.addWidget(self.send_reset)
        buttons.addStretch(1)
        buttons.addWidget(self.close_forgot)
        panel.addWidget(self.forgot_hint)
        panel.addWidget(self.no_mail)
        panel.addLayout(buttons)
        self.forgot_panel.setVisible(False)
        return self.forgot_panel

    def showEvent(self, event: QShowEvent) -> None:
        # The last login used on this server, so returning members only type the password.
        if not self.login.edit.text():
            remembered = self._vm.login_text
            if remembered:
                self.login.edit.setText(remembered)
                self.password.edit.setFocus()
        super().showEvent(event)

    def _open_forgot(self) -> None:
        self.forgot_panel.setVisible(True)
        self.no_mail.show_message("")
        self.send_reset.setVisible(True)
        self.forgot_hint.setVisible(True)
        self._vm.check_mail(self.login.edit.text())
        (self.send_reset if self.login.edit.text().strip() else self.login.edit).setFocus()
        self.scroll.ensureWidgetVisible(self.forgot_panel)

    def _send_reset(self) -> None:
        self.password.edit.clear()
        self._vm.forgot_password(self.login.edit.text())

    def _show_server(self, text: str) -> None:
        self.server.setText(f"Server: {text}" if text else "")

    def _prefill(self, login: str) -> None:
        self.login.edit.setText(login)
        self.password.edit.clear()
        (self.password.edit if login else self.login.edit).setFocus()

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        show_errors((self.login, self.password), errors)

    def _set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.send_reset.setEnabled(not busy)
        self.cancel_deletion.setEnabled(not busy)
        self.submit.setText("Logging in…" if busy else "Log in")

    def _cancel_deletion(self) -> None:
        password = self.password.edit.text()
        self.password.edit.clear()
        self._vm.cancel_deletion(self.login.edit.text(), password)

    def _submit(self) -> None:
        password = self.password.edit.text()
        # The password leaves the widget only for this request.
        self.password.edit.clear()
        self._vm.submit(self.login.edit.text(), password)
