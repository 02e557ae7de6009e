"""The chat side panel: messages as plain text (never links), a recipient and a message box."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.models.chat_model import ChatRole
from app.models.participants_model import ParticipantRole
from app.ui.icons import icon
from app.ui.widgets import plain_label
from app.viewmodels.meeting_viewmodel import MeetingViewModel

PAD = 10
GAP = 3
SYSTEM_PAD = 5
Index = QModelIndex | QPersistentModelIndex
LINE_SEPARATOR = "\u2028"


def system_text(index: Index) -> str:
    """A system line as shown: "Bob joined · 14:02"."""
    return f"{index.data(ChatRole.BODY)} · {index.data(ChatRole.TIME)}"


def body_layout(
    text: str, font: QFont, width: int, option: QTextOption | None = None
) -> tuple[QTextLayout, int]:
    """The body laid out as plain text, wrapped at words (or anywhere in a long word)."""
    layout = QTextLayout(text.replace("\r\n", "\n").replace("\n", LINE_SEPARATOR), font)
    option = QTextOption(option) if option is not None else QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, math.ceil(height)


class ChatDelegate(QStyledItemDelegate):
    """Paints a message: "Name · 14:02 · Privately to you" over the body, both plain text."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        head = QFont(option.font)
        head.setPixelSize(12)
        head.setBold(True)
        body = QFont(option.font)
        body.setPixelSize(14)
        return head, body

    def _text_width(self) -> int:
        return max(40, self._view.viewport().width() - 2 * PAD)

    def _system_font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPixelSize(12)
        font.setItalic(True)
        return font

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Tall enough for the wrapped body."""
        if index.data(ChatRole.SYSTEM):
            text = system_text(index)
            _layout, height = body_layout(text, self._system_font(option), self._text_width())
            return QSize(self._text_width() + 2 * PAD, height + 2 * SYSTEM_PAD)
        head, body = self._fonts(option)
        text = str(index.data(ChatRole.BODY) or "")
        _layout, body_height = body_layout(text, body, self._text_width())
        height = PAD + QFontMetrics(head).height() + GAP + body_height + PAD
        return QSize(self._text_width() + 2 * PAD, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Header line, then the body; drawText never interprets markup or links."""
        painter.save()
        rect = option.rect
        if index.data(ChatRole.SYSTEM):
            self._paint_system(painter, option, index)
            painter.restore()
            return
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor("#e8eefb"))
        elif index.data(ChatRole.PRIVATE):
            painter.fillRect(rect, QColor("#f6f0fd"))
        head, body = self._fonts(option)
        metrics = QFontMetrics(head)
        x, y, width = rect.left() + PAD, rect.top() + PAD, rect.width() - 2 * PAD
        mine = bool(index.data(ChatRole.MINE))
        sender = "You" if mine else str(index.data(ChatRole.SENDER) or "")
        painter.setFont(head)
        painter.setPen(QColor("#1f2933"))
        name = metrics.elidedText(sender, Qt.TextElideMode.ElideRight, width // 2)
        painter.drawText(QRect(x, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, name)
        extra = [str(index.data(ChatRole.TIME) or "")]
        if index.data(ChatRole.PRIVATE):
            extra.append(str(index.data(ChatRole.PRIVATE)))
        detail = QFont(head)
        detail.setBold(False)
        painter.setFont(detail)
        painter.setPen(QColor("#6a4bb3") if index.data(ChatRole.PRIVATE) else QColor("#5f6b7a"))
        left = x + metrics.horizontalAdvance(name) + 8
        painter.drawText(
            QRect(left, y, max(0, x + width - left), metrics.height()),
            Qt.AlignmentFlag.AlignLeft,
            QFontMetrics(detail).elidedText(
                " · ".join(extra), Qt.TextElideMode.ElideRight, max(0, x + width - left)
            ),
        )
        painter.setPen(QColor("#1f2933"))
        top = y + metrics.height() + GAP
        layout, _height = body_layout(str(index.data(ChatRole.BODY) or ""), body, width)
        layout.draw(painter, QPointF(x, top))
        painter.restore()

    def _paint_system(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """A line from the meeting itself: centred, grey and italic, with no sender."""
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor("#e8eefb"))
        font = self._system_font(option)
        width = rect.width() - 2 * PAD
        centred = QTextOption(Qt.AlignmentFlag.AlignHCenter)
        layout, _height = body_layout(system_text(index), font, width, centred)
        painter.setPen(QColor("#616e7c"))
        layout.draw(painter, QPointF(rect.left() + PAD, rect.top() + SYSTEM_PAD))


class ChatPanel(QWidget):
    """Messages, then "To: Everyone ▾" and the message box."""

    def __init__(self, vm: MeetingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self._vm = vm
        self.heading = plain_label("Chat", role="panelTitle", wrap=False)
        self.messages = QListView()
        self.messages.setObjectName("chatMessages")
        self.messages.setModel(vm.chat)
        self.messages.setItemDelegate(ChatDelegate(self.messages))
        self.messages.setResizeMode(QListView.ResizeMode.Adjust)
        self.messages.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.messages.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.messages.setWordWrap(True)
        self.messages.setAccessibleName("Chat messages")
        copy = QAction("Copy", self.messages)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selected)
        self.messages.addAction(copy)
        self.messages.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.empty = plain_label("No messages yet. Say hello!", role="hint")

        self.recipient = QComboBox()
        self.recipient.setObjectName("chatRecipient")
        self.recipient.setAccessibleName("Send to")
        self.input = QLineEdit()
        self.input.setObjectName("chatInput")
        self.input.setAccessibleName("Message")
        self.send = QToolButton()
        self.send.setObjectName("chatSend")
        self.send.setIcon(icon("send", "#2f5fd0"))
        self.send.setToolTip("Send (Enter)")
        self.send.setAccessibleName("Send")

        to_row = QHBoxLayout()
        to_row.setSpacing(6)
        to_row.addWidget(plain_label("To:", role="hint", wrap=False))
        to_row.addWidget(self.recipient, 1)
        send_row = QHBoxLayout()
        send_row.setSpacing(6)
        send_row.addWidget(self.input, 1)
        send_row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.messages, 1)
        layout.addLayout(to_row)
        layout.addLayout(send_row)

        self.input.returnPressed.connect(self.submit)
        self.send.clicked.connect(self.submit)
        self.recipient.currentIndexChanged.connect(self._placeholder)
        vm.chat.rowsInserted.connect(self._arrived)
        vm.chat.modelReset.connect(self._arrived)
        for signal in (
            vm.participants.modelReset,
            vm.participants.rowsInserted,
            vm.participants.rowsRemoved,
            vm.participants.dataChanged,
        ):
            signal.connect(self._fill_recipients)
        self._fill_recipients()
        self._arrived()

    def submit(self) -> None:
        """Send the typed message to the chosen recipient."""
        text = self.input.text()
        if not text.strip():
            return
        self._vm.send_chat(text, str(self.recipient.currentData() or ""))
        self.input.clear()

    def copy_selected(self) -> None:
        """Put the selected messages on the clipboard as plain text."""
        rows = sorted(index.row() for index in self.messages.selectedIndexes())
        model = self._vm.chat
        lines = [
            str(model.index(row).data(ChatRole.BODY))
            if model.index(row).data(ChatRole.SYSTEM)
            else f"{model.index(row).data(ChatRole.SENDER)}: {model.index(row).data(ChatRole.BODY)}"
            for row in rows
        ]
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))

    def _arrived(self, *_args: object) -> None:
        self.empty.setVisible(self._vm.chat.rowCount() == 0)
        self.messages.scrollToBottom()

    def _fill_recipients(self, *_args: object) -> None:
        chosen = self.recipient.currentData()
        model = self._vm.participants
        others = [
            (
                str(model.index(row).data(ParticipantRole.ID)),
                str(model.index(row).data(ParticipantRole.NAME)),
            )
            for row in range(model.rowCount())
            if not model.index(row).data(ParticipantRole.YOU)
        ]
        if [self.recipient.itemData(i) for i in range(1, self.recipient.count())] == [
            pid for pid, _ in others
        ] and self.recipient.count():
            return
        self.recipient.blockSignals(True)
        self.recipient.clear()
        self.recipient.addItem("Everyone", "")
        for pid, name in others:
            self.recipient.addItem(f"{name} (privately)", pid)
        index = max(0, self.recipient.findData(chosen)) if chosen else 0
        self.recipient.setCurrentIndex(index)
        self.recipient.blockSignals(False)
        self._placeholder()

    def _placeholder(self, *_args: object) -> None:
        if self.recipient.currentIndex() > 0:
            name = self.recipient.currentText().removesuffix(" (privately)")
            self.input.setPlaceholderText(f"Message {name} privately…")
        else:
            self.input.setPlaceholderText("Message everyone…")
