"""The device check: camera picture, microphone level, speaker test, pickers, name and switches.

One widget for the pre-join page and the meeting's Settings; it only shows a DeviceCheck
view-model and passes on what the user does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import Banner, button, plain_label
from app.viewmodels.device_check import DeviceCheck

LABELS = {"camera": "Camera", "microphone": "Microphone", "speaker": "Speaker"}
DEFAULT = "System default"
NOTHING = {"camera": "No camera found", "microphone": "No microphone found", "speaker": "None"}
NARROW = 500  # below this width the picture goes above the pickers
STACKED_PREVIEW_WIDTH = 352  # the picture's width when it sits above them
PREVIEW_MINIMUM = (208, 117)
PREVIEW_BACKGROUND = QColor("#1f2933")
PREVIEW_TEXT = QColor("#e4e7eb")


class PreviewBox(QWidget):
    """The camera picture, fitted into a 16:9 box, or a line saying why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraPreview")
        self.setAccessibleName("Camera preview")
        self.image = QImage()
        self.caption = ""
        self.frames_shown = 0
        self.setMinimumSize(*PREVIEW_MINIMUM)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * 9 // 16

    def sizeHint(self) -> QSize:
        return QSize(400, 225)

    def show_image(self, image: QImage) -> None:
        """Paint this picture next (a null image: the caption instead)."""
        self.image = image
        if not image.isNull():
            self.frames_shown += 1
        self.update()

    def set_caption(self, text: str) -> None:
        """What to say while there is no picture."""
        self.caption = text
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        box = self._box()
        painter.fillRect(box, PREVIEW_BACKGROUND)
        if self.image.isNull():
            painter.setPen(PREVIEW_TEXT)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.caption
            )
            return
        size = self.image.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(box.center())
        painter.drawImage(target, self.image)

    def _box(self) -> QRect:
        width = min(self.width(), self.height() * 16 // 9)
        box = QRect(0, 0, width, width * 9 // 16)
        box.moveCenter(self.rect().center())
        return box


class DevicePanel(QWidget):
    """Shows a DeviceCheck; each choice goes to it at once."""

    def __init__(
        self, vm: DeviceCheck, *, stacked: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("devicePanel")
        self.vm = vm
        self._always_stacked = stacked
        self.preview = PreviewBox()
        self.mic_on = QCheckBox("Microphone on")
        self.mic_on.setObjectName("micOnSwitch")
        self.camera_on = QCheckBox("Camera on")
        self.camera_on.setObjectName("cameraOnSwitch")
        switches = QHBoxLayout()
        switches.addWidget(self.mic_on)
        switches.addWidget(self.camera_on)
        switches.addStretch(1)
        picture = QVBoxLayout()
        picture.setSpacing(10)
        picture.addWidget(self.preview)
        self._picture = picture
        picture.addLayout(switches)
        picture.addStretch(1)

        self.name_label = plain_label("Your name in the meeting", role="field")
        # Shown, not edited: a meeting has no name of its own for a member (the join message
        # carries none), and a guest gave theirs on the invite page.
        self.name = plain_label(role="cardTitle")
        self.name.setObjectName("displayName")
        self.name.setAccessibleName("Your name in the meeting")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_note = plain_label(role="hint")
        self.boxes: dict[str, QComboBox] = {}
        pickers = QVBoxLayout()
        pickers.setSpacing(6)
        for widget in (self.name_label, self.name, self.name_note):
            pickers.addWidget(widget)
        for kind, label in LABELS.items():
            box = QComboBox()
            box.setObjectName(f"{kind}Choice")
            box.setAccessibleName(label)
            box.setEnabled(False)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
            box.activated.connect(lambda _index, k=kind: self._choose(k))
            self.boxes[kind] = box
            title = plain_label(label, role="field")
            title.setBuddy(box)
            pickers.addSpacing(6)
            pickers.addWidget(title)
            pickers.addWidget(box)
            if kind == "microphone":
                self.level = QProgressBar()
                self.level.setObjectName("micLevel")
                self.level.setAccessibleName("Microphone level")
                self.level.setRange(0, 100)
                self.level.setTextVisible(False)
                self.level.setFixedHeight(8)
                pickers.addWidget(self.level)
        self.test_speaker = button("Test speaker", role="secondary")
        self.test_speaker.setObjectName("testSpeakerButton")
        self.test_speaker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.message = plain_label(role="hint")
        self.message.setObjectName("deviceMessage")
        self.message.setVisible(False)
        speaker_test = QHBoxLayout()
        speaker_test.setSpacing(10)
        speaker_test.addWidget(
            self.test_speaker, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        )
        speaker_test.addWidget(self.message, 1)
        self.missing = Banner("warning")
        self.missing.setObjectName("devicesMissing")
        pickers.addSpacing(2)
        pickers.addLayout(speaker_test)
        pickers.addSpacing(4)
        pickers.addWidget(self.missing)
        pickers.addStretch(1)

        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.setSpacing(24)
        self.columns.addLayout(picture, 3)
        self.columns.addLayout(pickers, 2)
        self._stack(stacked)

        self.mic_on.toggled.connect(self._mic_toggled)
        self.camera_on.toggled.connect(self._camera_toggled)
        self.test_speaker.clicked.connect(vm.test_speaker)
        vm.devicesLoaded.connect(self._show_lists)
        vm.previewChanged.connect(self.preview.show_image)
        vm.levelChanged.connect(lambda level: self.level.setValue(round(100 * level)))
        vm.changed.connect(self._show_state)
        vm.messageChanged.connect(self._show_message)
        vm.missingChanged.connect(lambda lines: self.missing.show_message("\n".join(lines)))
        self.missing.show_message("\n".join(vm.missing))
        self.show_name()
        self._show_state()

    def show_name(self) -> None:
        """The name others see and where it comes from (hidden when there is none to show)."""
        self.name.setText(self.vm.name)
        self.name_note.setText(self.vm.name_note)
        for widget in (self.name_label, self.name):
            widget.setVisible(bool(self.vm.name))
        self.name_note.setVisible(bool(self.vm.name_note))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._stack(self._always_stacked or event.size().width() < NARROW)
        super().resizeEvent(event)

    def _stack(self, stacked: bool) -> None:
        """The picture above the pickers (narrow), or beside them."""
        direction = (
            QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        )
        if self.columns.direction() == direction:
            return
        self.columns.setDirection(direction)
        self.columns.setSpacing(12 if stacked else 24)
        self._picture.setAlignment(
            self.preview, Qt.AlignmentFlag.AlignHCenter if stacked else Qt.AlignmentFlag(0)
        )
        if stacked:
            # A fixed box: dialogs size themselves from hints, which ignore height-for-width.
            self.preview.setFixedSize(STACKED_PREVIEW_WIDTH, STACKED_PREVIEW_WIDTH * 9 // 16)
        else:
            self.preview.setMinimumSize(*PREVIEW_MINIMUM)
            self.preview.setMaximumSize(16777215, 16777215)
        self.updateGeometry()

    def _show_lists(self, lists: dict[str, Any]) -> None:
        for kind, box in self.boxes.items():
            entry = lists.get(kind, {"choices": [], "selected": ""})
            box.clear()
            if entry["choices"]:
                box.addItem(DEFAULT, "")
                for key, name in entry["choices"]:
                    box.addItem(name, key)
                box.setCurrentIndex(max(0, box.findData(entry["selected"])))
            else:
                box.addItem(NOTHING[kind], "")
            box.setEnabled(bool(entry["choices"]))
        self._show_state()

    def _show_state(self) -> None:
        vm = self.vm
        for switch, kind, on in (
            (self.mic_on, "microphone", vm.mic_on),
            (self.camera_on, "camera", vm.camera_on),
        ):
            switch.blockSignals(True)
            switch.setChecked(on and vm.has(kind))
            switch.setEnabled(vm.has(kind))
            switch.blockSignals(False)
        self.level.setEnabled(vm.mic_on and vm.has("microphone"))
        if not vm.mic_on:
            self.level.setValue(0)
        if not vm.has("camera"):
            caption = "No camera: others will see your initials."
        elif not vm.camera_on:
            caption = "Your camera is off."
        else:
            caption = "Starting the camera…"
        self.preview.set_caption(caption)
        self.test_speaker.setEnabled(vm.has("speaker"))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _mic_toggled(self, on: bool) -> None:
        self.vm.set_mic(on)

    def _camera_toggled(self, on: bool) -> None:
        self.vm.set_camera(on)

    def _choose(self, kind: str) -> None:
        self.vm.choose(kind, str(self.boxes[kind].currentData() or ""))
