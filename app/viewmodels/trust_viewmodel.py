"""Asking the user about a server certificate the computer does not trust, or that changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.api import CERTIFICATE_CHANGED, UNTRUSTED_CERTIFICATE, ApiError
from app.core.tls_trust import TlsTrust, grouped_fingerprint

UNTRUSTED_TITLE = "Trust this server?"
CHANGED_TITLE = "The server's identity has changed"
UNTRUSTED_STATUS = "This server's certificate is not trusted yet."
CHANGED_STATUS = (
    "Podium refused to connect: the server presents a different certificate than before."
)
INVITE_MISMATCH_STATUS = (
    "Podium refused to connect: the server presents a different certificate than the invite"
    " link names."
)
FORGOTTEN = "The saved certificate was forgotten. Connect again to check the new one."


class TrustViewModel(QObject):
    """Turns certificate errors into a question (trust?) or a refusal, and acts on the answer."""

    confirmationNeeded = Signal(str, str)  # server, fingerprint (grouped hex)
    # server, pinned (or the invite's) fingerprint, presented fingerprint, from an invite link
    refused = Signal(str, str, str, bool)
    refusedChanged = Signal(bool)
    trusted = Signal()
    declined = Signal()

    def __init__(self, trust: TlsTrust, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._trust = trust
        self._asking: tuple[str, str] | None = None
        self._refused_server = ""

    @property
    def asking(self) -> bool:
        """True while the question about a certificate waits for an answer."""
        return self._asking is not None

    @property
    def refused_server(self) -> str:
        """The server last refused for a changed certificate, "" when none."""
        return self._refused_server

    @property
    def pins_file(self) -> str:
        """Where the pins are kept (named in the warning, for people who edit it by hand)."""
        return str(self._trust.store.path)

    def handle(self, base_url: str, error: ApiError, *, from_invite: bool = False) -> str | None:
        """Ask or warn about a certificate error; a status line for the page, None if not one.

        from_invite: the expected pin came in an invite link (nothing kept to forget).
        """
        self._set_refused("")
        if error.code == UNTRUSTED_CERTIFICATE and error.details.get("pin"):
            pin = str(error.details["pin"])
            self._asking = (base_url, pin)
            self.confirmationNeeded.emit(base_url, grouped_fingerprint(pin))
            return UNTRUSTED_STATUS
        if error.code == CERTIFICATE_CHANGED:
            self._set_refused("" if from_invite else base_url)
            self.refused.emit(
                base_url,
                grouped_fingerprint(str(error.details["pinned"])),
                grouped_fingerprint(str(error.details["presented"])),
                from_invite,
            )
            return INVITE_MISMATCH_STATUS if from_invite else CHANGED_STATUS
        return None

    def confirm(self) -> None:
        """The user compared the fingerprint and trusts it: pin it, then connect again."""
        asking, self._asking = self._asking, None
        if asking is None:
            return
        self._trust.trust(*asking)
        self.trusted.emit()

    async def accept_invite_pin(self, base_url: str, pin: str | None) -> None:
        """Pin an invite's pin if the server presents it (ApiError certificate_changed if not)."""
        await self._trust.accept_invite_pin(base_url, pin)

    def decline(self) -> None:
        """The user does not trust it: nothing is pinned; back to the server choice."""
        if self._asking is None:
            return
        self._asking = None
        self.declined.emit()

    def forget_refused(self) -> str:
        """Forget the pin of the refused server (its operator changed the certificate)."""
        server = self._refused_server
        if not server:
            return ""
        self._trust.forget(server)
        self._set_refused("")
        return FORGOTTEN

    def _set_refused(self, server: str) -> None:
        if server != self._refused_server:
            self._refused_server = server
            self.refusedChanged.emit(bool(server))
