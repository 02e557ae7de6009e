"""The meetings a member hosts, as a table: subject, join code, when, and when it ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt

from app.models.row_table import RowTableModel

HEADERS = ("Subject", "Join code", "Created", "Status")
JOIN_CODE_ROLE = Qt.ItemDataRole.UserRole + 1
ENDED_ROLE = Qt.ItemDataRole.UserRole + 2
INVITE_URL_ROLE = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as the list shows it."""

    subject: str
    join_code: str
    created: str
    ended: bool
    invite_url: str = ""
    ended_when: str = ""  # when it ended, in the viewer's local time, as the table shows it


class MeetingsModel(RowTableModel[MeetingRow]):
    """Rows of MeetingRow, newest first as the server lists them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HEADERS, parent)

    def cell(self, row: MeetingRow, column: int) -> str:
        """Subject, join code, created, status ("Open", or "Ended" with when)."""
        status = "Open" if not row.ended else f"Ended {row.ended_when}".strip()
        return (row.subject, row.join_code, row.created, status)[column]

    def role_data(self, row: MeetingRow, column: int, role: int) -> Any:
        """The row's join code, ended flag or invite link by role."""
        if role == JOIN_CODE_ROLE:
            return row.join_code
        if role == INVITE_URL_ROLE:
            return row.invite_url
        if role == ENDED_ROLE:
            return row.ended
        return None
