"""Pick a screen to share: one thumbnail per monitor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import plain_label
from app.viewmodels.media_controls import MediaControls

THUMBNAIL = QSize(240, 135)


class ShareDialog(QDialog):
    """Lists the monitors (with thumbnails) and emits the chosen one's key."""

    chosen = Signal(str)

    def __init__(self, controls: MediaControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setWindowTitle("Share a screen")
        self.status = plain_label("Looking for screens…", role="hint")
        self.screens = QListWidget()
        self.screens.setObjectName("screenList")
        self.screens.setViewMode(QListView.ViewMode.IconMode)
        self.screens.setIconSize(THUMBNAIL)
        self.screens.setGridSize(QSize(THUMBNAIL.width() + 24, THUMBNAIL.height() + 48))
        self.screens.setResizeMode(QListView.ResizeMode.Adjust)
        self.screens.setMovement(QListView.Movement.Static)
        self.screens.setWordWrap(True)
        self.screens.setMinimumSize(2 * THUMBNAIL.width() + 72, THUMBNAIL.height() + 72)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok
        )
        self.share = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.share.setText("Share")
        self.share.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Choose what to share. Everyone in the meeting will see it."))
        layout.addWidget(self.status)
        layout.addWidget(self.screens, 1)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.screens.itemSelectionChanged.connect(
            lambda: self.share.setEnabled(bool(self.screens.selectedItems()))
        )
        self.screens.itemDoubleClicked.connect(lambda _item: self.accept())
        controls.screensLoaded.connect(self._show)
        controls.load_screens()

    def accept(self) -> None:
        """Share the selected screen."""
        items = self.screens.selectedItems()
        if not items:
            return
        self.chosen.emit(str(items[0].data(Qt.ItemDataRole.UserRole)))
        super().accept()

    def _show(self, screens: list[dict[str, Any]]) -> None:
        self.screens.clear()
        for screen in screens:
            text = f"{screen['name']}\n{screen['size']}" if screen["size"] else screen["name"]
            item = QListWidgetItem(text)
            image = screen.get("image")
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setData(Qt.ItemDataRole.UserRole, screen["key"])
            item.setToolTip(screen["name"])
            self.screens.addItem(item)
        self.status.setText("" if screens else "No screen can be shared on this computer.")
        self.status.setVisible(not screens)
        if screens:
            self.screens.setCurrentRow(0)
