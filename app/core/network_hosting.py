"""Hosting for others from the app: this machine's addresses and the port kept across launches."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import ifaddr

from app.core.json_file import read_json, write_json

HOSTING_FILE = "hosting.json"
PREFERRED_PORT = 8443
# An address no packet is ever sent to: connecting a UDP socket there only asks the kernel
# which source address its default route would use.
_ROUTE_PROBE = ("192.0.2.1", 9)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HostingAddress:
    """Where others reach the bundled server: its URLs (the first one is put in links)."""

    port: int
    addresses: tuple[str, ...]

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(f"https://{_url_host(address)}:{self.port}" for address in self.addresses)

    @property
    def public_url(self) -> str | None:
        """The address put in invite links; None when this machine has only loopback."""
        return self.urls[0] if self.urls else None


def reachable_addresses(
    adapters: Callable[[], Iterable[ifaddr.Adapter]] = ifaddr.get_adapters,
    route_source: Callable[[], str | None] | None = None,
) -> tuple[str, ...]:
    """This machine's IPv4 addresses others may reach, the default route's first.

    Loopback and link-local addresses are left out: nobody else can use them. IPv6 is left out
    because the bundled server listens on IPv4 only.
    """
    found: list[str] = []
    for adapter in adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):
                continue  # IPv6 (a tuple)
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            if ip.ip not in found:
                found.append(ip.ip)
    source = (route_source or default_route_source)()
    if source in found:
        found.remove(source)
        found.insert(0, source)
    return tuple(found)


def default_route_source() -> str | None:
    """The source address of this machine's default route, or None without one."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(_ROUTE_PROBE)
        return str(probe.getsockname()[0])
    return None


class HostingPort:
    """The TCP port of the shared bundled server: chosen on first use, then kept in a file."""

    def __init__(self, data_dir: Path, is_free: Callable[[int], bool] | None = None) -> None:
        self.path = Path(data_dir) / HOSTING_FILE
        self._is_free = is_free or port_is_free

    def get(self) -> int:
        """The kept port; on first use the preferred one if free, else one the system picks."""
        kept = self._load()
        if kept is not None:
            return kept
        port = PREFERRED_PORT if self._is_free(PREFERRED_PORT) else free_port()
        self._save(port)
        return port

    def _load(self) -> int | None:
        data = read_json(self.path)
        if data is None:
            return None
        port = data.get("port") if isinstance(data, dict) else None
        if isinstance(port, int) and 1024 <= port <= 65535:
            return port
        log.warning("ignoring %s: no usable port in it", self.path)
        return None

    def _save(self, port: int) -> None:
        write_json(self.path, {"port": port}, indent=None)


def port_is_free(port: int) -> bool:
    """True when a TCP listener could bind this port on every IPv4 address now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the system considers free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
