"""The logged-in home: start a meeting, join one by its code, and the meetings you host."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.meetings_model import ENDED_ROLE, INVITE_URL_ROLE, JOIN_CODE_ROLE
from app.ui.form_fields import FieldRow
from app.ui.widgets import Banner, Card, button, plain_label, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.home_viewmodel import HomeViewModel
from app.viewmodels.meeting_viewmodel import MeetingState

MAX_WIDTH = 900
NARROW = 780  # below this page width the cards and the header links stack
ENDED_NOT_JOINABLE = "That meeting has ended and cannot be joined again. Start a new one."


class HomePage(QWidget):
    """Greeting and account links, the start and join cards, then your meetings."""

    def __init__(
        self, app_vm: AppViewModel, vm: HomeViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        meeting = vm.meeting
        self._meeting = meeting
        self._app_vm = app_vm

        head = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        names = QVBoxLayout()
        names.setSpacing(4)
        self.greeting = title(vm.greeting or "Hello")
        names.addWidget(self.greeting)
        names.addWidget(subtitle("Start a meeting, or join one with the code you were given."))
        head.addLayout(names, 1)
        links = QGridLayout()
        links.setSpacing(8)
        self.contacts = button("Address book", role="secondary")
        self.contacts.setObjectName("contactsButton")
        self.member_info = button("Member information", role="secondary")
        self.member_info.setObjectName("memberInfoButton")
        self.privacy = button("Privacy", role="secondary")
        self.privacy.setObjectName("privacyButton")
        self.logout = button("Log out", role="secondary")
        self._links = links
        self._link_columns = 0
        self._place_links(columns=4)
        head.addLayout(links)

        self.status = Banner("success")
        self.status.setObjectName("homeStatus")
        self.error = Banner("error")
        self.error.setObjectName("homeError")
        self.hosting = Banner("info")
        self.hosting.setObjectName("hostingInfo")
        self.hosting.show_message(app_vm.hosting)
        app_vm.hostingChanged.connect(self.hosting.show_message)

        start_card = Card()
        start_card.body.addWidget(plain_label("Start a meeting", role="cardTitle", wrap=False))
        start_card.body.addWidget(
            plain_label("You will be its host. Others join with the code it gets.", role="hint")
        )
        self.subject = FieldRow({"name": "subject", "label": "Subject"})
        self.subject.edit.setPlaceholderText("Quick meeting")
        self.subject.edit.setMaxLength(200)
        start_card.body.addWidget(self.subject)
        self.start = button("Start meeting")
        self.start.setObjectName("startMeetingButton")
        start_card.body.addStretch(1)
        start_card.body.addWidget(self.start)

        join_card = Card()
        join_card.body.addWidget(plain_label("Join a meeting", role="cardTitle", wrap=False))
        join_card.body.addWidget(
            plain_label("Type the join code from your invitation.", role="hint")
        )
        self.code = FieldRow({"name": "join_code", "label": "Join code"})
        self.code.edit.setPlaceholderText("abcd-efgh-jkmn")
        self.code.edit.setMaxLength(64)
        join_card.body.addWidget(self.code)
        self.join = button("Join")
        self.join.setObjectName("joinMeetingButton")
        join_card.body.addStretch(1)
        join_card.body.addWidget(self.join)

        cards = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        cards.setSpacing(16)
        cards.addWidget(start_card, 1)
        cards.addWidget(join_card, 1)

        list_card = Card()
        list_head = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        list_head.addWidget(plain_label("My meetings", role="cardTitle", wrap=False), 1)
        list_actions = QHBoxLayout()
        self.copy_code = button("Copy join code", role="secondary")
        self.copy_invite = button("Copy invite", role="secondary")
        self.copy_invite.setObjectName("copyInviteSelected")
        self.join_selected = button("Join selected", role="secondary")
        list_actions.addWidget(self.copy_code)
        list_actions.addWidget(self.copy_invite)
        list_actions.addWidget(self.join_selected)
        list_head.addLayout(list_actions)
        list_card.body.addLayout(list_head)
        self.meetings = QTableView()
        self.meetings.setObjectName("myMeetings")
        self.meetings.setAccessibleName("My meetings")
        self.meetings.setModel(vm.meetings)
        self.meetings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.meetings.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.meetings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.meetings.verticalHeader().hide()
        self.meetings.setShowGrid(False)
        self.meetings.setAlternatingRowColors(True)
        header = self.meetings.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.meetings.setMinimumHeight(160)
        self.no_meetings = plain_label("Meetings you start will be listed here.", role="hint")
        list_card.body.addWidget(self.meetings)
        list_card.body.addWidget(self.no_meetings)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addLayout(head)
        column.addWidget(self.status)
        column.addWidget(self.error)
        column.addWidget(self.hosting)
        column.addLayout(cards)
        column.addWidget(list_card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(content, max_width=MAX_WIDTH))
        # Qt sizes the page as if wrapped texts were one line, so a short window squashed the
        # Subject field to a sliver; the page's least height follows its wrapped height instead.
        self._content = content
        self._rows = (head, cards, list_head)
        content.installEventFilter(self)

        self.start.clicked.connect(self._start)
        self.subject.edit.returnPressed.connect(self._start)
        self.join.clicked.connect(self._join)
        self.code.edit.returnPressed.connect(self._join)
        self.join_selected.clicked.connect(self._join_selected)
        self.meetings.doubleClicked.connect(lambda _index: self._join_selected())
        self.copy_code.clicked.connect(self._copy_selected)
        self.copy_invite.clicked.connect(self._copy_selected_invite)
        self.member_info.clicked.connect(app_vm.show_profile)
        self.privacy.clicked.connect(app_vm.show_privacy)
        self.contacts.clicked.connect(app_vm.show_contacts)
        self.logout.clicked.connect(app_vm.logout)
        vm.greetingChanged.connect(self.greeting.setText)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        meeting.errorChanged.connect(self.error.show_message)
        meeting.stateChanged.connect(self._on_state)
        vm.meetings.modelReset.connect(self._on_meetings)
        self.meetings.selectionModel().selectionChanged.connect(self._on_meetings)
        self._on_meetings()

    def selected_code(self) -> str:
        """The join code of the selected meeting, or ""."""
        rows = self.meetings.selectionModel().selectedRows()
        return str(rows[0].data(JOIN_CODE_ROLE)) if rows else ""

    def _start(self) -> None:
        self.status.show_message("")
        self._app_vm.start_meeting(self.subject.edit.text())  # the device check comes first

    def _join(self) -> None:
        self.status.show_message("")
        self._app_vm.join_meeting(self.code.edit.text())

    def _join_selected(self) -> None:
        code = self.selected_code()
        if code and self.selected_ended():  # a double-click: Join selected is off for it
            self.status.show_message("")
            self.error.show_message(ENDED_NOT_JOINABLE)
        elif code:
            self.code.edit.setText(code)
            self._join()

    def selected_ended(self) -> bool:
        """Whether the selected meeting has ended."""
        rows = self.meetings.selectionModel().selectedRows()
        return bool(rows and rows[0].data(ENDED_ROLE))

    def _copy_selected(self) -> None:
        code = self.selected_code()
        if code:
            QGuiApplication.clipboard().setText(code)
            self._vm.show_status(f"Join code {code} copied.")

    def selected_invite(self) -> str:
        """The invite link of the selected meeting, or ""."""
        rows = self.meetings.selectionModel().selectedRows()
        return str(rows[0].data(INVITE_URL_ROLE) or "") if rows else ""

    def _copy_selected_invite(self) -> None:
        link = self.selected_invite()
        if link:
            QGuiApplication.clipboard().setText(link)
            self._vm.show_status(f"Invite link copied: {link}")

    def _on_state(self, state: str) -> None:
        busy = state != MeetingState.IDLE
        self.start.setEnabled(not busy)
        self.join.setEnabled(not busy)
        self.join_selected.setEnabled(
            not busy and bool(self.selected_code()) and not self.selected_ended()
        )
        self.join.setText("Joining…" if state == MeetingState.JOINING else "Join")
        if state == MeetingState.IN_MEETING:
            self.subject.edit.clear()
            self.code.edit.clear()

    def _on_meetings(self, *_args: object) -> None:
        model = self._vm.meetings
        self.meetings.setVisible(model.rowCount() > 0)
        self.no_meetings.setVisible(model.rowCount() == 0)
        selected = self.selected_code()
        self.copy_code.setEnabled(bool(selected))
        self.copy_invite.setEnabled(bool(self.selected_invite()))
        ended = self.selected_ended()
        self.join_selected.setEnabled(bool(selected) and not ended)
        self.join_selected.setToolTip("This meeting has ended" if ended else "")
        if model.rowCount() and not selected:
            self.meetings.selectionModel().select(
                model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A narrow window stacks what stands side by side rather than scroll sideways. The
        # page's own width decides: the content is never narrower than its side-by-side rows.
        direction = (
            QBoxLayout.Direction.TopToBottom
            if event.size().width() < NARROW
            else QBoxLayout.Direction.LeftToRight
        )
        for row in self._rows:
            row.setDirection(direction)
        self._place_links(2 if direction is QBoxLayout.Direction.TopToBottom else 4)
        super().resizeEvent(event)

    def _place_links(self, columns: int) -> None:
        if columns == self._link_columns:
            return
        self._link_columns = columns
        widgets = (self.contacts, self.member_info, self.privacy, self.logout)
        for widget in widgets:
            self._links.removeWidget(widget)
        for index, widget in enumerate(widgets):
            self._links.addWidget(widget, index // columns, index % columns)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the content as tall as its wrapped texts need (the scroll area scrolls)."""
        if watched is self._content and event.type() == QEvent.Type.Resize:
            layout = self._content.layout()
            needed = layout.totalHeightForWidth(self._content.width()) if layout else -1
            if needed > 0 and needed != self._content.minimumHeight():
                self._content.setMinimumHeight(needed)
        return False
