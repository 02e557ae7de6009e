"""The meeting's Settings: the pre-join device check, acting on the running call."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.ui.device_panel import DevicePanel
from app.ui.widgets import Banner
from app.viewmodels.media_controls import MediaControls
from app.viewmodels.meeting_settings_viewmodel import MeetingSettingsViewModel


class DeviceDialog(QDialog):
    """Camera picture, microphone level, speaker test and pickers; a choice takes effect at once."""

    def __init__(self, controls: MediaControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("Audio and video settings")
        self.setMinimumWidth(460)
        self.vm = MeetingSettingsViewModel(controls, self)
        # Stacked: the meeting window may be small, and the dialog is sized once, on opening.
        self.panel = DevicePanel(self.vm, stacked=True)
        self.panel.setMinimumWidth(420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(16)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        self.finished.connect(lambda _result: self.vm.close())
        self.vm.open()

    @property
    def boxes(self) -> dict[str, QComboBox]:
        """The camera, microphone and speaker pickers."""
        return self.panel.boxes

    @property
    def missing(self) -> Banner:
        """What this machine lacks, in sentences."""
        return self.panel.missing
