"""SQL for testimonials, with the consent ledger events that go with them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.consents import consent_granted, record_consent_event
from server.store.database import Database
from server.store.policies import policy_in_force
from server.store.staff import has_role, record_read, roles_in

PURPOSE = "testimonial_publication"
SOURCE = "app"
# What an admin's review shows of each author, as written to the author's audit log.
REVIEW_FIELDS = ("user_id", "testimonial_body", "testimonial_display_name", "testimonial_consent")


@dataclass(frozen=True)
class TestimonialRecord:
    id: int
    user_id: int
    body: str
    display_name: str
    created_at: float
    approved_at: float | None
    withdrawn_at: float | None
    consent: bool  # the author's testimonial_publication consent, when this was read

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "approved" if self.approved_at is not None else "pending"

    @property
    def published(self) -> bool:
        """Shown on /testimonials: approved, not withdrawn, and its author's consent stands."""
        return self.status == "approved" and self.consent


@dataclass(frozen=True)
class PublishedTestimonial:
    display_name: str
    body: str


_WHERE_STATUS = {
    "pending": "withdrawn_at IS NULL AND approved_at IS NULL",
    "approved": "withdrawn_at IS NULL AND approved_at IS NOT NULL",
    "withdrawn": "withdrawn_at IS NOT NULL",
}


def _records(conn: sqlcipher3.Connection, rows: list[sqlcipher3.Row]) -> list[TestimonialRecord]:
    consents: dict[int, bool] = {}
    records = []
    for row in rows:
        user_id = row["user_id"]
        if user_id not in consents:
            consents[user_id] = consent_granted(conn, user_id, PURPOSE)
        records.append(
            TestimonialRecord(
                row["id"],
                user_id,
                row["body"],
                row["display_name"],
                row["created_at"],
                row["approved_at"],
                row["withdrawn_at"],
                consents[user_id],
            )
        )
    return records


def _one(conn: sqlcipher3.Connection, testimonial_id: int) -> TestimonialRecord | None:
    row = conn.execute("SELECT * FROM testimonials WHERE id = ?", (testimonial_id,)).fetchone()
    return _records(conn, [row])[0] if row else None


def _audit(
    conn: sqlcipher3.Connection,
    records: list[TestimonialRecord],
    admin_id: int,
    reason: str,
    now: float,
) -> None:
    """One audit entry per author whose testimonials the admin is shown."""
    roles = roles_in(conn, admin_id)
    for author in dict.fromkeys(record.user_id for record in records):
        record_read(conn, author, admin_id, roles, reason, REVIEW_FIELDS, now)


def _version(conn: sqlcipher3.Connection, now: float) -> str | None:
    policy = policy_in_force(conn, now)
    return policy.version if policy else None


class TestimonialStore:
    def __init__(self, db: Database):
        self._db = db

    async def submit(
        self, user_id: int, body: str, display_name: str, now: float, max_pending: int
    ) -> TestimonialRecord | None:
        """Store it and record the consent it was given with; None when too many wait already."""

        def work(conn: sqlcipher3.Connection) -> TestimonialRecord | None:
            waiting = conn.execute(
                "SELECT count(*) FROM testimonials WHERE user_id = ? AND "
                + _WHERE_STATUS["pending"],
                (user_id,),
            ).fetchone()[0]
            if waiting >= max_pending:
                return None
            cursor = conn.execute(
                "INSERT INTO testimonials (user_id, body, display_name, created_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, body, display_name, now),
            )
            record_consent_event(conn, user_id, PURPOSE, True, _version(conn, now), SOURCE, now)
            return _one(conn, int(cursor.lastrowid))

        return await self._db.run(work)

    async def of_user(self, user_id: int) -> list[TestimonialRecord]:
        def work(conn: sqlcipher3.Connection) -> list[TestimonialRecord]:
            rows = conn.execute(
                "SELECT * FROM testimonials WHERE user_id = ? ORDER BY id DESC", (user_id,)
            ).fetchall()
            return _records(conn, rows)

        return await self._db.run(work)

    async def withdraw(self, user_id: int, testimonial_id: int, now: float) -> bool:
        """Withdraw one of the user's own; False when it is not theirs or does not exist.

        The consent is withdrawn in the ledger when no other testimonial of theirs is left
        standing: withdrawing one must not take down the others they still stand by.
        """

        def work(conn: sqlcipher3.Connection) -> bool:
            row = conn.execute(
                "SELECT withdrawn_at FROM testimonials WHERE id = ? AND user_id = ?",
                (testimonial_id, user_id),
            ).fetchone()
            if row is None:
                return False
            if row["withdrawn_at"] is not None:
                return True
            conn.execute(
                "UPDATE testimonials SET withdrawn_at = ? WHERE id = ?", (now, testimonial_id)
            )
            standing = conn.execute(
                "SELECT count(*) FROM testimonials WHERE user_id = ? AND withdrawn_at IS NULL",
                (user_id,),
            ).fetchone()[0]
            if not standing and consent_granted(conn, user_id, PURPOSE):
                record_consent_event(
                    conn, user_id, PURPOSE, False, _version(conn, now), SOURCE, now
                )
            return True

        return await self._db.run(work)

    async def with_status(
        self, status: str, limit: int, admin_id: int, reason: str, now: float
    ) -> list[TestimonialRecord]:
        """For moderation: oldest pending first; approved and withdrawn newest first.

        The admin sees each author's user id and words, so each author shown gets one entry in
        their audit log, in the same transaction as the read.
        """
        order = "id" if status == "pending" else "id DESC"

        def work(conn: sqlcipher3.Connection) -> list[TestimonialRecord]:
            rows = conn.execute(
                f"SELECT * FROM testimonials WHERE {_WHERE_STATUS[status]}"
                f" ORDER BY {order} LIMIT ?",
                (limit,),
            ).fetchall()
            records = _records(conn, rows)
            _audit(conn, records, admin_id, reason, now)
            return records

        return await self._db.run(work)

    async def approve(
        self, testimonial_id: int, admin_id: int, reason: str, now: float
    ) -> TestimonialRecord | None:
        """Approve a pending one (approving twice changes nothing); None when it does not exist.

        The answer shows the author's id and words to the admin: audited like the review list.
        """

        def work(conn: sqlcipher3.Connection) -> TestimonialRecord | None:
            conn.execute(
                "UPDATE testimonials SET approved_at = ?, approved_by = ?"
                " WHERE id = ? AND approved_at IS NULL AND withdrawn_at IS NULL",
                (now, admin_id, testimonial_id),
            )
            record = _one(conn, testimonial_id)
            if record is not None:
                _audit(conn, [record], admin_id, reason, now)
            return record

        return await self._db.run(work)

    async def published(self, limit: int) -> list[PublishedTestimonial]:
        """What /testimonials shows, checked against the consent ledger at this moment."""

        def work(conn: sqlcipher3.Connection) -> list[PublishedTestimonial]:
            rows = conn.execute(
                "SELECT t.* FROM testimonials t JOIN users u ON u.id = t.user_id"
                " WHERE t.approved_at IS NOT NULL AND t.withdrawn_at IS NULL"
                " AND u.deletion_requested_at IS NULL ORDER BY t.approved_at DESC, t.id DESC",
            ).fetchall()
            shown = [r for r in _records(conn, rows) if r.published]
            return [PublishedTestimonial(r.display_name, r.body) for r in shown[:limit]]

        return await self._db.run(work)

    async def is_admin(self, user_id: int) -> bool:
        return await self._db.run(lambda conn: has_role(conn, user_id, "admin"))
