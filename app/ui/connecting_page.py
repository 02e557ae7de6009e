"""Shown while the server starts or is reached, and when that fails."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from app.ui.widgets import Banner, Card, button, centered, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel


class ConnectingPage(QWidget):
    """A busy bar, or the error with Try again / Change server…."""

    def __init__(self, vm: AppViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = Card()
        card.body.addWidget(title("Connecting"))
        self.doing = subtitle("")
        card.body.addWidget(self.doing)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        card.body.addWidget(self.progress)
        self.error = Banner("error")
        card.body.addWidget(self.error)
        self.change = button("Change server…", role="secondary")
        self.retry = button("Try again")
        # Shown only after a changed certificate was refused: the way to accept a new one.
        self.forget = button("Forget the saved certificate", role="secondary")
        actions = QHBoxLayout()
        actions.addWidget(self.forget)
        actions.addStretch(1)
        actions.addWidget(self.change)
        actions.addWidget(self.retry)
        card.body.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centered(card, max_width=620))

        self.retry.clicked.connect(vm.retry)
        self.change.clicked.connect(vm.change_server)
        self.forget.clicked.connect(vm.forget_certificate)
        self._vm = vm
        vm.connectingChanged.connect(self._show)
        self._show(*vm.connecting_state)

    def _show(self, doing: str, error: str) -> None:
        self.doing.setText(doing)
        self.error.show_message(error)
        failed = bool(error)
        self.progress.setVisible(not failed)
        self.retry.setVisible(failed)
        self.change.setVisible(failed)
        self.forget.setVisible(failed and bool(self._vm.trust.refused_server))
