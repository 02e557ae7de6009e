"""Who accessed my data: every time a member of staff read it, and why."""

from __future__ import annotations

from PySide6.QtCore import QObject
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.models.text_table_model import TextRow, TextTableModel
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.public_profile_viewmodel import FIELD_LABELS
from app.viewmodels.time_text import date_time_text

HEADERS = ("When", "Who", "Role", "Reason given", "What they saw")
ROLE_NAMES = {"admin": "Administrator", "support": "Support", "billing": "Billing"}
_MORE_LABELS = {
    "email": "E-mail",
    "phone": "Phone",
    "address": "Address",
    "state": "State",
    "zip": "Postcode",
    "billing_address": "Billing address",
    "created_at": "Member since",
    "account_state": "Account state",
}


def _field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or _MORE_LABELS.get(name) or name.replace("_", " ").capitalize()


class AuditViewModel(FormViewModel):
    """The audit log as a table, newest first."""

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self.model = TextTableModel(HEADERS, self)

    def clear(self) -> None:
        """Forget the list (on log-out)."""
        self.model.set_rows([])
        self.clear_messages()

    @asyncSlot()
    async def load(self) -> None:
        """Read the audit log."""
        entries = await self._attempt(self._account.api.audit())
        if isinstance(entries, Failed):
            return
        self.model.set_rows(
            [
                TextRow(
                    (
                        date_time_text(entry.at),
                        entry.staff_username or "A former member of staff",
                        ", ".join(ROLE_NAMES.get(r, r) for r in entry.staff_roles),
                        entry.reason,
                        ", ".join(_field_label(name) for name in entry.fields),
                    ),
                    tooltip=entry.reason,
                )
                for entry in reversed(entries)
            ]
        )
