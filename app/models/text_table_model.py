"""A read-only table of plain strings with a key and a problem flag per row (lists, previews)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt

from app.models.row_table import RowTableModel

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 2


def plain_tooltip(text: str) -> str | None:
    """A tooltip that shows the text as it is: Qt would take "<b>…" in a tooltip for markup."""
    if not text:
        return None
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


@dataclass(frozen=True)
class TextRow:
    """One row: its cells, an id for actions, whether it has a problem and a tooltip."""

    cells: tuple[str, ...]
    key: object = None
    problem: bool = False
    tooltip: str = ""


class TextTableModel(RowTableModel[TextRow]):
    """Headers and rows of text; views show them as they are (never as markup)."""

    def __init__(self, headers: Sequence[str] = (), parent: QObject | None = None) -> None:
        super().__init__(headers, parent)

    def cell(self, row: TextRow, column: int) -> str:
        """The row's text in that column, or "" past its last cell."""
        return row.cells[column] if column < len(row.cells) else ""

    def role_data(self, row: TextRow, column: int, role: int) -> Any:
        """The row's key, problem flag or tooltip by role."""
        if role == KEY_ROLE:
            return row.key
        if role == PROBLEM_ROLE:
            return row.problem
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(row.tooltip)
        return None

    @property
    def headers(self) -> tuple[str, ...]:
        """The column titles."""
        return self._headers

    def column(self, title: str) -> list[str]:
        """Every row's text in the column of that title."""
        at = self._headers.index(title)
        return [row.cells[at] if at < len(row.cells) else "" for row in self._rows]

    def set_rows(self, rows: Sequence[TextRow], headers: Sequence[str] | None = None) -> None:
        """Replace the rows (and the headers when given)."""
        self.beginResetModel()
        if headers is not None:
            self._headers = tuple(headers)
        self._rows = list(rows)
        self.endResetModel()
