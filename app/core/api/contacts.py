"""The member's address book and its CSV import and export (server/http/contacts.py)."""

from __future__ import annotations

from pathlib import Path

from app.core.api.transport import Transport
from app.core.contacts_data import Contact, ImportPreview, ImportResult
from app.core.downloads import Download


class ContactsApi(Transport):
    """/contacts."""

    async def contacts(self, query: str = "") -> list[Contact]:
        """The member's address book, by last name; `query` keeps matching contacts."""
        params = {"q": query} if query else None
        data = await self._request("GET", "/contacts", params=params)
        return [Contact.from_json(item) for item in data.get("contacts", [])]

    async def create_contact(self, values: dict[str, str | None]) -> Contact:
        """Add a contact (a name or an e-mail address is needed)."""
        return Contact.from_json(await self._request("POST", "/contacts", values))

    async def update_contact(self, contact_id: int, changes: dict[str, str | None]) -> Contact:
        """Change fields of a contact; None or "" clears one."""
        return Contact.from_json(await self._request("PATCH", f"/contacts/{contact_id}", changes))

    async def delete_contact(self, contact_id: int) -> None:
        """Delete a contact."""
        await self._request("DELETE", f"/contacts/{contact_id}")

    async def preview_import(self, csv_data: bytes, mapping: str = "") -> ImportPreview:
        """A dry run of an import: mapped columns, first rows, row errors; stores nothing."""
        params = {"dry_run": "true", **({"map": mapping} if mapping else {})}
        data = await self._request(
            "POST", "/contacts/import", params=params, data=csv_data, content_type="text/csv"
        )
        return ImportPreview.from_json(data)

    async def import_contacts(self, csv_data: bytes, mapping: str = "") -> ImportResult:
        """Import a CSV: every row or none (422 `import_rejected` with `details["rows"]`)."""
        params = {"map": mapping} if mapping else None
        data = await self._request(
            "POST", "/contacts/import", params=params, data=csv_data, content_type="text/csv"
        )
        return ImportResult.from_json(data)

    async def export_contacts(self, dest: Path) -> Download:
        """Save the address book as CSV into dest."""
        return await self.download("/contacts/export", dest)
