"""SQL for the mail outbox: queued messages, their delivery attempts, and who mail goes to."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database


@dataclass(frozen=True)
class NewMail:
    """A message to queue; the mail service checks it before it gets here."""

    user_id: int | None
    recipient: str
    subject: str
    body: str
    essential: bool
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    user_id: int | None
    recipient: str
    subject: str
    body: str
    essential: bool
    unsubscribe_url: str | None
    created_at: float
    attempts: int
    next_attempt_at: float
    sent_at: float | None
    failed_at: float | None
    last_error: str | None


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    first_name: str


def _record(row: sqlcipher3.Row) -> OutboxRecord:
    return OutboxRecord(
        id=row["id"],
        user_id=row["user_id"],
        recipient=row["recipient"],
        subject=row["subject"],
        body=row["body"],
        essential=bool(row["essential"]),
        unsubscribe_url=row["unsubscribe_url"],
        created_at=row["created_at"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        sent_at=row["sent_at"],
        failed_at=row["failed_at"],
        last_error=row["last_error"],
    )


def insert_mail(conn: sqlcipher3.Connection, mail: NewMail, now: float) -> int:
    """Queue one message, due at once; call inside the caller's transaction."""
    cursor = conn.execute(
        "INSERT INTO outbox (user_id, recipient, subject, body, essential, unsubscribe_url,"
        " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mail.user_id,
            mail.recipient,
            mail.subject,
            mail.body,
            int(mail.essential),
            mail.unsubscribe_url,
            now,
            now,
        ),
    )
    return int(cursor.lastrowid)


def _recipient(row: sqlcipher3.Row | None) -> Recipient | None:
    return Recipient(row["id"], row["email"], row["first_name"]) if row else None


def recipient_of(conn: sqlcipher3.Connection, user_id: int) -> Recipient | None:
    """Where mail for this user goes; None for an unknown account or one being deleted."""
    return _recipient(
        conn.execute(
            "SELECT id, email, first_name FROM users"
            " WHERE id = ? AND deletion_requested_at IS NULL",
            (user_id,),
        ).fetchone()
    )


def all_recipients(conn: sqlcipher3.Connection) -> list[Recipient]:
    """Every account not being deleted, for service mail that goes to all members."""
    rows = conn.execute(
        "SELECT id, email, first_name FROM users WHERE deletion_requested_at IS NULL ORDER BY id"
    ).fetchall()
    return [Recipient(row["id"], row["email"], row["first_name"]) for row in rows]


class OutboxStore:
    def __init__(self, db: Database):
        self._db = db

    async def add(self, mail: NewMail, now: float) -> int:
        return await self._db.run(lambda conn: insert_mail(conn, mail, now))

    async def due(self, now: float, limit: int) -> list[OutboxRecord]:
        """Unsent, not given up, and due by `now`: oldest first."""
        rows = await self._db.run(
            lambda conn: conn.execute(
                "SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
                " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                (now, limit),
            ).fetchall()
        )
        return [_record(row) for row in rows]

    async def next_due_at(self) -> float | None:
        """When the earliest waiting message is due; None when nothing waits."""
        return await self._db.run(
            lambda conn: conn.execute(
                "SELECT min(next_attempt_at) FROM outbox"
                " WHERE sent_at IS NULL AND failed_at IS NULL"
            ).fetchone()[0]
        )

    async def mark_sent(self, mail_id: int, now: float) -> None:
        await self._db.run(
            lambda conn: conn.execute(
                "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                (now, mail_id),
            )
        )

    async def mark_retry(
        self, mail_id: int, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        await self._db.run(
            lambda conn: conn.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                (attempts, next_attempt_at, error, mail_id),
            )
        )

    async def mark_failed(self, mail_id: int, attempts: int, error: str, now: float) -> None:
        """Give up on a message; it stays in the table with its last error."""
        await self._db.run(
            lambda conn: conn.execute(
                "UPDATE outbox SET attempts = ?, failed_at = ?, last_error = ? WHERE id = ?",
                (attempts, now, error, mail_id),
            )
        )

    async def messages(self, user_id: int | None = None) -> list[OutboxRecord]:
        """Every message in the outbox (of one user when given), oldest first."""
        params: tuple[int, ...]
        if user_id is None:
            query, params = "SELECT * FROM outbox ORDER BY id", ()
        else:
            query, params = "SELECT * FROM outbox WHERE user_id = ? ORDER BY id", (user_id,)
        rows = await self._db.run(lambda conn: conn.execute(query, params).fetchall())
        return [_record(row) for row in rows]
