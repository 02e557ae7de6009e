"""At login, a privacy policy version in force that the member has not accepted: accept or leave."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from app.ui.widgets import Banner, Card, button, centered, plain_label, subtitle, title
from app.viewmodels.policy_viewmodel import PolicyViewModel


class PolicyPage(QWidget):
    """The version, its date and summary; Accept records it, Log out declines."""

    def __init__(self, vm: PolicyViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        card.body.addWidget(title("Our privacy policy has changed"))
        self.version = subtitle("")
        self.version.setObjectName("policyVersion")
        card.body.addWidget(self.version)
        card.body.addWidget(plain_label("What changed", role="field"))
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("policySummary")
        self.summary.setAccessibleName("Privacy policy")
        self.summary.setReadOnly(True)
        self.summary.setMinimumHeight(140)
        card.body.addWidget(self.summary)
        card.body.addWidget(
            plain_label(
                "To go on using Podium on this server, please accept it. If you do not, you are "
                "logged out; you can also delete your account from the privacy page after "
                "accepting, or ask the server's operator.",
                role="hint",
            )
        )
        self.error = Banner("error")
        card.body.addWidget(self.error)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.decline = button("Log out", role="secondary")
        self.decline.setObjectName("declinePolicy")
        self.accept = button("I accept")
        self.accept.setObjectName("acceptPolicy")
        actions.addWidget(self.decline)
        actions.addWidget(self.accept)
        card.body.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centered(card, max_width=600))

        self.accept.clicked.connect(lambda: vm.accept(""))
        self.decline.clicked.connect(vm.decline)
        vm.stateChanged.connect(self._show)
        vm.errorChanged.connect(self.error.show_message)
        vm.busyChanged.connect(self._set_busy)
        self._show(vm.state)

    def _show(self, state: dict[str, Any]) -> None:
        current = state.get("current") or {}
        self.version.setText(
            f"Version {current['version']}, in force since {current['effective']}."
            if current
            else ""
        )
        self.summary.setPlainText(str(current.get("summary", "")))

    def _set_busy(self, busy: bool) -> None:
        self.accept.setEnabled(not busy)
        self.decline.setEnabled(not busy)
