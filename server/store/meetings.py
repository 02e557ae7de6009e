"""SQL for meetings and their kept chat."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database
from server.store.errors import ConflictError
from server.store.guests import forget_guests, guests_of_meeting


@dataclass(frozen=True)
class MeetingRecord:
    id: str
    host_user_id: int
    subject: str
    join_code: str
    created_at: float
    ended_at: float | None


@dataclass(frozen=True)
class ChatRecord:
    seq: int
    sender_participant: str
    sender_user_id: int | None
    sender_name: str
    recipient: str | None
    body: str
    sent_at: float
    sender_guest_id: int | None = None  # a guest's (who has no account, so no user id)


def _record(row: sqlcipher3.Row) -> MeetingRecord:
    return MeetingRecord(
        row["id"],
        row["host_user_id"],
        row["subject"],
        row["join_code"],
        row["created_at"],
        row["ended_at"],
    )


def _meeting(row: sqlcipher3.Row | None) -> MeetingRecord | None:
    return None if row is None else _record(row)


class MeetingStore:
    def __init__(self, db: Database):
        self._db = db

    async def create(
        self, meeting_id: str, host_user_id: int, subject: str, join_code: str, now: float
    ) -> MeetingRecord:
        def work(conn: sqlcipher3.Connection) -> MeetingRecord:
            try:
                conn.execute(
                    "INSERT INTO meetings (id, host_user_id, subject, join_code, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (meeting_id, host_user_id, subject, join_code, now),
                )
            except sqlcipher3.IntegrityError as exc:
                raise ConflictError("join_code") from exc
            return MeetingRecord(meeting_id, host_user_id, subject, join_code, now, None)

        return await self._db.run(work)

    async def by_join_code(self, join_code: str) -> MeetingRecord | None:
        return await self._db.run(
            lambda conn: _meeting(
                conn.execute("SELECT * FROM meetings WHERE join_code = ?", (join_code,)).fetchone()
            )
        )

    async def by_id(self, meeting_id: str) -> MeetingRecord | None:
        return await self._db.run(
            lambda conn: _meeting(
                conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
            )
        )

    async def hosted_by(self, user_id: int) -> list[MeetingRecord]:
        return await self._db.run(
            lambda conn: [
                _record(row)
                for row in conn.execute(
                    "SELECT * FROM meetings WHERE host_user_id = ? ORDER BY created_at DESC",
                    (user_id,),
                )
            ]
        )

    async def mark_ended(self, meeting_id: str, now: float) -> list[int]:
        """End the meeting and forget its guests, at once; the ids of the guests forgotten."""

        def work(conn: sqlcipher3.Connection) -> list[int]:
            conn.execute(
                "UPDATE meetings SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (now, meeting_id),
            )
            guests = guests_of_meeting(conn, meeting_id)
            forget_guests(conn, guests)
            return guests

        return await self._db.run(work)

    async def set_empty_since(self, when: dict[str, float]) -> None:
        """Remember, per meeting id, since when nobody has been in it (as the server stops)."""
        await self._db.run(
            lambda conn: conn.executemany(
                "UPDATE meetings SET empty_since = ? WHERE id = ? AND ended_at IS NULL",
                [(since, meeting_id) for meeting_id, since in when.items()],
            )
        )

    async def empty_since(self) -> dict[str, float]:
        """Meeting id -> since when nobody has been in it, for the open meetings left empty."""
        return await self._db.run(
            lambda conn: {
                row["id"]: row["empty_since"]
                for row in conn.execute(
                    "SELECT id, empty_since FROM meetings"
                    " WHERE ended_at IS NULL AND empty_since IS NOT NULL"
                )
            }
        )

    async def add_chat(self, meeting_id: str, record: ChatRecord, keep: int) -> None:
        """Store one chat message and drop all but the newest `keep` of the meeting."""

        def work(conn: sqlcipher3.Connection) -> None:
            conn.execute(
                "INSERT INTO chat_messages (meeting_id, seq, sender_participant, sender_user_id,"
                " sender_name, recipient, body, sent_at, sender_guest_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meeting_id,
                    record.seq,
                    record.sender_participant,
                    record.sender_user_id,
                    record.sender_name,
                    record.recipient,
                    record.body,
                    record.sent_at,
                    record.sender_guest_id,
                ),
            )
            conn.execute(
                "DELETE FROM chat_messages WHERE meeting_id = ? AND seq <= ?",
                (meeting_id, record.seq - keep),
            )

        await self._db.run(work)

    async def chat(self, meeting_id: str) -> list[ChatRecord]:
        """The kept chat of a meeting, oldest first."""
        return await self._db.run(
            lambda conn: [
                ChatRecord(
                    row["seq"],
                    row["sender_participant"],
                    row["sender_user_id"],
                    row["sender_name"],
                    row["recipient"],
                    row["body"],
                    row["sent_at"],
                    row["sender_guest_id"],
                )
                for row in conn.execute(
                    "SELECT * FROM chat_messages WHERE meeting_id = ? ORDER BY seq", (meeting_id,)
                )
            ]
        )
