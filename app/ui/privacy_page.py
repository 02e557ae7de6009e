"""The privacy panel: consents, public profile, testimonials, policy, my data, deletion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QProgressBar, QVBoxLayout, QWidget

from app.ui.consents_card import ConsentsCard
from app.ui.delete_account_dialog import DeleteAccountDialog
from app.ui.public_profile_card import PublicProfileCard
from app.ui.save_dialog import ask_save_path
from app.ui.tables import fit_rows, list_table
from app.ui.testimonials_card import TestimonialsCard
from app.ui.widgets import Banner, Card, button, plain_label, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.policy_viewmodel import PolicyViewModel
from app.viewmodels.privacy_viewmodel import PrivacyViewModel

MAX_WIDTH = 860


class PolicyCard(Card):
    """The version accepted, and the next one with its date and summary."""

    def __init__(self, vm: PolicyViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.body.addWidget(plain_label("Privacy policy", role="cardTitle", wrap=False))
        self.accepted = plain_label()
        self.accepted.setObjectName("policyAccepted")
        self.body.addWidget(self.accepted)
        self.upcoming = plain_label(role="field")
        self.upcoming.setObjectName("policyUpcoming")
        self.summary = plain_label(role="hint")
        self.summary.setObjectName("policyUpcomingSummary")
        self.accept = button("Accept it now", role="secondary")
        self.accept.setObjectName("acceptUpcomingPolicy")
        self.body.addWidget(self.upcoming)
        self.body.addWidget(self.summary)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.accept)
        self.body.addLayout(row)
        self.status = Banner("success")
        self.error = Banner("error")
        self.body.addWidget(self.status)
        self.body.addWidget(self.error)

        self.accept.clicked.connect(self._accept_upcoming)
        vm.stateChanged.connect(self._show)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        self._show(vm.state)

    def _show(self, state: dict[str, Any]) -> None:
        current, upcoming = state.get("current") or {}, state.get("upcoming") or {}
        accepted = state.get("accepted_version") or ""
        if not current:
            text = "No privacy policy version is in force on this server yet."
        elif accepted:
            text = (
                f"You accepted version {accepted}. The version in force is "
                f"{current['version']}, since {current['effective']}."
            )
        else:
            text = f"Version {current['version']} is in force since {current['effective']}."
        self.accepted.setText(text)
        self._upcoming = str(upcoming.get("version", ""))
        if upcoming:
            self.upcoming.setText(
                f"Coming: version {upcoming['version']}, in force from {upcoming['effective']}."
            )
            self.summary.setText(str(upcoming.get("summary", "")))
        self.upcoming.setVisible(bool(upcoming))
        self.summary.setVisible(bool(upcoming))
        self.accept.setVisible(bool(upcoming) and accepted != self._upcoming)

    def _accept_upcoming(self) -> None:
        if self._upcoming:
            self._vm.accept(self._upcoming)


class PrivacyPage(QWidget):
    """One scrolling column of cards; each talks to its own section view-model."""

    def __init__(
        self, app_vm: AppViewModel, vm: PrivacyViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        # Replaced in tests, which cannot click through a native file dialog.
        self.ask_save_path: Callable[[QWidget, str, str, str], str] = ask_save_path

        head = QHBoxLayout()
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(title("Privacy"))
        names.addWidget(
            subtitle("What you agree to, what others see of you, and everything Podium keeps.")
        )
        head.addLayout(names, 1)
        self.home = button("Back to meetings", role="secondary")
        self.member_info = button("Member information", role="secondary")
        head.addWidget(self.member_info, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.home, 0, Qt.AlignmentFlag.AlignTop)

        self.consents = ConsentsCard(vm.consents)
        self.policy = PolicyCard(vm.policy)
        self.public_profile = PublicProfileCard(vm.public_profile)
        self.testimonials = TestimonialsCard(vm.testimonials)
        data_card = self._data_card()
        delete_card = self._delete_card()
        self.delete_dialog = DeleteAccountDialog(vm.deletion, self)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addLayout(head)
        for card in (
            self.consents,
            self.public_profile,
            self.testimonials,
            self.policy,
            data_card,
            delete_card,
        ):
            column.addWidget(card)
        self.scroll = scrolling(content, max_width=MAX_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

        self.home.clicked.connect(app_vm.show_home)
        self.member_info.clicked.connect(app_vm.show_profile)

    def _data_card(self) -> Card:
        vm = self._vm
        card = Card()
        card.body.addWidget(plain_label("Your data", role="cardTitle", wrap=False))
        card.body.addWidget(
            plain_label(
                "Download everything Podium keeps about you as a ZIP of JSON and CSV files: "
                "profile, consents, devices and sessions, meetings you organise with their "
                "attendees, your chat messages, contacts, testimonials and the staff reads below.",
                role="hint",
            )
        )
        row = QHBoxLayout()
        self.download = button("Download my data…")
        self.download.setObjectName("downloadMyData")
        self.progress = QProgressBar()
        self.progress.setObjectName("downloadProgress")
        self.progress.setFixedHeight(6)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        row.addWidget(self.download)
        row.addWidget(self.progress, 2)
        row.addStretch(1)
        card.body.addLayout(row)
        self.download_status = Banner("success")
        self.download_status.setObjectName("downloadStatus")
        self.download_error = Banner("error")
        self.download_error.setObjectName("downloadError")
        card.body.addWidget(self.download_status)
        card.body.addWidget(self.download_error)

        card.body.addSpacing(8)
        card.body.addWidget(plain_label("Who accessed my data", role="field"))
        card.body.addWidget(
            plain_label(
                "Every time a member of staff opened your account's details, with the reason "
                "they had to give.",
                role="hint",
            )
        )
        self.audit = list_table(vm.audit.model, "auditLog", stretch=3)
        self.audit.setAccessibleName("Staff access to your data")
        self.audit.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        fit_rows(self.audit, 6, wrap=True)
        self.no_audit = plain_label("Nobody from the staff has looked at your data.", role="hint")
        self.no_audit.setObjectName("noAudit")
        self.audit_error = Banner("error")
        card.body.addWidget(self.audit)
        card.body.addWidget(self.no_audit)
        card.body.addWidget(self.audit_error)

        self.download.clicked.connect(self._download)
        vm.data_export.readyToSave.connect(self._ask_where)
        vm.data_export.progress.connect(self._on_progress)
        vm.data_export.busyChanged.connect(self._on_download_busy)
        vm.data_export.statusChanged.connect(self.download_status.show_message)
        vm.data_export.errorChanged.connect(self.download_error.show_message)
        vm.audit.model.modelReset.connect(self._on_audit)
        vm.audit.errorChanged.connect(self.audit_error.show_message)
        self._on_audit()
        return card

    def _delete_card(self) -> Card:
        card = Card()
        card.setProperty("tone", "danger")
        card.body.addWidget(plain_label("Delete my account", role="cardTitle", wrap=False))
        card.body.addWidget(
            plain_label(
                "Your account is erased after a grace period, during which you can change your "
                "mind. Meetings you organised and their attendees' data go with it.",
                role="hint",
            )
        )
        row = QHBoxLayout()
        row.addStretch(1)
        self.delete_account = button("Delete my account…", role="danger")
        self.delete_account.setObjectName("deleteAccount")
        row.addWidget(self.delete_account)
        card.body.addLayout(row)
        self.delete_account.clicked.connect(self._open_delete)
        return card

    def _open_delete(self) -> None:
        self._vm.deletion.reset()
        self.delete_dialog.open()

    def _download(self) -> None:
        # The server is asked first: within 10 minutes of the last export it says when instead.
        self._vm.data_export.prepare()

    def _ask_where(self, suggested: str) -> None:
        path = self.ask_save_path(self, "Save my data", suggested, "ZIP archives (*.zip)")
        if path:
            self._vm.data_export.download(path)

    def _on_download_busy(self, busy: bool) -> None:
        self.download.setEnabled(not busy)
        self.download.setText("Downloading…" if busy else "Download my data…")
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

    def _on_progress(self, received: int, total: int) -> None:
        if total > 0:
            # Per mille keeps the numbers inside a QProgressBar's int range for any size.
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, received * 1000 // total))
        else:
            self.progress.setRange(0, 0)

    def _on_audit(self, *_args: object) -> None:
        rows = self._vm.audit.model.rowCount()
        self.audit.setVisible(rows > 0)
        self.no_audit.setVisible(rows == 0)
