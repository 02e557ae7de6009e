"""Where save dialogs start: the user's Downloads folder (as the desktop names it), else home."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def downloads_folder() -> Path:
    """The Downloads folder when it exists, else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def initial_save_path(suggested: str) -> str:
    """The path a save dialog offers first: `suggested` (a file name) in Downloads."""
    return str(downloads_folder() / suggested)
