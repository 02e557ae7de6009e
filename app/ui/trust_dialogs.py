"""The certificate question (trust this server?) and the refusal of a changed certificate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.dialogs import fit_height
from app.ui.widgets import button, plain_label, title
from app.viewmodels.trust_viewmodel import CHANGED_TITLE, UNTRUSTED_TITLE

UNTRUSTED_TEXT = (
    "Your computer cannot confirm who runs this server: its certificate is not signed by an"
    " authority your computer trusts (a server set up by a person or an organisation for"
    " itself often is not). Ask the server's operator for its fingerprint, or find it in your"
    " invitation, and compare it with the one below. Trust the server only if they match."
)
CHANGED_TEXT = (
    "This server now presents a different certificate than the one you trusted before."
    " Someone may be intercepting the connection (an attack), so Podium will not connect."
)
INVITE_MISMATCH_TEXT = (
    "This server presents a different certificate than the one your invite link names."
    " Someone may be intercepting the connection (an attack), or the link is out of date,"
    " so Podium will not connect. Ask whoever invited you for a new link."
)
FORGET_HINT = (
    "If the server's operator told you they replaced its certificate, close this and choose"
    " “Forget the saved certificate” on the page behind it, then check the new fingerprint"
    " with them before trusting it. (The saved certificates are kept in {pins_file}.)"
)


def fingerprint_label(fingerprint: str) -> QLabel:
    """The fingerprint in a fixed-width font, selectable so it can be copied and compared."""
    label = plain_label(fingerprint, role="fingerprint", wrap=False)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class TrustCertificateDialog(QDialog):
    """Shows the server and its fingerprint; accepted = trust it, rejected = do not."""

    def __init__(self, server: str, fingerprint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustCertificateDialog")
        self.setWindowTitle(UNTRUSTED_TITLE)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title(UNTRUSTED_TITLE))
        layout.addWidget(plain_label(server, role="subtitle"))
        layout.addWidget(plain_label(UNTRUSTED_TEXT))
        layout.addWidget(plain_label("SHA-256 fingerprint of its certificate:", role="field"))
        self.fingerprint = fingerprint_label(fingerprint)
        layout.addWidget(self.fingerprint)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.no = button("Don't trust", role="secondary")
        self.yes = button("Trust this server")
        actions.addWidget(self.no)
        actions.addWidget(self.yes)
        layout.addLayout(actions)
        self.no.setDefault(True)
        self.yes.setAutoDefault(False)
        self.yes.clicked.connect(self.accept)
        self.no.clicked.connect(self.reject)
        self.resize(600, self.sizeHint().height())
        fit_height(self)


class CertificateChangedDialog(QDialog):
    """Refuses the connection; names both fingerprints and how to clear the old pin."""

    def __init__(
        self,
        server: str,
        pinned: str,
        presented: str,
        pins_file: str,
        from_invite: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("certificateChangedDialog")
        self.setWindowTitle(CHANGED_TITLE)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title(CHANGED_TITLE))
        layout.addWidget(plain_label(server, role="subtitle"))
        layout.addWidget(plain_label(INVITE_MISMATCH_TEXT if from_invite else CHANGED_TEXT))
        expected = "Named in the invite link:" if from_invite else "Trusted before:"
        layout.addWidget(plain_label(expected, role="field"))
        self.pinned = fingerprint_label(pinned)
        layout.addWidget(self.pinned)
        layout.addWidget(plain_label("Presented now:", role="field"))
        self.presented = fingerprint_label(presented)
        layout.addWidget(self.presented)
        if not from_invite:
            layout.addWidget(plain_label(FORGET_HINT.format(pins_file=pins_file), role="hint"))
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.close_button = button("Close")
        actions.addWidget(self.close_button)
        layout.addLayout(actions)
        self.close_button.clicked.connect(self.reject)
        self.resize(600, self.sizeHint().height())
        fit_height(self)
