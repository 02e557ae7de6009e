"""The meetings a member hosts, as a table: subject, join code, when, and whether it ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Subject", "Join code", "Created", "Status")
JOIN_CODE_ROLE = Qt.ItemDataRole.UserRole + 1
ENDED_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as the list shows it."""

    subject: str
    join_code: str
    created: str
    ended: bool


class MeetingsModel(QAbstractTableModel):
    """Rows of MeetingRow, newest first as the server lists them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeetingRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per meeting."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Subject, join code, created, status."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, or the row's join code / ended flag by role."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == JOIN_CODE_ROLE:
            return row.join_code
        if role == ENDED_ROLE:
            return row.ended
        if role == Qt.ItemDataRole.DisplayRole:
            status = "Ended" if row.ended else "Open"
            return (row.subject, row.join_code, row.created, status)[index.column()]
        return None

    def rows(self) -> list[MeetingRow]:
        """Every meeting, in order."""
        return list(self._rows)

    def set_rows(self, rows: list[MeetingRow]) -> None:
        """Replace the list."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
