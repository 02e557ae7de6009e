"""Device settings: which microphone, speakers and camera the meeting uses."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from app.ui.widgets import plain_label
from app.viewmodels.media_controls import MediaControls

LABELS = {"microphone": "Microphone", "speaker": "Speakers", "camera": "Camera"}
DEFAULT = "System default"


class DeviceDialog(QDialog):
    """Three lists; a choice takes effect at once."""

    def __init__(self, controls: MediaControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("Audio and video settings")
        self.setMinimumWidth(420)
        self._controls = controls
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout(self)
        for kind, label in LABELS.items():
            box = QComboBox()
            box.setObjectName(f"{kind}Choice")
            box.setAccessibleName(label)
            box.setEnabled(False)
            box.activated.connect(lambda _i, k=kind: self._choose(k))
            self.boxes[kind] = box
            form.addRow(label, box)
        self.missing = plain_label("", role="hint")
        self.missing.setVisible(False)
        form.addRow(self.missing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        controls.devicesLoaded.connect(self._show)
        controls.load_devices()

    def _show(self, lists: dict[str, Any]) -> None:
        empty = []
        for kind, box in self.boxes.items():
            entry = lists.get(kind, {"choices": [], "selected": ""})
            box.clear()
            box.addItem(DEFAULT, "")
            for key, name in entry["choices"]:
                box.addItem(name, key)
            box.setCurrentIndex(max(0, box.findData(entry["selected"])))
            box.setEnabled(bool(entry["choices"]))
            if not entry["choices"]:
                empty.append(LABELS[kind].lower())
        self.missing.setText(f"Not found on this computer: {', '.join(empty)}." if empty else "")
        self.missing.setVisible(bool(empty))

    def _choose(self, kind: str) -> None:
        self._controls.choose_device(kind, str(self.boxes[kind].currentData() or ""))
