"""Joining from an invite link: a display name and "Join as guest", or log in instead."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.ui.form_fields import FieldRow
from app.ui.widgets import Banner, Card, button, centered, plain_label, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.invite_viewmodel import NAME_FIELD
from app.viewmodels.meeting_viewmodel import MeetingState


class InvitePage(QWidget):
    """Shown when an invite opened the app and nobody is logged in on its server."""

    def __init__(self, app_vm: AppViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm = app_vm.invite
        meeting = app_vm.meeting
        card = Card()
        card.body.addWidget(title("Join the meeting"))
        where_line = QHBoxLayout()
        where_line.setSpacing(8)
        self.where = plain_label(role="subtitle")
        self.change_server = button("Change server…", role="link")
        where_line.addWidget(self.where, 1)
        where_line.addWidget(self.change_server)
        card.body.addLayout(where_line)
        self.status = Banner("info")
        self.error = Banner("error")
        self.error.setObjectName("inviteError")
        card.body.addWidget(self.status)
        card.body.addWidget(self.error)
        self.name = FieldRow({"name": NAME_FIELD, "label": "Your name, as others will see it"})
        self.name.edit.setMaxLength(64)
        self.name.edit.setText(vm.display_name)
        card.body.addWidget(self.name)
        card.body.addWidget(
            plain_label(
                "As a guest you need no account: you join this one meeting and the session"
                " ends with it.",
                role="hint",
            )
        )
        self.join = button("Join as guest")
        self.join.setObjectName("joinAsGuestButton")
        self.join.setDefault(True)
        card.body.addWidget(self.join)
        account_line = QHBoxLayout()
        account_line.addStretch(1)
        account_line.addWidget(
            plain_label("Have an account on this server?", role="hint", wrap=False)
        )
        self.log_in = button("Log in", role="link")
        self.log_in.setObjectName("inviteLogInButton")
        account_line.addWidget(self.log_in)
        account_line.addStretch(1)
        card.body.addLayout(account_line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centered(card, max_width=500))

        self.join.clicked.connect(self._join)
        self.name.edit.returnPressed.connect(self._join)
        self.log_in.clicked.connect(vm.log_in)
        self.change_server.clicked.connect(app_vm.change_server)
        vm.inviteChanged.connect(self._show_invite)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(
            lambda errors: self.name.set_error(errors.get(NAME_FIELD, ""))
        )
        vm.busyChanged.connect(lambda busy: self._set_busy(busy, meeting.state))
        meeting.stateChanged.connect(lambda state: self._set_busy(vm.busy, state))
        meeting.errorChanged.connect(self._meeting_error)
        self._show_invite()

    def _join(self) -> None:
        if self.join.isEnabled():
            self._vm.join_as_guest(self.name.edit.text())

    def _show_invite(self) -> None:
        self.where.setText(f"Meeting {self._vm.code}\non {self._vm.server}")
        self.status.show_message(self._vm.status)
        self.error.show_message(self._vm.error)
        if not self.name.edit.text():
            self.name.edit.setText(self._vm.display_name)

    def _meeting_error(self, message: str) -> None:
        if message and self.isVisible():
            self.error.show_message(message)

    def _set_busy(self, busy: bool, meeting_state: str) -> None:
        joining = busy or meeting_state == MeetingState.JOINING
        self.join.setEnabled(not joining)
        self.join.setText("Joining…" if joining else "Join as guest")
