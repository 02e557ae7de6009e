"""The user's appearance choice (high contrast on or off), kept in the config folder."""

from __future__ import annotations

from pathlib import Path

from app.core.json_file import read_json, write_json

APPEARANCE_FILE = "appearance.json"


class AppearancePrefsFile:
    """Loads and saves whether the high-contrast theme is on (off unless the user chose it)."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / APPEARANCE_FILE

    def load_high_contrast(self) -> bool:
        """True only when the file says so; a missing or unreadable file means off."""
        data = read_json(self.path)
        return isinstance(data, dict) and data.get("high_contrast") is True

    def save_high_contrast(self, on: bool) -> None:
        """Remember the choice for the next start."""
        write_json(self.path, {"high_contrast": on})
