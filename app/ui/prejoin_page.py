"""Before a meeting: check the camera, microphone and speaker, then Join (or Cancel)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.device_panel import DevicePanel
from app.ui.widgets import Card, Footer, button, scrolling, subtitle, title
from app.viewmodels.meeting_viewmodel import DEFAULT_SUBJECT, MeetingState, MeetingViewModel
from app.viewmodels.prejoin_viewmodel import PrejoinViewModel

MAX_WIDTH = 960


class PrejoinPage(QWidget):
    """The device check with what is being joined above it and Join / Cancel below."""

    def __init__(
        self, vm: PrejoinViewModel, meeting: MeetingViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("prejoinPage")
        self._vm = vm
        self._join_text = "Join meeting"
        card = Card()
        card.body.setContentsMargins(28, 24, 28, 24)
        self.heading = title("Check your camera and microphone")
        self.what = subtitle("")
        self.panel = DevicePanel(vm)
        card.body.addWidget(self.heading)
        card.body.addWidget(self.what)
        card.body.addSpacing(4)
        card.body.addWidget(self.panel)

        footer = Footer(max_width=MAX_WIDTH)
        self.cancel = button("Cancel", role="secondary")
        self.cancel.setObjectName("prejoinCancel")
        self.join = button("Join now")
        self.join.setObjectName("prejoinJoin")
        self.join.setDefault(True)
        footer.row.addStretch(1)
        footer.row.addWidget(self.cancel)
        footer.row.addWidget(self.join)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(scrolling(card, max_width=MAX_WIDTH), 1)
        layout.addWidget(footer)

        self.join.clicked.connect(vm.join)
        self.cancel.clicked.connect(vm.cancel)
        vm.prepared.connect(self._show_what)
        meeting.stateChanged.connect(self._on_state)
        self._show_what()

    def _show_what(self) -> None:
        vm = self._vm
        if vm.subject is not None:
            self.what.setText(
                f"You are starting “{vm.subject.strip() or DEFAULT_SUBJECT}”, as its host."
            )
            self._join_text = "Start meeting"
        else:
            self.what.setText(f"You are joining the meeting {vm.code}.")
            self._join_text = "Join meeting"
        self.join.setText(self._join_text)
        self.panel.show_name()

    def _on_state(self, state: str) -> None:
        joining = state == MeetingState.JOINING
        self.join.setEnabled(not joining)
        self.cancel.setEnabled(not joining)
        self.join.setText("Joining…" if joining else self._join_text)
