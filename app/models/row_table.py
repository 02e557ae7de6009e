"""A read-only table over a list of row values: the part every such Qt model repeats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of `R` under fixed headers; subclasses say what a cell shows and what roles carry."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[R] = []

    def cell(self, row: R, column: int) -> str:
        """The text shown in `column` for `row`."""
        raise NotImplementedError

    def role_data(self, row: R, column: int, role: int) -> Any:
        """What `row` gives for a role other than display; None when nothing."""
        del row, column, role
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One per row value."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One per header."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text for display; other roles from `role_data`."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        return self.role_data(row, index.column(), role)

    def rows(self) -> list[R]:
        """Every row, in order."""
        return list(self._rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace the list."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
