"""The meeting's chat as a Qt list model; bodies are kept and shown as plain text only."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from protocol.meeting_types import ChatMessage

Index = QModelIndex | QPersistentModelIndex


class ChatRole(IntEnum):
    """Item data roles of a chat line."""

    SENDER = Qt.ItemDataRole.UserRole + 1
    BODY = Qt.ItemDataRole.UserRole + 2
    TIME = Qt.ItemDataRole.UserRole + 3
    PRIVATE = Qt.ItemDataRole.UserRole + 4
    MINE = Qt.ItemDataRole.UserRole + 5
    ID = Qt.ItemDataRole.UserRole + 6
    SYSTEM = Qt.ItemDataRole.UserRole + 7


@dataclass(frozen=True)
class ChatLine:
    """One message as shown: who, what, when, and to whom when private ("" for everyone).

    A system line ("Bob joined") has no sender and a negative id, apart from the server's ids.
    """

    id: int
    sender_name: str
    body: str
    sent_at: float
    private_label: str = ""
    mine: bool = False
    system: bool = False


def clock_text(sent_at: float) -> str:
    """Local hours and minutes."""
    return time.strftime("%H:%M", time.localtime(sent_at))


class ChatModel(QAbstractListModel):
    """Chat lines in arrival order; a message already shown (same id) is not added twice."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[ChatLine] = []
        self._ids: set[int] = set()
        self._system_lines = 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per message."""
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The message's field for a role; DisplayRole is the body, as plain text."""
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        values: dict[int, Any] = {
            Qt.ItemDataRole.DisplayRole: line.body,
            Qt.ItemDataRole.ToolTipRole: time.strftime("%c", time.localtime(line.sent_at)),
            ChatRole.SENDER: line.sender_name,
            ChatRole.BODY: line.body,
            ChatRole.TIME: clock_text(line.sent_at),
            ChatRole.PRIVATE: line.private_label,
            ChatRole.MINE: line.mine,
            ChatRole.ID: line.id,
            ChatRole.SYSTEM: line.system,
        }
        return values.get(role)

    def lines(self) -> list[ChatLine]:
        """Every line, oldest first."""
        return list(self._lines)

    def append(self, line: ChatLine) -> bool:
        """Add a message at the end; False when it was already there."""
        if line.id in self._ids:
            return False
        self.beginInsertRows(QModelIndex(), len(self._lines), len(self._lines))
        self._lines.append(line)
        self._ids.add(line.id)
        self.endInsertRows()
        return True

    def add_message(self, message: ChatMessage, you: str, name_of: Callable[[str], str]) -> bool:
        """Add a protocol message as seen by participant `you`; False if already shown."""
        private = ""
        if message.to is not None:
            private = (
                f"Privately to {name_of(message.to)}"
                if message.sender == you
                else ("Privately to you")
            )
        line = ChatLine(
            id=message.id,
            sender_name=message.sender_name,
            body=message.body,
            sent_at=message.sent_at,
            private_label=private,
            mine=message.sender == you,
        )
        return self.append(line)

    def add_system(self, text: str, at: float) -> None:
        """Add a line from the meeting itself, such as "Bob joined"."""
        self._system_lines += 1
        self.append(
            ChatLine(id=-self._system_lines, sender_name="", body=text, sent_at=at, system=True)
        )

    def clear(self) -> None:
        """Forget the chat (on leaving)."""
        self.beginResetModel()
        self._lines = []
        self._ids = set()
        self.endResetModel()
