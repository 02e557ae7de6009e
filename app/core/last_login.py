"""The username last used to log in to each server, so the log-in form starts filled in.

Kept in the config folder as plain JSON: a login is not a secret (it is typed in the open and
shown on screen), unlike the session token, which stays in the keyring.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

LAST_LOGIN_FILE = "last-login.json"
MAX_LOGIN = 320
MAX_SERVERS = 20  # the most recently used servers are remembered, the rest forgotten


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or damaged: nothing remembered, which is harmless


def _write(path: Path, value: Any) -> None:
    """Replace the file in one step, so a crash never leaves half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class LastLoginFile:
    """Loads and saves the last login per server (by base URL)."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / LAST_LOGIN_FILE

    def _all(self) -> dict[str, str]:
        data = _read(self.path)
        servers = data.get("servers") if isinstance(data, dict) else None
        if not isinstance(servers, dict):
            return {}
        return {
            str(server): login[:MAX_LOGIN]
            for server, login in servers.items()
            if isinstance(login, str) and login.strip()
        }

    def load(self, server: str) -> str:
        """The last login used on `server`, "" when none."""
        return self._all().get(server, "")

    def save(self, server: str, login: str) -> None:
        """Remember `login` for `server` (most recent last); OSError if it cannot be written."""
        servers = self._all()
        servers.pop(server, None)
        servers[server] = login.strip()[:MAX_LOGIN]
        kept = dict(list(servers.items())[-MAX_SERVERS:])
        _write(self.path, {"servers": kept})
