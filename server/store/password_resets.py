"""SQL for password reset links: made with their e-mail, used once together with the new hash."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database
from server.store.outbox import NewMail, insert_mail


class ResetState(enum.Enum):
    READY = "ready"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class ResetLink:
    """What a token stands for: its state and, when it names one, the account."""

    state: ResetState
    user_id: int | None = None


def _state(row: sqlcipher3.Row | None, now: float) -> ResetLink:
    if row is None:
        return ResetLink(ResetState.UNKNOWN)
    if row["used_at"] is not None:
        return ResetLink(ResetState.USED, row["user_id"])
    if row["expires_at"] <= now:
        return ResetLink(ResetState.EXPIRED, row["user_id"])
    return ResetLink(ResetState.READY, row["user_id"])


def _find(conn: sqlcipher3.Connection, token_hash: bytes) -> sqlcipher3.Row | None:
    return conn.execute(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?",
        (token_hash,),
    ).fetchone()


def add_reset(
    conn: sqlcipher3.Connection, user_id: int, token_hash: bytes, now: float, expires_at: float
) -> None:
    """Store a new link; the account's spent ones are dropped (only open links matter)."""
    conn.execute(
        "DELETE FROM password_resets"
        " WHERE user_id = ? AND (used_at IS NOT NULL OR expires_at <= ?)",
        (user_id, now),
    )
    conn.execute(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)",
        (token_hash, user_id, now, expires_at),
    )


class PasswordResetStore:
    """Each method is one transaction."""

    def __init__(self, db: Database):
        self._db = db

    async def create(
        self, user_id: int, token_hash: bytes, now: float, expires_at: float, mail: NewMail | None
    ) -> None:
        """Store a link and queue its e-mail together (no mail: the link is handed over instead)."""

        def work(conn: sqlcipher3.Connection) -> None:
            add_reset(conn, user_id, token_hash, now, expires_at)
            if mail is not None:
                insert_mail(conn, mail, now)

        await self._db.run(work)

    async def rehearse(
        self, token_hash: bytes, now: float, expires_at: float, mail: NewMail
    ) -> None:
        """The writes `create` makes, undone in the same transaction, for a login that names no
        account: both answers then cost a commit of the same pages, so timing tells nothing."""

        def work(conn: sqlcipher3.Connection) -> None:
            conn.execute("PRAGMA defer_foreign_keys = ON")  # the row is gone before the check
            add_reset(conn, 0, token_hash, now, expires_at)
            mail_id = insert_mail(conn, mail, now)
            conn.execute("DELETE FROM password_resets WHERE token_hash = ?", (token_hash,))
            conn.execute("DELETE FROM outbox WHERE id = ?", (mail_id,))

        await self._db.run(work)

    async def find(self, token_hash: bytes, now: float) -> ResetLink:
        """What following the link would find, changing nothing."""
        return await self._db.run(lambda conn: _state(_find(conn, token_hash), now))

    async def use(self, token_hash: bytes, password_hash: str, now: float) -> ResetLink:
        """If the link is open: set the password, spend every open link of the account and end
        all its sessions, atomically. Returns the link's state as found (READY: done)."""

        def work(conn: sqlcipher3.Connection) -> ResetLink:
            found = _state(_find(conn, token_hash), now)
            if found.state is not ResetState.READY:
                return found
            conn.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                (password_hash, now, found.user_id),
            )
            conn.execute(
                "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                (now, found.user_id),
            )
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (found.user_id,))
            return found

        return await self._db.run(work)

    async def open_links(self, user_id: int, now: float) -> int:
        """How many unused, unexpired links the account has (for tests and admin output)."""
        return await self._db.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM password_resets"
                " WHERE user_id = ? AND used_at IS NULL AND expires_at > ?",
                (user_id, now),
            ).fetchone()[0]
        )
