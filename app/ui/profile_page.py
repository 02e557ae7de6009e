"""Member information: see and correct every field of one's own account."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.ui.form_fields import FormFields
from app.ui.widgets import Banner, Card, Footer, button, plain_label, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.profile_viewmodel import ProfileViewModel

MAX_WIDTH = 760


class ProfilePage(QWidget):
    """Header with the member's name and account actions, then the editable fields."""

    def __init__(
        self, app_vm: AppViewModel, vm: ProfileViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(title("Member information"))
        self.who = subtitle("")
        names.addWidget(self.who)
        card.body.addLayout(names)
        # The actions get a row of their own: beside the title they squeeze it at 900 px.
        head = QHBoxLayout()
        head.addStretch(1)
        self.home = button("Back to meetings", role="secondary")
        self.home.setObjectName("homeButton")
        self.change_password = button("Change password…", role="secondary")
        self.privacy = button("Privacy", role="secondary")
        self.privacy.setObjectName("privacyButton")
        self.logout = button("Log out", role="secondary")
        self.logout.setObjectName("logoutButton")
        head.addWidget(self.home)
        head.addWidget(self.change_password)
        head.addWidget(self.privacy)
        head.addWidget(self.logout)
        card.body.addLayout(head)
        card.body.addWidget(
            plain_label(
                "This is everything Podium keeps about you as a member. Correct it any time; "
                "clear an optional field to remove it. Fields marked * are required. Consents, "
                "your public profile, downloading your data and deleting your account are under "
                "Privacy.",
                role="hint",
            )
        )
        self.form = FormFields(columns=2)
        card.body.addWidget(self.form)

        footer = Footer(max_width=MAX_WIDTH)
        self.status = Banner("success")
        self.error = Banner("error")
        self.reset = button("Undo changes", role="secondary")
        self.save = button("Save changes")
        self.save.setObjectName("saveButton")
        footer.row.addWidget(self.status, 1)
        footer.row.addWidget(self.error, 1)
        footer.row.addStretch(0)
        footer.row.addWidget(self.reset)
        footer.row.addWidget(self.save)

        self.scroll = scrolling(card, max_width=MAX_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(footer)

        self.save.clicked.connect(lambda: vm.save(self.form.values()))
        self.reset.clicked.connect(self._undo)
        self.home.clicked.connect(app_vm.show_home)
        self.change_password.clicked.connect(app_vm.show_password)
        self.privacy.clicked.connect(app_vm.show_privacy)
        self.logout.clicked.connect(app_vm.logout)
        vm.fieldsChanged.connect(self._build)
        vm.profileChanged.connect(self._show_profile)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.fieldErrorsChanged.connect(self._show_errors)
        vm.busyChanged.connect(self._set_busy)
        self._build(vm.fields)

    def _build(self, fields: list[dict[str, Any]]) -> None:
        self.form.set_fields(fields)
        self._show_profile(self._vm.profile)

    def _show_profile(self, profile: dict[str, Any]) -> None:
        self.form.set_values(profile.get("values", {}))
        self.form.set_errors({})
        since = profile.get("member_since", "")
        parts = [self._vm.display_name, f"member since {since}" if since else ""]
        self.who.setText(" · ".join(part for part in parts if part))

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
        edit = self.form.first_error_edit()
        if edit is not None:
            self.scroll.ensureWidgetVisible(edit)

    def _undo(self) -> None:
        self._vm.clear_messages()
        self._show_profile(self._vm.profile)

    def _set_busy(self, busy: bool) -> None:
        self.save.setEnabled(not busy)
        self.save.setText("Saving…" if busy else "Save changes")
