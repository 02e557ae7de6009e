"""The user's server choice, kept in a small JSON file in the config folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from app.core.json_file import read_json, write_json

SETTINGS_FILE = "settings.json"

_log = logging.getLogger(__name__)


class ServerMode(StrEnum):
    """Where the app's server lives."""

    BUNDLED = "bundled"
    REMOTE = "remote"


@dataclass(frozen=True)
class ClientSettings:
    """The remembered server choice; `server_url` is set only for REMOTE.

    `share_on_network` (BUNDLED only): the bundled server listens on this machine's addresses
    with TLS so that others can join meetings hosted here.
    """

    mode: ServerMode = ServerMode.BUNDLED
    server_url: str | None = None
    share_on_network: bool = False

    def to_json(self) -> dict[str, str | bool | None]:
        """A JSON-ready dict."""
        return {
            "server": self.mode.value,
            "server_url": self.server_url,
            "share_on_network": self.share_on_network,
        }

    @classmethod
    def from_json(cls, data: object) -> ClientSettings:
        """Parse; raises ValueError when the content makes no sense."""
        if not isinstance(data, dict):
            raise ValueError("settings must be a JSON object")
        mode = ServerMode(data.get("server", ServerMode.BUNDLED))
        if mode is ServerMode.REMOTE:
            return cls(mode, validate_server_url(str(data.get("server_url") or "")))
        share = data.get("share_on_network", False)
        if not isinstance(share, bool):
            raise ValueError("share_on_network must be true or false")
        return cls(mode, share_on_network=share)


def validate_server_url(text: str) -> str:
    """Normalise a user-typed server address; raises ValueError with a readable reason."""
    url = text.strip()
    if not url:
        raise ValueError("Enter the server's address, for example https://podium.example.org")
    if "://" not in url:
        raise ValueError("Start the address with https:// (or http:// on a local network)")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("The address must start with http:// or https://")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("The port number in the address is not valid") from None
    if not parts.hostname or any(ch.isspace() for ch in url):
        raise ValueError("The address has no valid server name")
    if parts.username or parts.password:
        raise ValueError("Leave user names and passwords out of the address")
    if parts.query or parts.fragment:
        raise ValueError("The address cannot contain '?' or '#'")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


class SettingsFile:
    """Loads and saves ClientSettings at one path."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / SETTINGS_FILE

    def load(self) -> ClientSettings | None:
        """The saved choice, or None on first start (or when the file is unreadable)."""
        raw = read_json(self.path)
        if raw is None:
            return None
        try:
            return ClientSettings.from_json(raw)
        except ValueError as exc:
            # A damaged file should bring back the first-start choice, not stop the app.
            _log.warning("ignoring unreadable settings in %s: %s", self.path, exc)
            return None

    def save(self, settings: ClientSettings) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        write_json(self.path, settings.to_json())
