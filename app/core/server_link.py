"""Turns the user's server choice into a base URL, running the bundled server when chosen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.bundled_server import BundledServer
from app.core.client_settings import ClientSettings, ServerMode


class ServerLink:
    """Owns the bundled server (if any) for the app's lifetime."""

    def __init__(
        self,
        server_data_dir: Path,
        bundled_factory: Callable[[Path], BundledServer] = BundledServer,
    ) -> None:
        self._server_data_dir = server_data_dir
        self._bundled_factory = bundled_factory
        self._bundled: BundledServer | None = None

    @property
    def bundled(self) -> BundledServer | None:
        """The bundled server while one has been started."""
        return self._bundled

    def identity(self, settings: ClientSettings) -> str:
        """A stable name for the server, to file its token under in the keyring."""
        # The bundled server gets a new port on every start, so its URL cannot be that name.
        if settings.mode is ServerMode.REMOTE and settings.server_url:
            return settings.server_url
        return f"bundled:{self._server_data_dir}"

    async def open(self, settings: ClientSettings) -> str:
        """The base URL to talk to; starts the bundled server or stops it when not wanted."""
        if settings.mode is ServerMode.REMOTE:
            await self.close()
            assert settings.server_url is not None
            return settings.server_url
        if self._bundled is None:
            self._bundled = self._bundled_factory(self._server_data_dir)
        return await self._bundled.start()

    async def close(self) -> None:
        """Stop the bundled server, if one runs."""
        bundled, self._bundled = self._bundled, None
        if bundled is not None:
            await bundled.stop()
