"""The first-start (and "Change server…") choice: this computer or a server elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.client_settings import ClientSettings, ServerMode, validate_server_url
from app.viewmodels.form_viewmodel import FormViewModel

BUNDLED = ServerMode.BUNDLED.value
REMOTE = ServerMode.REMOTE.value


class SetupViewModel(FormViewModel):
    """Validates the choice and hands it on as a ClientSettings (through `chosen`)."""

    choiceChanged = Signal(str, str)
    shareChanged = Signal(bool)
    cancellableChanged = Signal(bool)
    chosen = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = BUNDLED
        self._url = ""
        self._share = False
        self._cancellable = False

    @property
    def mode(self) -> str:
        """ "bundled" or "remote"."""
        return self._mode

    @property
    def url(self) -> str:
        """The remote address last typed or saved."""
        return self._url

    @property
    def share_on_network(self) -> bool:
        """The bundled server is (to be) shared with others on the network."""
        return self._share

    @property
    def cancellable(self) -> bool:
        """True when a choice already exists, so the page can offer Cancel."""
        return self._cancellable

    def prepare(self, current: ClientSettings | None) -> None:
        """Show the page with the current choice selected."""
        self.clear_messages()
        if current is not None:
            self._mode = current.mode.value
            self._url = current.server_url or self._url
            self._share = current.share_on_network
        self._cancellable = current is not None
        self.choiceChanged.emit(self._mode, self._url)
        self.shareChanged.emit(self._share)
        self.cancellableChanged.emit(self._cancellable)

    def submit(self, mode: str, url: str, share_on_network: bool = False) -> None:
        """Check the choice; emits chosen(ClientSettings) or a field error on the URL."""
        self.clear_messages()
        self._url = url.strip()
        if mode == REMOTE:
            try:
                settings = ClientSettings(ServerMode.REMOTE, validate_server_url(url))
            except ValueError as exc:
                self._set_field_errors({"url": str(exc)})
                return
            self._url = settings.server_url or ""
        else:
            settings = ClientSettings(ServerMode.BUNDLED, share_on_network=share_on_network)
            self._share = share_on_network
        self._mode = settings.mode.value
        self.chosen.emit(settings)

    def fail(self, message: str) -> None:
        """Show a problem with applying the choice (e.g. the settings file is not writable)."""
        self._set_error(message)

    def cancel(self) -> None:
        """Keep the current choice."""
        if self._cancellable:
            self.cancelled.emit()
