"""A host's Leave: leave (the meeting goes on), end it for everyone, or stay."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.ui.dialogs import fit_height
from app.ui.widgets import button, plain_label
from app.viewmodels.host_actions import END_FOR_EVERYONE, LEAVE_ONLY
from app.viewmodels.meeting_viewmodel import MeetingState, MeetingViewModel

WIDTH = 440


class LeaveChoice(IntEnum):
    """The dialog's result codes (QDialog.result()); Cancel and Escape give STAY."""

    STAY = 0
    LEAVE = 1
    END = 2


class LeaveDialog(QDialog):
    """Dark, as the meeting screen; Enter leaves (the safe choice), Escape stays."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leaveDialog")
        self.setWindowTitle("Leave the meeting")
        self.setAccessibleName("Leave the meeting")
        self.setModal(True)
        self.question = plain_label(
            "Leave the meeting, or end it for everyone?", role="dialogTitle"
        )
        self.explanation = plain_label(
            "If you leave, the meeting goes on without you and you can join again. "
            "Ending it removes everyone, and nobody can join it again.",
            role="hint",
        )
        self.cancel = self._button("Cancel", "Stay in the meeting", "secondary")
        self.leave = self._button(LEAVE_ONLY, "Leave; the meeting goes on", "secondary")
        self.end = self._button(END_FOR_EVERYONE.label, "End the meeting for everyone", "danger")
        self.leave.setObjectName("leaveOnlyButton")
        self.end.setObjectName("endForEveryoneButton")
        self.leave.setDefault(True)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        for widget in (self.cancel, self.leave, self.end):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.question)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.setTabOrder(self.leave, self.end)
        self.setTabOrder(self.end, self.cancel)

        self.cancel.clicked.connect(self.reject)
        self.leave.clicked.connect(lambda: self.done(LeaveChoice.LEAVE))
        self.end.clicked.connect(lambda: self.done(LeaveChoice.END))
        self.resize(WIDTH, self.sizeHint().height())
        fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        """Focus starts on Leave, so Enter or Space is the choice that ends nothing."""
        super().showEvent(event)
        self.leave.setFocus(Qt.FocusReason.OtherFocusReason)

    def meeting_state(self, state: str) -> None:
        """Close unasked when the meeting ended, or we were removed, while the question was open."""
        if state != MeetingState.IN_MEETING and self.isVisible():
            self.reject()

    def choice(self) -> LeaveChoice:
        """What was chosen, once the dialog has finished."""
        result = self.result()
        return LeaveChoice(result) if result in {c.value for c in LeaveChoice} else LeaveChoice.STAY

    @staticmethod
    def _button(text: str, accessible: str, role: str) -> QPushButton:
        widget = button(text, role=role)
        widget.setAccessibleName(text)
        widget.setAccessibleDescription(accessible)
        widget.setAutoDefault(True)  # Enter presses whichever button has the focus
        return widget


def ask_leave(vm: MeetingViewModel, parent: QWidget) -> LeaveDialog | None:
    """Leave at once; a host is asked first (the dialog opened is returned, else None)."""
    if not vm.is_host:
        vm.leave()
        return None
    dialog = LeaveDialog(parent)

    def finished(_result: int) -> None:
        choice = dialog.choice()
        if vm.state == MeetingState.IN_MEETING:
            if choice == LeaveChoice.LEAVE:
                vm.leave()
            elif choice == LeaveChoice.END:
                vm.host_action(END_FOR_EVERYONE.action, "", "")
        dialog.deleteLater()

    dialog.finished.connect(finished)
    vm.stateChanged.connect(dialog.meeting_state)
    dialog.open()
    return dialog
