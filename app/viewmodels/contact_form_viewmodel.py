"""Adding or editing one contact: the form's values, per-field errors, save."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.contacts_data import CONTACT_FIELDS, Contact
from app.models.contacts_model import ContactRow
from app.viewmodels.field_rules import form_problems
from app.viewmodels.form_viewmodel import FormViewModel

FIELD_SPECS = (
    {"name": "first_name", "label": "First name"},
    {"name": "last_name", "label": "Last name"},
    {"name": "email", "label": "E-mail", "kind": "email"},
    {"name": "phone", "label": "Phone"},
    {"name": "company", "label": "Company"},
    {"name": "title", "label": "Job title"},
)
CONFLICT = 409


class ContactFormViewModel(FormViewModel):
    """prepare() then save(values); `saved(row, created)` when the server took it."""

    prepared = Signal(dict)
    saved = Signal(object, bool)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._contact_id: int | None = None
        self._values: dict[str, str] = {}

    @property
    def contact_id(self) -> int | None:
        """The contact being edited, None for a new one."""
        return self._contact_id

    @property
    def values(self) -> dict[str, str]:
        """The values the form starts from."""
        return dict(self._values)

    def prepare(self, contact_id: int | None, values: dict[str, str]) -> None:
        """Start editing a contact (or a new one with contact_id None)."""
        self._contact_id = contact_id
        self._values = {name: values.get(name, "") for name in CONTACT_FIELDS}
        self.clear_messages()
        self.prepared.emit(self.values)

    @asyncSlot(dict)
    async def save(self, values: dict[str, str]) -> None:
        """Create or update; a name or an e-mail address is needed."""
        self.clear_messages()
        cleaned = {name: (values.get(name) or "").strip() for name in CONTACT_FIELDS}
        if not (cleaned["first_name"] or cleaned["last_name"] or cleaned["email"]):
            self._set_field_errors({"first_name": "A name or an e-mail address is needed."})
            self._set_error("Please give a name or an e-mail address.")
            return
        self._set_busy(True)
        try:
            # Contacts follow the account fields' rules (lengths, e-mail shape): checked here first.
            limits = {spec.name: spec.max_length for spec in await self._account.account_fields()}
            specs = [{**spec, "max_length": limits.get(spec["name"])} for spec in FIELD_SPECS]
            problems = form_problems(specs, cleaned)
            if problems:
                self._set_field_errors(problems)
                self._set_error("Please correct the marked fields.")
                return
            contact = await self._send(cleaned)
        except ApiError as exc:
            self._report(exc)
            if exc.status == CONFLICT:
                self._set_field_errors({"email": "This address is in your address book already."})
            return
        finally:
            self._set_busy(False)
        created = self._contact_id is None
        self._contact_id = contact.id
        self._values = dict(contact.values)
        self.saved.emit(ContactRow(id=contact.id, values=dict(contact.values)), created)

    async def _send(self, cleaned: dict[str, str]) -> Contact:
        api = self._account.api
        if self._contact_id is None:
            return await api.create_contact({k: v or None for k, v in cleaned.items() if v})
        changes = {k: v or None for k, v in cleaned.items() if v != self._values.get(k, "")}
        if not changes:
            return Contact(id=self._contact_id, values=dict(self._values))
        return await api.update_contact(self._contact_id, changes)
