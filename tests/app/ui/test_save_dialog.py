"""Save dialogs open in the user's Downloads folder (home when there is none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.ui.save_dialog import ask_save_path
from app.viewmodels.save_location import downloads_folder


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, with the desktop's folder names in its config."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n')
    return home


def shown_folder(qtbot: QtBot, parent: QWidget, suggested: str) -> tuple[str, str]:
    """Open the real save dialog, note its folder and file name, and cancel it."""
    seen: list[tuple[str, str]] = []

    def look_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, look_and_cancel)  # not up yet
            return
        names = dialog.selectedFiles()
        seen.append((dialog.directory().absolutePath(), Path(names[0]).name if names else ""))
        dialog.reject()

    QTimer.singleShot(0, look_and_cancel)
    assert ask_save_path(parent, "Save my data", suggested, "ZIP archives (*.zip)") == ""
    assert len(seen) == 1
    return seen[0]


def test_the_save_dialog_opens_in_downloads(qtbot: QtBot, home: Path) -> None:
    downloads = home / "Téléchargements"  # the desktop's name for it, in any language
    downloads.mkdir()
    parent = QWidget()
    qtbot.addWidget(parent)
    assert downloads_folder() == downloads
    assert shown_folder(qtbot, parent, "podium-export-2026-12-02.zip") == (
        str(downloads),
        "podium-export-2026-12-02.zip",
    )


def test_without_a_downloads_folder_it_opens_at_home(qtbot: QtBot, home: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    assert downloads_folder() == home
    assert shown_folder(qtbot, parent, "contacts.csv") == (str(home), "contacts.csv")
