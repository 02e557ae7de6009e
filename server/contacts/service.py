"""The address book service: a user's own contacts, and nobody else's.

Every call takes the owner's user id and every store query is scoped to it, so another user's
contact id answers exactly like one that does not exist. Nothing here sends mail to a contact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from server.contacts.csv_export import export_csv
from server.contacts.csv_import import ImportPlan, ImportRejected, plan_import
from server.contacts.fields import clean_contact, email_key, identity_problem
from server.domain_errors import Conflict, NotFound, invalid_fields
from server.store.contacts import ContactRecord, ContactStore
from server.store.errors import ConflictError

MAX_QUERY = 200


@dataclass(frozen=True)
class ImportResult:
    imported: int
    merged: int
    total: int
    rows: int


@dataclass(frozen=True)
class ImportPreview:
    plan: ImportPlan
    imported: int
    merged: int
    total: int


def _not_found() -> NotFound:
    return NotFound("no such contact")


def _email_taken() -> Conflict:
    message = "a contact with this e-mail address is already in your address book"
    return Conflict(message, "contact_exists", fields={"email": message})


def _check_identity(contact: Mapping[str, str | None]) -> None:
    problem = identity_problem(contact)
    if problem:
        raise invalid_fields({"first_name": problem, "email": problem})


class ContactService:
    def __init__(self, store: ContactStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def list(self, owner_id: int, query: str | None) -> list[ContactRecord]:
        if query is not None and len(query) > MAX_QUERY:
            raise invalid_fields({"q": f"at most {MAX_QUERY} characters"})
        return await self._store.list(owner_id, query.strip() if query else None)

    async def get(self, owner_id: int, contact_id: int) -> ContactRecord:
        contact = await self._store.get(owner_id, contact_id)
        if contact is None:
            raise _not_found()
        return contact

    async def create(self, owner_id: int, data: Mapping[str, Any]) -> ContactRecord:
        contact, errors = clean_contact(data, partial=False)
        if errors:
            raise invalid_fields(errors)
        _check_identity(contact)
        try:
            return await self._store.create(owner_id, contact, self._clock())
        except ConflictError as exc:
            raise _email_taken() from exc

    async def update(
        self, owner_id: int, contact_id: int, data: Mapping[str, Any]
    ) -> ContactRecord:
        changes, errors = clean_contact(data, partial=True)
        if errors:
            raise invalid_fields(errors)
        try:
            contact = await self._store.update(
                owner_id, contact_id, changes, self._clock(), _check_identity
            )
        except ConflictError as exc:
            raise _email_taken() from exc
        if contact is None:
            raise _not_found()
        return contact

    async def delete(self, owner_id: int, contact_id: int) -> None:
        if not await self._store.delete(owner_id, contact_id):
            raise _not_found()

    async def export(self, owner_id: int) -> bytes:
        contacts = await self._store.list(owner_id)
        return export_csv(contact.fields for contact in contacts)

    async def preview_import(
        self, owner_id: int, data: bytes, mapping: str | None
    ) -> ImportPreview:
        """What an import would do, without storing anything."""
        plan = await asyncio.to_thread(plan_import, data, mapping)
        existing = await self._store.email_keys(owner_id)
        already = sum(1 for c in plan.contacts if email_key(c["email"]) in existing)
        total = await self._store.count(owner_id) + len(plan.contacts) - already
        return ImportPreview(
            plan, len(plan.contacts) - already, already + plan.merged_in_file, total
        )

    async def import_csv(self, owner_id: int, data: bytes, mapping: str | None) -> ImportResult:
        """All rows or none: any row error stores nothing and reports every problem."""
        # Parsing a 5 MB file takes a moment of CPU: keep it off the event loop.
        plan = await asyncio.to_thread(plan_import, data, mapping)
        if plan.errors:
            raise ImportRejected(plan.errors)
        counts = await self._store.import_contacts(owner_id, plan.contacts, self._clock())
        return ImportResult(
            counts.imported, counts.merged + plan.merged_in_file, counts.total, plan.rows
        )
