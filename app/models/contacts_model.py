"""The address book as a table: name, e-mail, phone, company, title; searchable through a proxy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt

from app.models.row_table import RowTableModel
from app.models.text_table_model import plain_tooltip

HEADERS = ("Name", "E-mail", "Phone", "Company", "Job title")
CONTACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Every field joined, for the search box (notes included though no column shows them).
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class ContactRow:
    """A contact as the table shows it; `values` holds every field by name."""

    id: int
    values: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """First and last name, or "" when neither is set."""
        first, last = self.values.get("first_name", ""), self.values.get("last_name", "")
        return f"{first} {last}".strip()

    def cells(self) -> tuple[str, ...]:
        """The row's texts in column order."""
        get = self.values.get
        return (self.name, get("email", ""), get("phone", ""), get("company", ""), get("title", ""))


class ContactsModel(RowTableModel[ContactRow]):
    """Rows of ContactRow in the order the server lists them (by last name)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HEADERS, parent)

    def cell(self, row: ContactRow, column: int) -> str:
        """Name, e-mail, phone, company, job title."""
        return row.cells()[column]

    def role_data(self, row: ContactRow, column: int, role: int) -> Any:
        """The contact's id, all its text for searching, or its notes as a tooltip."""
        if role == CONTACT_ID_ROLE:
            return row.id
        if role == SEARCH_ROLE:
            return " ".join(row.values.values())
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(row.values.get("notes", ""))
        return None

    def row_of(self, contact_id: int) -> ContactRow | None:
        """The contact with that id, if listed."""
        return next((row for row in self._rows if row.id == contact_id), None)

    def put(self, row: ContactRow) -> None:
        """Update the contact in place, or add it at the end."""
        for at, existing in enumerate(self._rows):
            if existing.id == row.id:
                self._rows[at] = row
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(HEADERS) - 1))
                return
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(row)
        self.endInsertRows()

    def remove(self, contact_id: int) -> None:
        """Take the contact out of the list."""
        for at, existing in enumerate(self._rows):
            if existing.id == contact_id:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self._rows[at]
                self.endRemoveRows()
                return


class ContactsFilter(QSortFilterProxyModel):
    """Keeps the contacts with any field containing the search text (without case)."""

    def __init__(self, source: ContactsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def search(self, text: str) -> None:
        """Filter by a fixed string; "" shows everyone."""
        self.setFilterFixedString(text.strip())
