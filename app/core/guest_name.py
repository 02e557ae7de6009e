"""The display name last used to join as a guest, kept so the next invite is one click."""

from __future__ import annotations

from pathlib import Path

from app.core.json_file import read_json, write_json

GUEST_FILE = "guest.json"
MAX_NAME = 64


class GuestNameFile:
    """Loads and saves the guest display name in the config folder."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / GUEST_FILE

    def load(self) -> str:
        """The remembered name, "" when none (or the file is unreadable)."""
        data = read_json(self.path)
        name = data.get("display_name") if isinstance(data, dict) else None
        return name.strip()[:MAX_NAME] if isinstance(name, str) else ""

    def save(self, name: str) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        write_json(self.path, {"display_name": name}, indent=None)
