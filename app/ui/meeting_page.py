"""The meeting window: top bar, notices, video grid with a side panel, and the toolbar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
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
from app.ui.meeting_toolbar import MeetingToolbar
from app.ui.participants_panel import ParticipantsPanel
from app.ui.share_dialog import ShareDialog
from app.ui.video_grid import VideoGrid
from app.ui.widgets import Banner, button, plain_label
from app.viewmodels.meeting_viewmodel import MeetingState, MeetingViewModel

PANEL_WIDTH = 340
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
        self.vm = vm
        self.unread = 0
        self.share_dialog: ShareDialog | None = None
        self.device_dialog: DeviceDialog | None = None

        top = QFrame()
        top.setObjectName("meetingTopBar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(16, 8, 16, 8)
        top_row.setSpacing(10)
        self.subject = plain_label("", role="meetingSubject", wrap=False)
        self.code = plain_label("", role="meetingCode", wrap=False)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy = button("Copy", role="meetingCopy")
        self.copy.setObjectName("copyCodeButton")
        self.copy.setIcon(icon("copy", "#dfe6f0"))
        self.copy.setToolTip("Copy the join code")
        self.copy_invite = button("Copy invite", role="meetingCopy")
        self.copy_invite.setObjectName("copyInviteButton")
        self.copy_invite.setIcon(icon("copy", "#dfe6f0"))
        self.copy_invite.setToolTip("Copy the invite link to send to others")
        self.sharing = plain_label("", role="sharingPill", wrap=False)
        self.stop_sharing = button("Stop sharing", role="danger")
        self.count = plain_label("", role="meetingCount", wrap=False)
        top_row.addWidget(self.subject)
        top_row.addWidget(self.code)
        top_row.addWidget(self.copy)
        top_row.addWidget(self.copy_invite)
        top_row.addStretch(1)
        top_row.addWidget(self.sharing)
        top_row.addWidget(self.stop_sharing)
        top_row.addStretch(1)
        top_row.addWidget(self.count)

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

        self.toolbar = MeetingToolbar(vm.controls)
        for action in self.toolbar.actions_by_name.values():
            self.addAction(action)

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
        self.toolbar.leaveRequested.connect(vm.leave)
        vm.infoChanged.connect(self._show_info)
        vm.noticeChanged.connect(self.notice.show_message)
        vm.stateChanged.connect(self._on_state)
        vm.chatArrived.connect(self._on_chat)
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

    def show_chat(self, on: bool = True) -> None:
        """Open (or close) the chat panel."""
        self.toolbar.action("chat").setChecked(on)

    def show_people(self, on: bool = True) -> None:
        """Open (or close) the participants panel."""
        self.toolbar.action("people").setChecked(on)

    def copy_code(self) -> None:
        """Put the join code on the clipboard."""
        QGuiApplication.clipboard().setText(self.vm.join_code)
        self.copy.setText("Copied")
        QTimer.singleShot(COPIED_MS, self.copy, lambda: self.copy.setText("Copy"))

    def copy_invite_link(self) -> None:
        """Put the meeting's invite link on the clipboard."""
        QGuiApplication.clipboard().setText(self.vm.invite_url)
        self.copy_invite.setText("Copied")
        QTimer.singleShot(
            COPIED_MS, self.copy_invite, lambda: self.copy_invite.setText("Copy invite")
        )

    def open_share_dialog(self) -> ShareDialog:
        """The screen picker; choosing a screen starts sharing it."""
        dialog = ShareDialog(self.vm.controls, self)
        dialog.chosen.connect(self.vm.controls.share_screen)
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

    def _on_chat(self) -> None:
        if not (self.side.isVisible() and self.side.currentWidget() is self.chat):
            self.unread += 1
            self.toolbar.set_unread(self.unread)

    def _on_state(self, state: str) -> None:
        if state == MeetingState.IN_MEETING:
            self.missing.show_message("\n".join(self.vm.missing))
            self.toolbar.refresh()
        elif state == MeetingState.IDLE:
            self.unread = 0
            self.toolbar.set_unread(0)
            for name in ("chat", "people"):
                self.toolbar.action(name).setChecked(False)
            for dialog in (self.share_dialog, self.device_dialog):
                if dialog is not None and dialog.isVisible():
                    dialog.reject()

    def _show_info(self) -> None:
        self.subject.setText(self.vm.subject)
        self.code.setText(f"Join code {self.vm.join_code}" if self.vm.join_code else "")
        self.copy.setVisible(bool(self.vm.join_code))
        self.copy_invite.setVisible(bool(self.vm.invite_url))

    def _show_sharing(self) -> None:
        name = self.vm.controls.sharing_name
        self.sharing.setText(f"You are sharing {name}" if name else "")
        self.sharing.setVisible(bool(name))
        self.stop_sharing.setVisible(bool(name))

    def _show_count(self, *_args: object) -> None:
        count = self.vm.participants.rowCount()
        self.count.setText(f"{count} in the meeting" if count != 1 else "Only you so far")
