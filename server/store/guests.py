"""SQL for guests: one meeting's invite holders, each row its own session (no account)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlcipher3

from server.store.accounts import SessionCheck
from server.store.database import Database

# What chat a guest sent is signed with once the guest is gone.
GUEST_SENDER_NAME = "Guest"


@dataclass(frozen=True)
class GuestRecord:
    id: int
    meeting_id: str
    display_name: str
    created_at: float
    last_used_at: float
    expires_at: float


def _guest(row: sqlcipher3.Row | None) -> GuestRecord | None:
    if row is None:
        return None
    return GuestRecord(
        row["id"],
        row["meeting_id"],
        row["display_name"],
        row["created_at"],
        row["last_used_at"],
        row["expires_at"],
    )


def _stale(row: sqlcipher3.Row, now: float, idle_seconds: float) -> bool:
    return bool(now >= row["expires_at"] or now - row["last_used_at"] >= idle_seconds)


def forget_guests(conn: sqlcipher3.Connection, guest_ids: Collection[int]) -> None:
    """Delete these guests; chat they sent stays in its meeting, signed "Guest"."""
    for guest_id in guest_ids:
        conn.execute(
            "UPDATE chat_messages SET sender_name = ?, sender_guest_id = NULL"
            " WHERE sender_guest_id = ?",
            (GUEST_SENDER_NAME, guest_id),
        )
        conn.execute("DELETE FROM guests WHERE id = ?", (guest_id,))


def guests_of_meeting(conn: sqlcipher3.Connection, meeting_id: str) -> list[int]:
    return [
        row[0] for row in conn.execute("SELECT id FROM guests WHERE meeting_id = ?", (meeting_id,))
    ]


class GuestStore:
    def __init__(self, db: Database):
        self._db = db

    async def create(
        self, meeting_id: str, display_name: str, token_hash: bytes, now: float, expires_at: float
    ) -> GuestRecord | None:
        """A new guest of the meeting; None when it has ended (or is gone) by now."""

        def work(conn: sqlcipher3.Connection) -> GuestRecord | None:
            # In the same transaction as the meeting check: a meeting ending meanwhile either
            # sees this guest (and ends it) or refuses it here.
            cursor = conn.execute(
                "INSERT INTO guests (meeting_id, display_name, token_hash, created_at,"
                " last_used_at, expires_at) SELECT id, ?, ?, ?, ?, ? FROM meetings"
                " WHERE id = ? AND ended_at IS NULL",
                (display_name, token_hash, now, now, expires_at, meeting_id),
            )
            if cursor.rowcount != 1:
                return None
            return GuestRecord(cursor.lastrowid, meeting_id, display_name, now, now, expires_at)

        return await self._db.run(work)

    async def touch(self, token_hash: bytes, now: float, idle_seconds: float) -> GuestRecord | None:
        """The live guest with this token, marked used now; an expired one is forgotten."""

        def work(conn: sqlcipher3.Connection) -> GuestRecord | None:
            row = conn.execute(
                "SELECT * FROM guests WHERE token_hash = ?", (token_hash,)
            ).fetchone()
            if row is None:
                return None
            if _stale(row, now, idle_seconds):
                forget_guests(conn, [row["id"]])
                return None
            guest = _guest(row)
            assert guest is not None
            if now - guest.last_used_at >= 60:  # a minute's precision, as for sessions
                conn.execute("UPDATE guests SET last_used_at = ? WHERE id = ?", (now, guest.id))
            return guest

        return await self._db.run(work)

    async def by_id(self, guest_id: int) -> GuestRecord | None:
        return await self._db.run(
            lambda conn: _guest(
                conn.execute("SELECT * FROM guests WHERE id = ?", (guest_id,)).fetchone()
            )
        )

    async def check(
        self, used_at: Mapping[int, float | None], now: float, idle_seconds: float
    ) -> SessionCheck:
        """Which of these guests' sessions still work (as AccountStore.check_sessions)."""

        def work(conn: sqlcipher3.Connection) -> SessionCheck:
            live, expired = set(), set()
            for guest_id, used in used_at.items():
                row = conn.execute(
                    "SELECT last_used_at, expires_at FROM guests WHERE id = ?", (guest_id,)
                ).fetchone()
                if row is None:
                    continue
                last_used = row["last_used_at"]
                if used is not None and used - last_used >= 60:
                    conn.execute(
                        "UPDATE guests SET last_used_at = ? WHERE id = ?", (used, guest_id)
                    )
                    last_used = used
                if now >= row["expires_at"] or now - last_used >= idle_seconds:
                    forget_guests(conn, [guest_id])
                    expired.add(guest_id)
                else:
                    live.add(guest_id)
            return SessionCheck(frozenset(live), frozenset(expired))

        return await self._db.run(work)

    async def purge_expired(self, now: float, idle_seconds: float) -> list[int]:
        """Forget every guest past its lifetime or idle too long; their ids."""

        def work(conn: sqlcipher3.Connection) -> list[int]:
            due = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM guests WHERE expires_at <= ? OR last_used_at <= ?",
                    (now, now - idle_seconds),
                )
            ]
            forget_guests(conn, due)
            return due

        return await self._db.run(work)

    async def count(self) -> int:
        return await self._db.run(
            lambda conn: conn.execute("SELECT count(*) FROM guests").fetchone()[0]
        )
