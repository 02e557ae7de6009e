"""Where to save a file: the system's save dialog, opening in the user's Downloads folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def downloads_folder() -> Path:
    """The user's Downloads folder (as the desktop names it), else their home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    """Ask where to save `suggested` (a file name), starting in Downloads; "" when cancelled."""
    start = downloads_folder() / suggested
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return path
