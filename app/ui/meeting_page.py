"""The meeting window: top bar, notices, video grid with a side panel, and the toolbar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.chat_panel import ChatPanel
from app.ui.device_dialog import DeviceDialog
from app.ui.icons import icon
from app.ui.leave_dialog import LeaveDialog, ask_leave
from app.ui.meeting_toolbar import MeetingToolbar
from app.ui.meeting_top_bar import MeetingTopBar
from app.ui.participants_panel import ParticipantsPanel
from app.ui.presence_toasts import PresenceToasts
from app.ui.share_dialog import ShareDialog
from app.ui.video_grid import VideoGrid
from app.ui.widgets import Banner
from app.viewmodels.meeting_viewmodel import MeetingState, MeetingViewModel

PANEL_WIDTH = 340
# Below this width the video and a side panel do not both fit: an open panel folds away, and
# opening one then shows it in place of the video.
NARROW_WIDTH = 860
MINIMUM_SIZE = (640, 460)
WIDGET_SIZE_MAX = 16777215  # QWIDGETSIZE_MAX, which PySide6 does not export
COPIED_MS = 2000


class NoticeStrip(QFrame):
    """A banner with a close button."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeStrip")
        self.banner = Banner(kind)
        self.close_button = QToolButton()
        self.close_button.setIcon(icon("close", "#aab4c0"))
        self.close_button.setProperty("role", "dismiss")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 0)
        row.setSpacing(6)
        row.addWidget(self.banner, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.close_button.clicked.connect(lambda: self.show_message(""))
        self.setVisible(False)

    def text(self) -> str:
        """The message shown."""
        return self.banner.text()

    def show_message(self, text: str) -> None:
        """Show the text, or hide when empty."""
        self.banner.show_message(text)
        self.setVisible(bool(text))


class MeetingPage(QWidget):
    """Everything on screen while in a meeting; all of it follows the MeetingViewModel."""

    def __init__(self, vm: MeetingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.vm = vm
        self.narrow = False
        self._was_maximized = False
        self.unread = 0
        self.share_dialog: ShareDialog | None = None
        self.device_dialog: DeviceDialog | None = None
        self.leave_dialog: LeaveDialog | None = None  # a host's Leave question, while open

        top = self.top = MeetingTopBar()
        self.subject, self.code = top.subject, top.code
        self.copy, self.copy_invite = top.copy, top.copy_invite
        self.sharing, self.stop_sharing, self.count = top.sharing, top.stop_sharing, top.count

        self.notice = NoticeStrip("info")
        self.notice.setObjectName("meetingNotice")
        self.missing = NoticeStrip("warning")
        self.missing.setObjectName("missingDevices")

        self.grid = VideoGrid(vm)
        self.chat = ChatPanel(vm)
        self.people = ParticipantsPanel(vm)
        self.side = QStackedWidget()
        self.side.setObjectName("sidePanel")
        self.side.setFixedWidth(PANEL_WIDTH)
        self.side.addWidget(self.chat)
        self.side.addWidget(self.people)
        self.side.hide()
        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 8, 8)
        middle.setSpacing(0)
        middle.addWidget(self.grid, 1)
        middle.addWidget(self.side)

        self.toasts = PresenceToasts(self.grid, self)

        self.toolbar = MeetingToolbar(vm.controls)
        for action in self.toolbar.actions_by_name.values():
            self.addAction(action)
        # Esc leaves full screen (only then: elsewhere Esc belongs to dialogs and fields).
        self.leave_full_screen = QAction("Leave full screen", self)
        self.leave_full_screen.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_full_screen.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_full_screen.setEnabled(False)
        self.leave_full_screen.triggered.connect(lambda: self.set_full_screen(False))
        self.addAction(self.leave_full_screen)
        sound = self.toolbar.action("sound")
        sound.setChecked(vm.presence.sound)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.missing)
        layout.addLayout(middle, 1)
        layout.addWidget(self.toolbar)

        self.copy.clicked.connect(self.copy_code)
        self.copy_invite.clicked.connect(self.copy_invite_link)
        self.stop_sharing.clicked.connect(vm.controls.stop_share)
        self.toolbar.chatToggled.connect(lambda on: self._panel(self.chat, on))
        self.toolbar.peopleToggled.connect(lambda on: self._panel(self.people, on))
        self.toolbar.shareRequested.connect(self.open_share_dialog)
        self.toolbar.settingsRequested.connect(self.open_device_dialog)
        self.toolbar.leaveRequested.connect(self.request_leave)
        self.toolbar.fullScreenToggled.connect(self.set_full_screen)
        self.toolbar.speakerViewToggled.connect(vm.layout.set_speaker_view)
        vm.layout.changed.connect(self._show_view)
        self.toolbar.soundToggled.connect(vm.presence.set_sound)
        vm.presence.soundChanged.connect(sound.setChecked)
        vm.infoChanged.connect(self._show_info)
        vm.noticeChanged.connect(self.notice.show_message)
        vm.stateChanged.connect(self._on_state)
        vm.chatArrived.connect(self._on_chat)
        vm.presence.announced.connect(self.toasts.add)
        vm.controls.changed.connect(self._show_sharing)
        for signal in (
            vm.participants.modelReset,
            vm.participants.rowsInserted,
            vm.participants.rowsRemoved,
        ):
            signal.connect(self._show_count)
        self._show_info()
        self._show_sharing()
        self._show_count()
        self._show_view()

    def show_chat(self, on: bool = True) -> None:
        """Open (or close) the chat panel."""
        self.toolbar.action("chat").setChecked(on)

    def show_people(self, on: bool = True) -> None:
        """Open (or close) the participants panel."""
        self.toolbar.action("people").setChecked(on)

    def set_full_screen(self, on: bool) -> None:
        """Fill the screen with the meeting window (F11), or go back (F11 again, or Esc)."""
        window = self.window()
        if on and not window.isFullScreen():
            self._was_maximized = window.isMaximized()
            window.showFullScreen()
        elif not on and window.isFullScreen():
            window.showMaximized() if self._was_maximized else window.showNormal()
        self.leave_full_screen.setEnabled(on)
        action = self.toolbar.action("fullscreen")
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fold the side panel away when the window gets too narrow for it beside the video."""
        super().resizeEvent(event)
        narrow = self.width() < NARROW_WIDTH
        if narrow != self.narrow:
            self.narrow = narrow
            if narrow:
                self.show_chat(False)
                self.show_people(False)
            self._arrange()

    def copy_code(self) -> None:
        """Put the join code on the clipboard."""
        QGuiApplication.clipboard().setText(self.vm.join_code)
        self.top.set_copy_text(self.copy, "Copied")
        QTimer.singleShot(COPIED_MS, self.copy, lambda: self.top.set_copy_text(self.copy, "Copy"))

    def copy_invite_link(self) -> None:
        """Put the meeting's invite link on the clipboard."""
        QGuiApplication.clipboard().setText(self.vm.invite_url)
        self.top.set_copy_text(self.copy_invite, "Copied")
        QTimer.singleShot(
            COPIED_MS,
            self.copy_invite,
            lambda: self.top.set_copy_text(self.copy_invite, "Copy invite"),
        )

    def request_leave(self) -> None:
        """Leave; a host is asked first whether to end the meeting for everyone."""
        self.leave_dialog = ask_leave(self.vm, self)

    def open_share_dialog(self) -> ShareDialog:
        """The screen picker; choosing a screen starts sharing it."""
        dialog = ShareDialog(self.vm.controls, self)
        dialog.chosen.connect(self.vm.controls.share_screen)
        dialog.regionChosen.connect(lambda key, area: self.vm.controls.share_screen(key, area))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.share_dialog = dialog
        dialog.open()
        return dialog

    def open_device_dialog(self) -> DeviceDialog:
        """Microphone, speakers and camera settings."""
        dialog = DeviceDialog(self.vm.controls, self)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.device_dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        if self.share_dialog is dialog:
            self.share_dialog = None
        if self.device_dialog is dialog:
            self.device_dialog = None
        dialog.deleteLater()

    def _panel(self, panel: QWidget, on: bool) -> None:
        other = "people" if panel is self.chat else "chat"
        if on:
            self.toolbar.action(other).setChecked(False)
            self.side.setCurrentWidget(panel)
            self.side.show()
            if panel is self.chat:
                self.unread = 0
                self.toolbar.set_unread(0)
                self.chat.input.setFocus()
        elif self.side.currentWidget() is panel:
            self.side.hide()
        self._arrange()

    def _arrange(self) -> None:
        """Side panel beside the video, or, in a narrow window, in its place."""
        instead = self.narrow and not self.side.isHidden()
        self.grid.setVisible(not instead)
        if instead:
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(WIDGET_SIZE_MAX)
        else:
            self.side.setFixedWidth(PANEL_WIDTH)

    def _on_chat(self) -> None:
        if not (self.side.isVisible() and self.side.currentWidget() is self.chat):
            self.unread += 1
            self.toolbar.set_unread(self.unread)

    def _on_state(self, state: str) -> None:
        if state == MeetingState.IN_MEETING:
            self.missing.show_message("\n".join(self.vm.missing))
            self.toolbar.refresh()
        elif state == MeetingState.IDLE:
            self.toasts.clear()
            self.set_full_screen(False)
            self.unread = 0
            self.toolbar.set_unread(0)
            for name in ("chat", "people"):
                self.toolbar.action(name).setChecked(False)
            for dialog in (self.share_dialog, self.device_dialog):
                if dialog is not None and dialog.isVisible():
                    dialog.reject()

    def _show_info(self) -> None:
        self.copy_invite.setVisible(bool(self.vm.invite_url))
        self.top.show_info(self.vm.subject, self.vm.join_code)

    def _show_sharing(self) -> None:
        self.top.show_sharing(self.vm.controls.sharing_name)

    def _show_view(self) -> None:
        action = self.toolbar.action("speaker")
        action.blockSignals(True)
        action.setChecked(self.vm.layout.speaker_view)
        action.blockSignals(False)

    def _show_count(self, *_args: object) -> None:
        self.top.show_count(self.vm.participants.rowCount())
