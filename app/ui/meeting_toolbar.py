"""The meeting's toolbar: microphone, camera, share, chat, people, hand, settings, leave.

Each button's action carries its keyboard shortcut, which its tooltip names.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from app.ui.icons import icon, toggle_icon
from app.viewmodels.media_controls import MediaControls

WHITE = "#f4f6f9"
RED = "#ff6b6b"
SHORTCUTS = {
    "mic": "Ctrl+D",
    "camera": "Ctrl+E",
    "share": "Ctrl+Shift+S",
    "chat": "Ctrl+Shift+C",
    "people": "Ctrl+Shift+P",
    "hand": "Ctrl+Shift+H",
    "settings": "Ctrl+,",
    "leave": "Ctrl+Shift+L",
}


def _native(shortcut: str) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


class MeetingToolbar(QFrame):
    """Buttons bound to the media controls; chat/people/share/settings/leave are signals."""

    chatToggled = Signal(bool)
    peopleToggled = Signal(bool)
    shareRequested = Signal()
    settingsRequested = Signal()
    leaveRequested = Signal()

    def __init__(self, controls: MediaControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingToolbar")
        self._controls = controls
        self.actions_by_name: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(6)
        left = [
            ("mic", toggle_icon("mic", "mic-off", WHITE, RED), True),
            ("camera", toggle_icon("video", "video-off", WHITE, RED), True),
        ]
        middle = [
            ("share", toggle_icon("screen-off", "screen", "#7ee2a8", WHITE), True),
            ("chat", icon("chat", WHITE), True),
            ("people", icon("users", WHITE), True),
            ("hand", icon("hand", WHITE), True),
            ("settings", icon("settings", WHITE), False),
        ]
        for name, image, checkable in left:
            row.addWidget(self._button(name, image, checkable))
        row.addStretch(1)
        for name, image, checkable in middle:
            row.addWidget(self._button(name, image, checkable))
        row.addStretch(1)
        row.addWidget(self._button("leave", icon("leave", "#ffffff"), False))

        actions = self.actions_by_name
        actions["mic"].triggered.connect(lambda: controls.toggle_mic())
        actions["camera"].triggered.connect(lambda: controls.toggle_camera())
        actions["hand"].triggered.connect(lambda: controls.toggle_hand())
        actions["share"].triggered.connect(self._share)
        actions["chat"].toggled.connect(self.chatToggled)
        actions["people"].toggled.connect(self.peopleToggled)
        actions["settings"].triggered.connect(self.settingsRequested)
        actions["leave"].triggered.connect(self.leaveRequested)
        controls.changed.connect(self.refresh)
        self.refresh()

    def action(self, name: str) -> QAction:
        """One of the toolbar's actions by name."""
        return self.actions_by_name[name]

    def set_unread(self, count: int) -> None:
        """Show how many chat messages arrived while the chat was closed."""
        self._label("chat", f"Chat ({count})" if count else "Chat")

    def refresh(self) -> None:
        """Follow the controls' state: checked marks, labels and tooltips."""
        c = self._controls
        self._set(
            "mic",
            c.can("microphone"),
            c.mic_on,
            "Mute" if c.mic_on else "Unmute",
            "Mute your microphone" if c.mic_on else "Unmute your microphone",
            "No microphone found",
        )
        self._set(
            "camera",
            c.can("camera"),
            c.camera_on,
            "Stop video" if c.camera_on else "Start video",
            "Turn your camera off" if c.camera_on else "Turn your camera on",
            "No camera found",
        )
        self._set(
            "share",
            c.can("screen"),
            c.sharing,
            "Stop share" if c.sharing else "Share",
            "Stop sharing your screen" if c.sharing else "Share a screen",
            "Screen sharing is not available",
        )
        self._set(
            "hand",
            True,
            c.hand_raised,
            "Lower hand" if c.hand_raised else "Raise hand",
            "Lower your hand" if c.hand_raised else "Raise your hand",
            "",
        )
        self._tooltip("chat", "Show or hide the chat")
        self._tooltip("people", "Show or hide the participants")
        self._tooltip("settings", "Microphone, speakers and camera")
        self._tooltip("leave", "Leave the meeting")

    def _share(self) -> None:
        if self._controls.sharing:
            self._controls.stop_share()
        else:
            self.shareRequested.emit()
        self.refresh()

    def _button(self, name: str, image: QIcon, checkable: bool) -> QToolButton:
        action = QAction(image, name.title(), self)
        action.setCheckable(checkable)
        action.setShortcut(QKeySequence(SHORTCUTS[name]))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.actions_by_name[name] = action
        button = QToolButton()
        button.setObjectName(f"{name}Button")
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setIconSize(QSize(22, 22))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setProperty("role", "meetingTool")
        self.buttons[name] = button
        return button

    def _set(
        self, name: str, enabled: bool, checked: bool, text: str, tip: str, missing: str
    ) -> None:
        action = self.actions_by_name[name]
        action.setEnabled(enabled)
        action.blockSignals(True)
        action.setChecked(checked and enabled)
        action.blockSignals(False)
        self._label(name, text)
        self._tooltip(name, tip if enabled else missing)

    def _label(self, name: str, text: str) -> None:
        self.actions_by_name[name].setText(text)

    def _tooltip(self, name: str, tip: str) -> None:
        self.actions_by_name[name].setToolTip(f"{tip} ({_native(SHORTCUTS[name])})" if tip else "")
