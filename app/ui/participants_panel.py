"""The participants side panel: everyone's role and state; hosts also get their actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.models.participants_model import ROLE_NAMES, ParticipantRole
from app.ui.dialogs import ask_confirmation
from app.ui.icons import pixmap
from app.ui.video_tile import avatar_colour
from app.ui.widgets import button, plain_label
from app.viewmodels.host_actions import END_MEETING, HostActionItem, actions_for, all_actions
from app.viewmodels.meeting_viewmodel import MeetingViewModel

ROW_HEIGHT = 52
ICON = 18
Index = QModelIndex | QPersistentModelIndex
Confirm = Callable[[str, str], bool]


class ParticipantDelegate(QStyledItemDelegate):
    """Initials, name and role on the left; hand, screen, camera and microphone on the right."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        grey, red, green = "#7b8794", "#d64545", "#1f9d55"
        self._icons = {
            "mic": pixmap("mic", grey),
            "mic-off": pixmap("mic-off", red),
            "video": pixmap("video", grey),
            "video-off": pixmap("video-off", red),
            "screen": pixmap("screen", green),
            "hand": pixmap("hand", "#c98a00"),
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Fixed-height rows."""
        return QSize(200, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """One participant's row."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor("#e8eefb"))
        name = str(index.data(ParticipantRole.NAME) or "")
        avatar = QRect(rect.left() + 8, rect.top() + 8, 36, 36)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(avatar_colour(name))
        painter.drawEllipse(avatar)
        if index.data(ParticipantRole.SPEAKING):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QColor("#1f9d55"))
            painter.drawEllipse(avatar.adjusted(-2, -2, 2, 2))
        font = QFont(option.font)
        font.setPixelSize(13)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            avatar, Qt.AlignmentFlag.AlignCenter, str(index.data(ParticipantRole.INITIALS))
        )

        icons = []
        if index.data(ParticipantRole.HAND):
            icons.append("hand")
        if index.data(ParticipantRole.SCREEN):
            icons.append("screen")
        icons.append("video" if index.data(ParticipantRole.CAMERA) else "video-off")
        icons.append("mic" if index.data(ParticipantRole.MIC) else "mic-off")
        x = rect.right() - 8 - ICON
        for key in reversed(icons):
            painter.drawPixmap(
                QRect(x, rect.center().y() - ICON // 2, ICON, ICON), self._icons[key]
            )
            x -= ICON + 8
        text_left = avatar.right() + 10
        width = max(10, x - text_left)
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        font.setPixelSize(14)
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(QColor("#1f2933"))
        metrics = QFontMetrics(font)
        painter.drawText(
            QRect(text_left, rect.top() + 8, width, metrics.height()),
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(label, Qt.TextElideMode.ElideRight, width),
        )
        small = QFont(font)
        small.setPixelSize(12)
        painter.setFont(small)
        painter.setPen(QColor("#5f6b7a"))
        role = ROLE_NAMES.get(str(index.data(ParticipantRole.ROLE)), "")
        painter.drawText(
            QRect(text_left, rect.top() + 8 + metrics.height(), width, metrics.height()),
            Qt.AlignmentFlag.AlignLeft,
            role,
        )
        painter.restore()


def ask(parent: QWidget) -> Confirm:
    """A yes/no question box."""

    def confirm(title: str, question: str) -> bool:
        return ask_confirmation(parent, title, question)

    return confirm


class ParticipantsPanel(QWidget):
    """The list, and for hosts buttons acting on the selected participant."""

    def __init__(self, vm: MeetingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("participantsPanel")
        self._vm = vm
        self.confirm: Confirm = ask(self)
        self.menu: QMenu | None = None  # the last row menu opened
        self.heading = plain_label("Participants", role="panelTitle", wrap=False)
        self.list = QListView()
        self.list.setObjectName("participantList")
        self.list.setModel(vm.participants)
        self.list.setItemDelegate(ParticipantDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("Participants")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        # Pinning is for everyone (the row's context menu does it too, or Shift+F10 / Menu key).
        self.pin_button = button("Pin", role="secondary")
        self.pin_button.setObjectName("pinButton")
        self.pin_button.clicked.connect(lambda: vm.layout.toggle_pin(self._selected()))

        self.host_actions = QFrame()
        self.host_actions.setObjectName("hostActions")
        grid = QGridLayout(self.host_actions)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self.hint = plain_label("Select someone to manage them.", role="hint")
        grid.addWidget(self.hint, 0, 0, 1, 2)
        self.action_buttons: dict[tuple[str, str], QPushButton] = {}
        for position, item in enumerate(self._items(None)):
            widget = button(item.label, role="danger" if item.dangerous else "secondary")
            widget.clicked.connect(lambda _=False, it=item: self._run(it, self._selected()))
            self.action_buttons[(item.action, item.role)] = widget
            grid.addWidget(widget, 1 + position // 2, position % 2)
        self.end_meeting = button(END_MEETING.label, role="danger")
        self.end_meeting.setObjectName("endMeetingButton")
        self.end_meeting.clicked.connect(lambda: self._run(END_MEETING, ""))
        grid.addWidget(self.end_meeting, 9, 0, 1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.pin_button)
        layout.addWidget(self.host_actions)

        model = vm.participants
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self._refresh)
        self.list.selectionModel().selectionChanged.connect(self._refresh)
        self.list.customContextMenuRequested.connect(self._menu)
        vm.roleChanged.connect(self._refresh)
        vm.layout.changed.connect(self._refresh)
        self._refresh()

    def select(self, participant_id: str) -> None:
        """Select a participant's row."""
        row = self._vm.participants.row_of(participant_id)
        if row >= 0:
            self.list.setCurrentIndex(self._vm.participants.index(row))

    def _selected(self) -> str:
        index = self.list.currentIndex()
        selected = self.list.selectionModel().isSelected(index) if index.isValid() else False
        return str(index.data(ParticipantRole.ID)) if selected else ""

    def _items(self, participant_id: str | None) -> list[HostActionItem]:
        target = self._vm.participants.participant(participant_id or "")
        if target is None:
            return all_actions()
        return actions_for(target, self._vm.you, self._vm.organiser_user_id)

    def _refresh(self, *_args: object) -> None:
        count = self._vm.participants.rowCount()
        self.heading.setText(f"Participants ({count})")
        selected = self._selected()
        pin_text = self._vm.layout.pin_text(selected) if selected else "Pin"
        self.pin_button.setText(pin_text.split(" ")[0])
        self.pin_button.setAccessibleName(pin_text if selected else "Pin the selected participant")
        self.pin_button.setEnabled(bool(selected))
        host = self._vm.is_host
        self.host_actions.setVisible(host)
        if not host:
            return
        items = {(i.action, i.role): i for i in self._items(selected)}
        for key, widget in self.action_buttons.items():
            item = items.get(key)
            widget.setEnabled(item is not None and item.enabled)
        name = self._vm.name_of(selected) if selected else ""
        if selected == self._vm.you:
            self.hint.setText("That is you: use the toolbar for your own microphone and camera.")
        else:
            self.hint.setText(f"Manage {name}:" if name else "Select someone to manage them.")

    def _menu(self, point: QPoint) -> None:
        index = self.list.indexAt(point)
        if not index.isValid():
            return
        self.list.setCurrentIndex(index)
        target = str(index.data(ParticipantRole.ID))
        menu = QMenu(self)
        menu.setObjectName("participantMenu")
        self.menu = menu
        pin = QAction(self._vm.layout.pin_text(target), menu)
        pin.triggered.connect(lambda: self._vm.layout.toggle_pin(target))
        menu.addAction(pin)
        if self._vm.is_host:
            menu.addSeparator()
        for item in self._items(target) if self._vm.is_host else []:
            action = QAction(item.label, menu)
            action.setEnabled(item.enabled)
            action.triggered.connect(lambda _=False, it=item: self._run(it, target))
            menu.addAction(action)
        if not menu.isEmpty():
            menu.popup(self.list.viewport().mapToGlobal(point))

    def _run(self, item: HostActionItem, target: str) -> None:
        if item.action == "end_meeting":
            if not self.confirm("End meeting", "End the meeting for everyone?"):
                return
        elif not target:
            return
        elif item.action == "remove":
            name = self._vm.name_of(target)
            question = f"Remove {name} from the meeting? They cannot join it again."
            if not self.confirm("Remove participant", question):
                return
        self._vm.host_action(item.action, target, item.role)
