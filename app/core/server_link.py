"""Turns the user's server choice into a base URL, running the bundled server when chosen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.bundled_server import BundledServer, NetworkListen
from app.core.client_settings import ClientSettings, ServerMode
from app.core.network_hosting import HostingAddress, HostingPort, reachable_addresses

BundledFactory = Callable[[Path, NetworkListen | None], BundledServer]


def _bundled_server(data_dir: Path, network: NetworkListen | None) -> BundledServer:
    return BundledServer(data_dir, network=network)


class ServerLink:
    """Owns the bundled server (if any) for the app's lifetime."""

    def __init__(
        self,
        server_data_dir: Path,
        bundled_factory: BundledFactory = _bundled_server,
        addresses: Callable[[], tuple[str, ...]] = reachable_addresses,
    ) -> None:
        self._server_data_dir = server_data_dir
        self._bundled_factory = bundled_factory
        self._addresses = addresses
        self._bundled: BundledServer | None = None
        self._hosting: HostingAddress | None = None

    @property
    def bundled(self) -> BundledServer | None:
        """The bundled server while one has been started."""
        return self._bundled

    @property
    def hosting(self) -> HostingAddress | None:
        """Where others reach the bundled server while it is shared on the network."""
        return self._hosting if self._bundled is not None else None

    @property
    def pin(self) -> str | None:
        """The bundled server's certificate pin while it serves TLS (shared on the network)."""
        return self._bundled.pin if self._bundled is not None else None

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
        network = self._network(settings)
        if self._bundled is not None and self._bundled.network != network:
            await self.close()  # shared or not, or another address: start it again
        if self._bundled is None:
            self._bundled = self._bundled_factory(self._server_data_dir, network)
        return await self._bundled.start()

    async def close(self) -> None:
        """Stop the bundled server, if one runs."""
        bundled, self._bundled = self._bundled, None
        if bundled is not None:
            await bundled.stop()

    def _network(self, settings: ClientSettings) -> NetworkListen | None:
        if not settings.share_on_network:
            self._hosting = None
            return None
        port = HostingPort(self._server_data_dir).get()
        self._hosting = HostingAddress(port, self._addresses())
        return NetworkListen(port, self._hosting.public_url)
