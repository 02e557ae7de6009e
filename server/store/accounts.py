"""SQL for users and their sessions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from server.store.database import Database
from server.store.errors import ConflictError

PROFILE_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "username",
    "email",
    "phone",
    "country",
    "address",
    "city",
    "state",
    "zip",
    "company",
    "title",
    "school",
)


@dataclass(frozen=True)
class UserRecord:
    id: int
    profile: dict[str, str | None]
    password_hash: str
    created_at: float
    updated_at: float
    deletion_requested_at: float | None = None  # set while the account is pending deletion


@dataclass(frozen=True)
class SessionCheck:
    """What a check of open sessions found: those still live, and those it expired just now."""

    live: frozenset[int]
    expired: frozenset[int]


@dataclass(frozen=True)
class SessionRecord:
    id: int
    user_id: int
    created_at: float
    last_used_at: float
    expires_at: float


def _user(row: sqlcipher3.Row | None) -> UserRecord | None:
    if row is None:
        return None
    return UserRecord(
        id=row["id"],
        profile={column: row[column] for column in PROFILE_COLUMNS},
        password_hash=row["password_hash"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deletion_requested_at=row["deletion_requested_at"],
    )


def _keys(values: Mapping[str, Any]) -> dict[str, str]:
    keys = {}
    if "username" in values:
        keys["username_key"] = values["username"].casefold()
    if "email" in values:
        keys["email_key"] = values["email"].casefold()
    return keys


def _conflict(exc: sqlcipher3.IntegrityError) -> ConflictError:
    text = str(exc)
    return ConflictError("email" if "email_key" in text else "username")


class AccountStore:
    def __init__(self, db: Database):
        self._db = db

    async def create_user(
        self, profile: Mapping[str, str | None], password_hash: str, now: float
    ) -> UserRecord:
        values: dict[str, object] = {column: profile.get(column) for column in PROFILE_COLUMNS}
        values.update(_keys(values))
        values.update(password_hash=password_hash, created_at=now, updated_at=now)
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)

        def work(conn: sqlcipher3.Connection) -> UserRecord:
            try:
                cursor = conn.execute(f"INSERT INTO users ({columns}) VALUES ({marks})", values)
            except sqlcipher3.IntegrityError as exc:
                raise _conflict(exc) from exc
            user = _user(
                conn.execute("SELECT * FROM users WHERE id = ?", (cursor.lastrowid,)).fetchone()
            )
            assert user is not None  # inserted just above, in this transaction
            return user

        return await self._db.run(work)

    async def user_by_id(self, user_id: int) -> UserRecord | None:
        return await self._db.run(
            lambda conn: _user(
                conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
            )
        )

    async def user_by_login(self, login: str) -> UserRecord | None:
        """The user whose e-mail or username is `login`, compared without case."""
        key = login.casefold()
        return await self._db.run(
            lambda conn: _user(
                conn.execute(
                    "SELECT * FROM users WHERE email_key = ? OR username_key = ?", (key, key)
                ).fetchone()
            )
        )

    async def update_profile(
        self, user_id: int, changes: Mapping[str, str | None], now: float
    ) -> UserRecord | None:
        values: dict[str, object] = {
            column: changes[column] for column in PROFILE_COLUMNS if column in changes
        }
        values.update(_keys(values))
        values["updated_at"] = now
        assignments = ", ".join(f"{name} = :{name}" for name in values)

        def work(conn: sqlcipher3.Connection) -> UserRecord | None:
            try:
                conn.execute(
                    f"UPDATE users SET {assignments} WHERE id = :id", {**values, "id": user_id}
                )
            except sqlcipher3.IntegrityError as exc:
                raise _conflict(exc) from exc
            return _user(conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

        return await self._db.run(work)

    async def set_password_hash(
        self, user_id: int, password_hash: str, now: float, keep_session_id: int | None
    ) -> None:
        """Store a new password hash and end every session but `keep_session_id`, atomically."""

        def work(conn: sqlcipher3.Connection) -> None:
            conn.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                (password_hash, now, user_id),
            )
            conn.execute(
                "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", (user_id, keep_session_id)
            )

        await self._db.run(work)

    async def create_session(
        self,
        user_id: int,
        token_hash: bytes,
        now: float,
        expires_at: float,
        user_agent: str | None,
        address: str | None,
    ) -> SessionRecord:
        def work(conn: sqlcipher3.Connection) -> SessionRecord:
            cursor = conn.execute(
                "INSERT INTO sessions (user_id, token_hash, created_at, last_used_at, expires_at,"
                " user_agent, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (user_id, token_hash, now, now, expires_at, user_agent, address),
            )
            return SessionRecord(cursor.lastrowid, user_id, now, now, expires_at)

        return await self._db.run(work)

    async def touch_session(
        self, token_hash: bytes, now: float, idle_seconds: float
    ) -> SessionRecord | None:
        """The live session for `token_hash`, marked as used now; expired ones are deleted."""

        def work(conn: sqlcipher3.Connection) -> SessionRecord | None:
            row = conn.execute(
                "SELECT id, user_id, created_at, last_used_at, expires_at FROM sessions"
                " WHERE token_hash = ?",
                (token_hash,),
            ).fetchone()
            if row is None:
                return None
            if now >= row["expires_at"] or now - row["last_used_at"] >= idle_seconds:
                conn.execute("DELETE FROM sessions WHERE id = ?", (row["id"],))
                return None
            last_used = row["last_used_at"]
            # Writing on every request would make each read a write; a minute's precision is enough.
            if now - last_used >= 60:
                conn.execute("UPDATE sessions SET last_used_at = ? WHERE id = ?", (now, row["id"]))
                last_used = now
            return SessionRecord(
                row["id"], row["user_id"], row["created_at"], last_used, row["expires_at"]
            )

        return await self._db.run(work)

    async def check_sessions(
        self, used_at: Mapping[int, float | None], now: float, idle_seconds: float
    ) -> SessionCheck:
        """Which of these sessions still work; each marked used at its time, expired ones deleted.

        Sessions neither live nor expired are gone: ended by something else (logout, a password
        change, erasure, possibly in another process).
        """

        def work(conn: sqlcipher3.Connection) -> SessionCheck:
            live, expired = set(), set()
            for session_id, used in used_at.items():
                row = conn.execute(
                    "SELECT last_used_at, expires_at FROM sessions WHERE id = ?", (session_id,)
                ).fetchone()
                if row is None:
                    continue
                last_used = row["last_used_at"]
                if used is not None and used - last_used >= 60:
                    # The same minute's precision as touch_session.
                    conn.execute(
                        "UPDATE sessions SET last_used_at = ? WHERE id = ?", (used, session_id)
                    )
                    last_used = used
                if now >= row["expires_at"] or now - last_used >= idle_seconds:
                    conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                    expired.add(session_id)
                else:
                    live.add(session_id)
            return SessionCheck(frozenset(live), frozenset(expired))

        return await self._db.run(work)

    async def delete_session(self, session_id: int) -> None:
        await self._db.run(
            lambda conn: conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        )

    async def count_sessions(self, user_id: int) -> int:
        return await self._db.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM sessions WHERE user_id = ?", (user_id,)
            ).fetchone()[0]
        )
