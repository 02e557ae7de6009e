"""SQL for staff roles and the audit log of staff reads of a user's data."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database

ROLES: tuple[str, ...] = ("admin", "support", "billing")


@dataclass(frozen=True)
class AuditEntry:
    at: float
    staff_username: str | None
    staff_roles: tuple[str, ...]
    reason: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class StaffRead:
    """The reader's roles at the time of the read, and what they saw (None: no such user)."""

    roles: frozenset[str]
    values: dict[str, object] | None


def has_role(conn: sqlcipher3.Connection, user_id: int, role: str) -> bool:
    """Whether `user_id` holds staff `role`; call inside the caller's transaction."""
    row = conn.execute(
        "SELECT 1 FROM staff_roles WHERE user_id = ? AND role = ?", (user_id, role)
    ).fetchone()
    return row is not None


def roles_in(conn: sqlcipher3.Connection, user_id: int) -> frozenset[str]:
    rows = conn.execute("SELECT role FROM staff_roles WHERE user_id = ?", (user_id,)).fetchall()
    return frozenset(row[0] for row in rows)


def record_read(
    conn: sqlcipher3.Connection,
    subject_id: int,
    staff_id: int,
    roles: frozenset[str],
    reason: str,
    fields: tuple[str, ...],
    now: float,
) -> None:
    """Write one staff read of `subject_id`'s data to their audit log, in the read's transaction."""
    conn.execute(
        "INSERT INTO audit_log (subject_user_id, staff_user_id, staff_role, reason, fields, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (subject_id, staff_id, ",".join(sorted(roles)), reason, json.dumps(list(fields)), now),
    )


def audit_entries(conn: sqlcipher3.Connection, user_id: int) -> list[AuditEntry]:
    """Every staff read of `user_id`'s data, oldest first; call inside a transaction."""
    rows = conn.execute(
        "SELECT a.at, u.username, a.staff_role, a.reason, a.fields FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.staff_user_id"
        " WHERE a.subject_user_id = ? ORDER BY a.at, a.id",
        (user_id,),
    ).fetchall()
    return [
        AuditEntry(
            at=row[0],
            staff_username=row[1],
            staff_roles=tuple(role for role in row[2].split(",") if role),
            reason=row[3],
            fields=tuple(json.loads(row[4])),
        )
        for row in rows
    ]


class StaffStore:
    def __init__(self, db: Database):
        self._db = db

    async def roles_of(self, user_id: int) -> frozenset[str]:
        return await self._db.run(lambda conn: roles_in(conn, user_id))

    async def read_user(
        self,
        staff_id: int,
        subject_id: int,
        reason: str,
        fields_for: Callable[[frozenset[str]], Mapping[str, str]],
        now: float,
    ) -> StaffRead:
        """Read what the staff member's roles allow of one user and audit it, in one transaction.

        `fields_for` maps roles to {field shown: users column}; columns come from that code,
        never from input.
        """

        def work(conn: sqlcipher3.Connection) -> StaffRead:
            roles = roles_in(conn, staff_id)
            if not roles:
                return StaffRead(roles, None)
            fields = dict(fields_for(roles))
            columns = ", ".join(dict.fromkeys(fields.values())) or "id"
            row = conn.execute(
                f"SELECT {columns} FROM users WHERE id = ?", (subject_id,)
            ).fetchone()
            if row is None:
                return StaffRead(roles, None)
            values = {shown: row[column] for shown, column in fields.items()}
            record_read(conn, subject_id, staff_id, roles, reason, tuple(fields), now)
            return StaffRead(roles, values)

        return await self._db.run(work)

    async def audit_of(self, user_id: int) -> list[AuditEntry]:
        return await self._db.run(lambda conn: audit_entries(conn, user_id))

    async def grant(self, username: str, role: str, now: float) -> bool | None:
        """Give `username` the role: True if granted, False if held already, None if no user."""

        def work(conn: sqlcipher3.Connection) -> bool | None:
            user_id = _user_id(conn, username)
            if user_id is None:
                return None
            cursor = conn.execute(
                "INSERT OR IGNORE INTO staff_roles (user_id, role, granted_at) VALUES (?, ?, ?)",
                (user_id, role, now),
            )
            return bool(cursor.rowcount == 1)

        return await self._db.run(work)

    async def revoke(self, username: str, role: str) -> bool | None:
        """Take the role away: True if revoked, False if not held, None if no such user."""

        def work(conn: sqlcipher3.Connection) -> bool | None:
            user_id = _user_id(conn, username)
            if user_id is None:
                return None
            cursor = conn.execute(
                "DELETE FROM staff_roles WHERE user_id = ? AND role = ?", (user_id, role)
            )
            return bool(cursor.rowcount == 1)

        return await self._db.run(work)


def _user_id(conn: sqlcipher3.Connection, username: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM users WHERE username_key = ?", (username.casefold(),)
    ).fetchone()
    return row[0] if row else None
