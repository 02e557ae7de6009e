"""SQL for account deletion: the request, its cancellation, and the purge after the grace period."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database

DELETED_SENDER_NAME = "Deleted user"


@dataclass(frozen=True)
class DeletionRequest:
    user_id: int
    username: str
    email: str
    requested_at: float


class DeletionStore:
    def __init__(self, db: Database):
        self._db = db

    async def request(self, user_id: int, now: float) -> DeletionRequest | None:
        """Mark the account pending deletion and end every one of its sessions, atomically."""

        def work(conn: sqlcipher3.Connection) -> DeletionRequest | None:
            conn.execute(
                "UPDATE users SET deletion_requested_at = ? WHERE id = ?"
                " AND deletion_requested_at IS NULL",
                (now, user_id),
            )
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            row = conn.execute(
                "SELECT id, username, email, deletion_requested_at FROM users WHERE id = ?",
                (user_id,),
            ).fetchone()
            return _request(row) if row else None

        return await self._db.run(work)

    async def cancel(self, user_id: int) -> DeletionRequest | None:
        """Take the account out of pending deletion; None if it was not pending."""

        def work(conn: sqlcipher3.Connection) -> DeletionRequest | None:
            row = conn.execute(
                "SELECT id, username, email, deletion_requested_at FROM users WHERE id = ?"
                " AND deletion_requested_at IS NOT NULL",
                (user_id,),
            ).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE users SET deletion_requested_at = NULL WHERE id = ?", (user_id,))
            return _request(row)

        return await self._db.run(work)

    async def pending(self) -> list[DeletionRequest]:
        """Every account pending deletion, oldest request first."""
        return await self._db.run(
            lambda conn: [
                _request(row)
                for row in conn.execute(
                    "SELECT id, username, email, deletion_requested_at FROM users"
                    " WHERE deletion_requested_at IS NOT NULL ORDER BY deletion_requested_at, id"
                )
            ]
        )

    async def purge(self, requested_before: float) -> list[int]:
        """Erase every account whose deletion was requested before the cutoff; return their ids.

        Chat they sent in others' meetings stays, as "Deleted user" (the foreign key nulls the
        sender); everything else about them goes by ON DELETE CASCADE, including the meetings
        they organised with those meetings' chat.
        """

        def work(conn: sqlcipher3.Connection) -> list[int]:
            due = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM users WHERE deletion_requested_at IS NOT NULL"
                    " AND deletion_requested_at <= ?",
                    (requested_before,),
                )
            ]
            for user_id in due:
                conn.execute(
                    "UPDATE chat_messages SET sender_name = ? WHERE sender_user_id = ?",
                    (DELETED_SENDER_NAME, user_id),
                )
                conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
            return due

        return await self._db.run(work)


def _request(row: sqlcipher3.Row) -> DeletionRequest:
    return DeletionRequest(row["id"], row["username"], row["email"], row["deletion_requested_at"])
