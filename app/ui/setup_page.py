"""First start: run the server on this computer, or use one elsewhere."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import Banner, Card, button, centered, plain_label, subtitle, title
from app.viewmodels.setup_viewmodel import BUNDLED, REMOTE, SetupViewModel


class _Choice(QFrame):
    """A radio button with an explanation under it, framed as one option."""

    def __init__(self, text: str, explanation: str) -> None:
        super().__init__()
        self.setObjectName("choice")
        self.radio = QRadioButton(text)
        self.radio.setProperty("role", "choice")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 14)
        self.body.setSpacing(6)
        self.body.addWidget(self.radio)
        note = plain_label(explanation, role="hint")
        note.setContentsMargins(26, 0, 0, 0)
        self.body.addWidget(note)


class SetupPage(QWidget):
    """Shows the two choices; Continue hands the choice to the view-model."""

    def __init__(self, vm: SetupViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        card = Card()
        card.body.addWidget(title("Welcome to Podium"))
        card.body.addWidget(subtitle("Where should Podium keep your meetings and accounts?"))

        self.bundled = _Choice(
            "This computer",
            "Podium runs its own server here. Nothing to set up; your data stays on this computer.",
        )
        self.share = QCheckBox("Let others join over the network")
        self.share.setObjectName("shareOnNetwork")
        self.share.setAccessibleName("Let others join over the network")
        share_note = plain_label(
            "Others on your network (or beyond, if your router forwards the port) join the "
            "meetings you host here with the invite links you send them. Only you can make an "
            "account on this computer. Leave it off on a public network such as a café's.",
            role="hint",
        )
        share_note.setWordWrap(True)
        share_box = QVBoxLayout()
        share_box.setContentsMargins(26, 4, 0, 0)
        share_box.addWidget(self.share)
        share_box.addWidget(share_note)
        self.bundled.body.addLayout(share_box)
        self.remote = _Choice(
            "A server",
            "Connect to the Podium server of your organisation or of someone you meet with.",
        )
        self.url = QLineEdit()
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://podium.example.org")
        self.url.setAccessibleName("Server address")
        self.url_error = plain_label(role="fieldError")
        self.url_error.setVisible(False)
        url_box = QVBoxLayout()
        url_box.setContentsMargins(26, 4, 0, 0)
        url_box.addWidget(self.url)
        url_box.addWidget(self.url_error)
        self.remote.body.addLayout(url_box)

        self._group = QButtonGroup(self)
        self._group.addButton(self.bundled.radio)
        self._group.addButton(self.remote.radio)
        self.bundled.radio.setChecked(True)
        card.body.addWidget(self.bundled)
        card.body.addWidget(self.remote)

        self.error = Banner("error")
        card.body.addWidget(self.error)
        self.cancel = button("Cancel", role="secondary")
        self.proceed = button("Continue")
        self.proceed.setDefault(True)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.cancel)
        actions.addWidget(self.proceed)
        card.body.addSpacing(6)
        card.body.addLayout(actions)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centered(card, max_width=560))

        self.remote.radio.toggled.connect(self._sync_url)
        self.url.textEdited.connect(lambda _text: self.remote.radio.setChecked(True))
        self.url.returnPressed.connect(self._submit)
        self.proceed.clicked.connect(self._submit)
        self.cancel.clicked.connect(vm.cancel)
        self.share.toggled.connect(lambda on: on and self.bundled.radio.setChecked(True))
        vm.choiceChanged.connect(self._show_choice)
        vm.shareChanged.connect(self.share.setChecked)
        vm.cancellableChanged.connect(self.cancel.setVisible)
        vm.fieldErrorsChanged.connect(self._show_url_error)
        vm.errorChanged.connect(self.error.show_message)
        self._show_choice(vm.mode, vm.url)
        self.share.setChecked(vm.share_on_network)
        self.cancel.setVisible(vm.cancellable)

    def _show_choice(self, mode: str, url: str) -> None:
        (self.remote if mode == REMOTE else self.bundled).radio.setChecked(True)
        self.url.setText(url)
        self._sync_url()

    def _sync_url(self) -> None:
        if self.remote.radio.isChecked():
            self.url.setFocus()

    def _show_url_error(self, errors: dict[str, str]) -> None:
        message = errors.get("url", "")
        self.url_error.setText(message)
        self.url_error.setVisible(bool(message))

    def _submit(self) -> None:
        mode = REMOTE if self.remote.radio.isChecked() else BUNDLED
        self._vm.submit(mode, self.url.text(), self.share.isChecked())
