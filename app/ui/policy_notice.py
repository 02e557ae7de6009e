"""The strip announcing a privacy policy version before it takes effect."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from app.ui.widgets import button, plain_label
from app.viewmodels.policy_viewmodel import PolicyViewModel


class PolicyNotice(QFrame):
    """Text, a Details button (the privacy panel) and Dismiss; hidden while there is no notice."""

    def __init__(self, vm: PolicyViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyNotice")
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 8)
        row.setSpacing(10)
        self.text = plain_label(role="policyNotice")
        self.details = button("Details", role="link")
        self.details.setObjectName("policyNoticeDetails")
        self.dismiss = button("Dismiss", role="link")
        self.dismiss.setObjectName("policyNoticeDismiss")
        row.addWidget(self.text, 1)
        row.addWidget(self.details)
        row.addWidget(self.dismiss)
        self.dismiss.clicked.connect(vm.dismiss_notice)
        vm.noticeChanged.connect(self.text.setText)
        self.text.setText(vm.notice)

    def has_notice(self) -> bool:
        """True when there is something to announce."""
        return bool(self.text.text())
