"""Pick what to share: a whole screen, one window (X11), or a region of a screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import plain_label
from app.viewmodels.media_controls import MediaControls

THUMBNAIL = QSize(240, 135)
KIND = Qt.ItemDataRole.UserRole + 1
SIZE = Qt.ItemDataRole.UserRole + 2


class ShareDialog(QDialog):
    """Lists screens then windows (with thumbnails); emits the chosen one's key (and region)."""

    chosen = Signal(str)
    regionChosen = Signal(str, object)  # key, (left, top, width, height) inside that screen

    def __init__(self, controls: MediaControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setWindowTitle("Share your screen")
        self.status = plain_label("Looking for screens and windows…", role="hint")
        self.screens = QListWidget()
        self.screens.setObjectName("screenList")
        self.screens.setAccessibleName("Screens and windows")
        self.screens.setViewMode(QListView.ViewMode.IconMode)
        self.screens.setIconSize(THUMBNAIL)
        # Room under each picture for three lines: a window's title may take two, then its size.
        self.screens.setGridSize(QSize(THUMBNAIL.width() + 24, THUMBNAIL.height() + 68))
        self.screens.setResizeMode(QListView.ResizeMode.Adjust)
        self.screens.setMovement(QListView.Movement.Static)
        self.screens.setWordWrap(True)
        self.screens.setMinimumSize(2 * THUMBNAIL.width() + 72, THUMBNAIL.height() + 72)

        # A region: typed, in pixels of the chosen screen (bounded by its size).
        self.region = QGroupBox("Only part of the screen")
        self.region.setObjectName("shareRegion")
        self.region.setCheckable(True)
        self.region.setChecked(False)
        self.left, self.top, self.width_box, self.height_box = (QSpinBox() for _ in range(4))
        row = QHBoxLayout(self.region)
        for label, box in (
            ("Left", self.left),
            ("Top", self.top),
            ("Width", self.width_box),
            ("Height", self.height_box),
        ):
            box.setAccessibleName(f"Region {label.lower()} in pixels")
            box.setSuffix(" px")
            row.addWidget(plain_label(label, wrap=False))
            row.addWidget(box, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok
        )
        self.share = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.share.setText("Share")
        self.share.setEnabled(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for choice, role in ((self.share, "primary"), (cancel, "secondary")):
            choice.setProperty("role", role)
            choice.style().unpolish(choice)
            choice.style().polish(choice)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Choose what to share. Everyone in the meeting will see it."))
        layout.addWidget(self.status)
        layout.addWidget(self.screens, 1)
        layout.addWidget(self.region)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.screens.itemSelectionChanged.connect(self._selected)
        self.screens.itemDoubleClicked.connect(lambda _item: self.accept())
        for box in (self.left, self.top, self.width_box, self.height_box):
            box.valueChanged.connect(self._bound)
        self._selected()
        controls.screensLoaded.connect(self._show)
        controls.load_screens()

    def accept(self) -> None:
        """Share the selected screen, window or region."""
        items = self.screens.selectedItems()
        if not items:
            return
        key = str(items[0].data(Qt.ItemDataRole.UserRole))
        if self.region.isEnabled() and self.region.isChecked():
            area = (
                self.left.value(),
                self.top.value(),
                self.width_box.value(),
                self.height_box.value(),
            )
            self.regionChosen.emit(key, area)
        else:
            self.chosen.emit(key)
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
            item.setData(KIND, screen.get("kind", "screen"))
            item.setData(SIZE, (int(screen.get("width", 0)), int(screen.get("height", 0))))
            item.setToolTip(screen["name"])
            self.screens.addItem(item)
        self.status.setText("" if screens else "No screen can be shared on this computer.")
        self.status.setVisible(not screens)
        if screens:
            self.screens.setCurrentRow(0)

    def _selected(self) -> None:
        items = self.screens.selectedItems()
        self.share.setEnabled(bool(items))
        screen = bool(items) and items[0].data(KIND) == "screen"
        # Regions are of a whole screen; a window is shared as it is.
        self.region.setEnabled(screen)
        width, height = items[0].data(SIZE) if screen else (0, 0)
        if screen and width >= 2 and height >= 2:
            self.left.setRange(0, width - 2)
            self.top.setRange(0, height - 2)
            self.width_box.setRange(2, width)
            self.height_box.setRange(2, height)
            if self.width_box.value() == 2 and self.height_box.value() == 2:
                self.width_box.setValue(width // 2)
                self.height_box.setValue(height // 2)
            self._bound()

    def _bound(self, *_args: object) -> None:
        """Keep the region inside the screen as the numbers change."""
        items = self.screens.selectedItems()
        if not items or items[0].data(KIND) != "screen":
            return
        width, height = items[0].data(SIZE)
        self.width_box.setMaximum(max(2, width - self.left.value()))
        self.height_box.setMaximum(max(2, height - self.top.value()))
