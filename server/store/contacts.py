"""SQL for the address book: every statement is scoped to the contacts' owner."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database
from server.store.errors import ConflictError

COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "notes",
)
_ORDER = (
    " ORDER BY lower(coalesce(last_name, '')), lower(coalesce(first_name, '')),"
    " coalesce(email_key, ''), id"
)


@dataclass(frozen=True)
class ContactRecord:
    id: int
    owner_id: int
    fields: dict[str, str | None]
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class ImportCounts:
    imported: int
    merged: int
    total: int


def _contact(row: sqlcipher3.Row | None) -> ContactRecord | None:
    if row is None:
        return None
    return ContactRecord(
        id=row["id"],
        owner_id=row["owner_id"],
        fields={column: row[column] for column in COLUMNS},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _key(email: str | None) -> str | None:
    return email.casefold() if email else None


def _matches(contact: ContactRecord, needle: str) -> bool:
    return any(needle in (value or "").casefold() for value in contact.fields.values())


def _select(conn: sqlcipher3.Connection, owner_id: int, contact_id: int) -> ContactRecord | None:
    return _contact(
        conn.execute(
            "SELECT * FROM contacts WHERE id = ? AND owner_id = ?", (contact_id, owner_id)
        ).fetchone()
    )


def _insert(
    conn: sqlcipher3.Connection, owner_id: int, fields: Mapping[str, str | None], now: float
) -> int:
    values = {column: fields.get(column) for column in COLUMNS}
    try:
        cursor = conn.execute(
            "INSERT INTO contacts (owner_id, first_name, last_name, email, email_key, phone,"
            " company, title, notes, created_at, updated_at) VALUES (:owner_id, :first_name,"
            " :last_name, :email, :email_key, :phone, :company, :title, :notes, :now, :now)",
            {**values, "owner_id": owner_id, "email_key": _key(values["email"]), "now": now},
        )
    except sqlcipher3.IntegrityError as exc:
        raise ConflictError("email") from exc
    return int(cursor.lastrowid)


def _fill_empty(
    conn: sqlcipher3.Connection,
    existing: sqlcipher3.Row,
    incoming: Mapping[str, str | None],
    now: float,
) -> None:
    """Merge: fields the contact lacks are taken from `incoming`; values it has are kept."""
    changes = {
        column: incoming[column]
        for column in COLUMNS
        if column != "email" and not existing[column] and incoming.get(column)
    }
    if not changes:
        return
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    conn.execute(
        f"UPDATE contacts SET {assignments}, updated_at = :now WHERE id = :id",
        {**changes, "now": now, "id": existing["id"]},
    )


class ContactStore:
    def __init__(self, db: Database):
        self._db = db

    async def list(self, owner_id: int, query: str | None = None) -> list[ContactRecord]:
        """The owner's contacts by name; with `query`, those with a field containing it."""

        def work(conn: sqlcipher3.Connection) -> list[ContactRecord]:
            rows = conn.execute(
                "SELECT * FROM contacts WHERE owner_id = ?" + _ORDER, (owner_id,)
            ).fetchall()
            contacts = [_contact(row) for row in rows]
            found = [c for c in contacts if c is not None]
            if query:
                # Compared in Python: SQLite's lower() and LIKE know only ASCII letters.
                needle = query.casefold()
                found = [c for c in found if _matches(c, needle)]
            return found

        return await self._db.run(work)

    async def get(self, owner_id: int, contact_id: int) -> ContactRecord | None:
        return await self._db.run(lambda conn: _select(conn, owner_id, contact_id))

    async def create(
        self, owner_id: int, fields: Mapping[str, str | None], now: float
    ) -> ContactRecord:
        def work(conn: sqlcipher3.Connection) -> ContactRecord:
            contact = _select(conn, owner_id, _insert(conn, owner_id, fields, now))
            assert contact is not None
            return contact

        return await self._db.run(work)

    async def update(
        self,
        owner_id: int,
        contact_id: int,
        changes: Mapping[str, str | None],
        now: float,
        check: Callable[[dict[str, str | None]], None],
    ) -> ContactRecord | None:
        """Apply `changes`; `check` sees the result first and may raise to undo everything."""

        def work(conn: sqlcipher3.Connection) -> ContactRecord | None:
            current = _select(conn, owner_id, contact_id)
            if current is None:
                return None
            check({**current.fields, **changes})
            values = {column: changes[column] for column in COLUMNS if column in changes}
            if "email" in values:
                values["email_key"] = _key(values["email"])
            if not values:
                return current
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            try:
                conn.execute(
                    f"UPDATE contacts SET {assignments}, updated_at = :now"
                    " WHERE id = :id AND owner_id = :owner_id",
                    {**values, "now": now, "id": contact_id, "owner_id": owner_id},
                )
            except sqlcipher3.IntegrityError as exc:
                raise ConflictError("email") from exc
            return _select(conn, owner_id, contact_id)

        return await self._db.run(work)

    async def delete(self, owner_id: int, contact_id: int) -> bool:
        def work(conn: sqlcipher3.Connection) -> bool:
            cursor = conn.execute(
                "DELETE FROM contacts WHERE id = ? AND owner_id = ?", (contact_id, owner_id)
            )
            return int(cursor.rowcount) > 0

        return await self._db.run(work)

    async def count(self, owner_id: int) -> int:
        return await self._db.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM contacts WHERE owner_id = ?", (owner_id,)
            ).fetchone()[0]
        )

    async def email_keys(self, owner_id: int) -> set[str]:
        """The e-mail addresses (without case) already in the owner's address book."""

        def work(conn: sqlcipher3.Connection) -> set[str]:
            rows = conn.execute(
                "SELECT email_key FROM contacts WHERE owner_id = ? AND email_key IS NOT NULL",
                (owner_id,),
            ).fetchall()
            return {row[0] for row in rows}

        return await self._db.run(work)

    async def import_contacts(
        self, owner_id: int, contacts: Sequence[Mapping[str, str | None]], now: float
    ) -> ImportCounts:
        """Add `contacts` in one transaction, merging into existing ones with the same e-mail."""

        def work(conn: sqlcipher3.Connection) -> ImportCounts:
            imported = merged = 0
            for contact in contacts:
                key = _key(contact.get("email"))
                existing = None
                if key is not None:
                    existing = conn.execute(
                        "SELECT * FROM contacts WHERE owner_id = ? AND email_key = ?",
                        (owner_id, key),
                    ).fetchone()
                if existing is None:
                    _insert(conn, owner_id, contact, now)
                    imported += 1
                else:
                    _fill_empty(conn, existing, contact, now)
                    merged += 1
            total = conn.execute(
                "SELECT count(*) FROM contacts WHERE owner_id = ?", (owner_id,)
            ).fetchone()[0]
            return ImportCounts(imported, merged, total)

        return await self._db.run(work)
