"""The meeting's toolbar: microphone, camera, share, chat, people, hand, settings, more, leave.

Each button's action carries its keyboard shortcut, which its tooltip names. When the window is
too narrow for the labels, the buttons show icons only (their tooltips still say what they do).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QIcon, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMenu, QToolButton, QWidget

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
    "more": "",
    "fullscreen": "F11",
    "speaker": "Ctrl+Shift+V",
    "sound": "",
}
# A labelled button is at least this wide (style.qss min-width) plus its padding.
LABELLED_MIN = 68
LABEL_PADDING = 20


def _native(shortcut: str) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


class MeetingToolbar(QFrame):
    """Buttons bound to the media controls; chat/people/share/settings/leave are signals."""

    chatToggled = Signal(bool)
    peopleToggled = Signal(bool)
    shareRequested = Signal()
    settingsRequested = Signal()
    leaveRequested = Signal()
    fullScreenToggled = Signal(bool)
    speakerViewToggled = Signal(bool)
    soundToggled = Signal(bool)

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
            ("more", icon("more", WHITE), False),
        ]
        for name, image, checkable in left:
            row.addWidget(self._button(name, image, checkable))
        row.addStretch(1)
        for name, image, checkable in middle:
            row.addWidget(self._button(name, image, checkable))
        row.addStretch(1)
        row.addWidget(self._button("leave", icon("leave", "#ffffff"), False))
        self._row = row
        self._compact = False

        self.more_menu = QMenu(self)
        self.more_menu.setObjectName("meetingMenu")
        for name, text, icon_name in (
            ("speaker", "Speaker view", "speaker-view"),
            ("fullscreen", "Full screen", "maximize"),
            ("sound", "Sound for joins, leaves and raised hands", "bell"),
        ):
            action = QAction(icon(icon_name, "#1f2933"), text, self)
            action.setCheckable(True)
            if SHORTCUTS[name]:
                action.setShortcut(QKeySequence(SHORTCUTS[name]))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.actions_by_name[name] = action
            self.more_menu.addAction(action)
        self.actions_by_name["more"].setMenu(self.more_menu)
        self.buttons["more"].setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        actions = self.actions_by_name
        actions["mic"].triggered.connect(lambda: controls.toggle_mic())
        actions["camera"].triggered.connect(lambda: controls.toggle_camera())
        actions["hand"].triggered.connect(lambda: controls.toggle_hand())
        actions["share"].triggered.connect(self._share)
        actions["chat"].toggled.connect(self.chatToggled)
        actions["people"].toggled.connect(self.peopleToggled)
        actions["settings"].triggered.connect(self.settingsRequested)
        actions["leave"].triggered.connect(self.leaveRequested)
        actions["fullscreen"].toggled.connect(self.fullScreenToggled)
        actions["speaker"].toggled.connect(self.speakerViewToggled)
        actions["sound"].toggled.connect(self.soundToggled)
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
        self._tooltip("more", "Speaker view, full screen and notice sound")
        self._tooltip("speaker", "One person large, the others in a strip")
        self._fit()

    @property
    def compact(self) -> bool:
        """True while the buttons show icons only (the window is too narrow for labels)."""
        return self._compact

    def labelled_width(self) -> int:
        """How wide the toolbar must be for every button to show its label in full."""
        margins = self._row.contentsMargins()
        total = margins.left() + margins.right()
        total += self._row.spacing() * (len(self.buttons) - 1)
        for button in self.buttons.values():
            text = QFontMetrics(button.font()).horizontalAdvance(button.text())
            total += max(LABELLED_MIN, text) + LABEL_PADDING
        return total

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Switch between labelled and icon-only buttons as the width allows."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        compact = self.width() < self.labelled_width()
        if compact == self._compact:
            return
        self._compact = compact
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextUnderIcon
        )
        for button in self.buttons.values():
            button.setToolButtonStyle(style)
            button.setProperty("compact", compact)
            button.style().unpolish(button)
            button.style().polish(button)

    def _share(self) -> None:
        if self._controls.sharing:
            self._controls.stop_share()
        else:
            self.shareRequested.emit()
        self.refresh()

    def _button(self, name: str, image: QIcon, checkable: bool) -> QToolButton:
        action = QAction(image, name.title(), self)
        action.setCheckable(checkable)
        if SHORTCUTS[name]:
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
        self._fit()

    def _tooltip(self, name: str, tip: str) -> None:
        shortcut = SHORTCUTS[name]
        text = f"{tip} ({_native(shortcut)})" if tip and shortcut else tip
        self.actions_by_name[name].setToolTip(text)
