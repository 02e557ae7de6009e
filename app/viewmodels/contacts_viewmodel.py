"""The address book: list, search, add/edit (through a form view-model), delete, export to CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.contacts_data import Contact
from app.core.downloads import SaveError
from app.models.contacts_model import ContactRow, ContactsFilter, ContactsModel
from app.viewmodels.contact_form_viewmodel import ContactFormViewModel
from app.viewmodels.contact_import_viewmodel import ContactImportViewModel
from app.viewmodels.form_viewmodel import Failed, FormViewModel

NOT_FOUND = 404


def contact_row(contact: Contact) -> ContactRow:
    """The table's row for a contact."""
    return ContactRow(id=contact.id, values=dict(contact.values))


class ContactsViewModel(FormViewModel):
    """`model` holds every contact; `filtered` is what the search box lets through."""

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self.model = ContactsModel(self)
        self.filtered = ContactsFilter(self.model, self)
        self.form = ContactFormViewModel(account, self)
        self.importer = ContactImportViewModel(account, self)
        self.form.saved.connect(self._on_saved)
        self.importer.imported.connect(self._on_imported)

    def search(self, text: str) -> None:
        """Show only contacts with a field containing the text."""
        self.filtered.search(text)

    def edit(self, contact_id: int | None) -> None:
        """Prepare the form for a new contact (None) or an existing one."""
        row = self.model.row_of(contact_id) if contact_id is not None else None
        self.form.prepare(row.id if row else None, dict(row.values) if row else {})

    def clear(self) -> None:
        """Forget the address book (on log-out)."""
        self.model.set_rows([])
        self.filtered.search("")
        self.clear_messages()
        self.importer.reset()

    @asyncSlot()
    async def load(self) -> None:
        """Read the whole address book."""
        contacts = await self._attempt(self._account.api.contacts())
        if isinstance(contacts, Failed):
            return
        self.model.set_rows([contact_row(contact) for contact in contacts])

    @asyncSlot(int)
    async def delete(self, contact_id: int) -> None:
        """Delete one contact."""
        self.clear_messages()
        row = self.model.row_of(contact_id)
        self._set_busy(True)
        try:
            await self._account.api.delete_contact(contact_id)
        except ApiError as exc:
            if exc.status != NOT_FOUND:
                self._report(exc)
                return
        finally:
            self._set_busy(False)
        self.model.remove(contact_id)
        name = (row.name or row.values.get("email", "")) if row else ""
        self._set_status(f"Deleted {name}." if name else "Deleted.")

    @asyncSlot(str)
    async def export(self, path: str) -> None:
        """Save the address book as CSV at path."""
        self.clear_messages()
        if not path:
            return
        self._set_busy(True)
        try:
            saved = await self._account.api.export_contacts(Path(path))
        except ApiError as exc:
            self._report(exc)
            return
        except SaveError as exc:
            self._set_error(str(exc))
            return
        finally:
            self._set_busy(False)
        self._set_status(f"Saved {self.model.rowCount()} contact(s) to {saved.path}.")

    def _on_saved(self, row: ContactRow, created: bool) -> None:
        self.model.put(row)
        name = row.name or row.values.get("email", "")
        self.clear_messages()
        self._set_status(f"Added {name}." if created else f"Saved {name}.")

    def _on_imported(self, message: str) -> None:
        self.clear_messages()
        self._set_status(message)
        self.load()
