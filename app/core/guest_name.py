"""The display name last used to join as a guest, kept so the next invite is one click."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

GUEST_FILE = "guest.json"
MAX_NAME = 64

_log = logging.getLogger(__name__)


class GuestNameFile:
    """Loads and saves the guest display name in the config folder."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / GUEST_FILE

    def load(self) -> str:
        """The remembered name, "" when none (or the file is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ""
        except (OSError, ValueError) as exc:
            _log.warning("ignoring unreadable %s: %s", self.path, exc)
            return ""
        name = data.get("display_name") if isinstance(data, dict) else None
        return name.strip()[:MAX_NAME] if isinstance(name, str) else ""

    def save(self, name: str) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".guest-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"display_name": name}, handle)
                handle.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
