"""Where to save a file: the system's save dialog, opening in the user's Downloads folder."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from app.viewmodels.save_location import initial_save_path


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    """Ask where to save `suggested` (a file name), starting in Downloads; "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, initial_save_path(suggested), filters)
    return path
