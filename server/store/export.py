"""SQL for a user's data export: every row about them, read in one transaction.

The rows are read into plain dicts and lists (`ExportData`) and the transaction ends; the ZIP is
built from them afterwards, off the database thread, so compressing never stalls other database
work. No query here selects a password hash, a token or a token hash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from server.store.accounts import PROFILE_COLUMNS
from server.store.database import Database
from server.store.staff import audit_entries

CONTACT_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "notes",
    "created_at",
    "updated_at",
)
_USER_COLUMNS = (
    *PROFILE_COLUMNS,
    "billing_address",
    "created_at",
    "updated_at",
    "deletion_requested_at",
)


class ExportRows:
    """One user's rows, table by table, on the connection of the open transaction."""

    def __init__(self, conn: sqlcipher3.Connection, user_id: int, now: float = 0.0):
        self._conn = conn
        self.user_id = user_id
        self.now = now

    def _rows(self, sql: str, *args: Any) -> Iterator[dict[str, Any]]:
        for row in self._conn.execute(sql, (self.user_id, *args)):
            yield dict(zip(row.keys(), row, strict=True))

    def profile(self) -> dict[str, Any] | None:
        return next(
            self._rows(f"SELECT id, {', '.join(_USER_COLUMNS)} FROM users WHERE id = ?"), None
        )

    def public_profile(self) -> dict[str, Any] | None:
        return next(
            self._rows(
                "SELECT enabled, fields, bio, updated_at FROM public_profiles WHERE user_id = ?"
            ),
            None,
        )

    def staff_roles(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT role, granted_at FROM staff_roles WHERE user_id = ? ORDER BY role"
        )

    def consent_events(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT purpose, granted, policy_version, source, at FROM consent_events"
            " WHERE user_id = ? ORDER BY id"
        )

    def pending_consents(self) -> Iterator[dict[str, Any]]:
        """Consents asked for and not yet confirmed: per purpose, the one link that still works."""
        return self._rows(
            "SELECT purpose, max(created_at) AS requested_at, expires_at FROM consent_tokens"
            " WHERE user_id = ? AND kind = 'confirm' AND used_at IS NULL"
            " AND (expires_at IS NULL OR expires_at > ?) GROUP BY purpose ORDER BY purpose",
            self.now,
        )

    def sessions(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT created_at, last_used_at, expires_at, user_agent, address FROM sessions"
            " WHERE user_id = ? ORDER BY created_at"
        )

    def meetings(self) -> Iterator[dict[str, Any]]:
        """Meetings they organise; `chat_of` and `participants_of` give each one's contents."""
        return self._rows(
            "SELECT id, subject, join_code, created_at, ended_at FROM meetings"
            " WHERE host_user_id = ? ORDER BY created_at"
        )

    def participants_of(self, meeting_id: str) -> Iterator[dict[str, Any]]:
        """Who took part as far as Podium keeps it: the distinct senders of the kept chat."""
        return self._meeting_rows(
            "SELECT sender_participant AS participant, sender_name AS name,"
            " min(sent_at) AS first_message_at FROM chat_messages"
            " WHERE meeting_id = ?"
            " AND meeting_id IN (SELECT id FROM meetings WHERE host_user_id = ?)"
            " GROUP BY sender_participant, sender_name ORDER BY first_message_at",
            meeting_id,
        )

    def chat_of(self, meeting_id: str) -> Iterator[dict[str, Any]]:
        return self._meeting_rows(
            "SELECT seq, sender_participant, sender_name, recipient, body, sent_at"
            " FROM chat_messages WHERE meeting_id = ?"
            " AND meeting_id IN (SELECT id FROM meetings WHERE host_user_id = ?) ORDER BY seq",
            meeting_id,
        )

    def _meeting_rows(self, sql: str, meeting_id: str) -> Iterator[dict[str, Any]]:
        for row in self._conn.execute(sql, (meeting_id, self.user_id)):
            yield dict(zip(row.keys(), row, strict=True))

    def chat_sent(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT meeting_id, seq, sender_name, recipient, body, sent_at FROM chat_messages"
            " WHERE sender_user_id = ? ORDER BY sent_at, meeting_id, seq"
        )

    def contacts(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            f"SELECT {', '.join(CONTACT_COLUMNS)} FROM contacts WHERE owner_id = ? ORDER BY id"
        )

    def audit(self) -> Iterator[dict[str, Any]]:
        for entry in audit_entries(self._conn, self.user_id):
            yield {
                "at": entry.at,
                "staff_username": entry.staff_username,
                "staff_roles": list(entry.staff_roles),
                "reason": entry.reason,
                "fields": list(entry.fields),
            }

    def testimonials(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT id, body, display_name, created_at, approved_at, withdrawn_at"
            " FROM testimonials WHERE user_id = ? ORDER BY id"
        )

    def policy_acceptances(self) -> Iterator[dict[str, Any]]:
        return self._rows(
            "SELECT a.version, a.accepted_at, a.source, v.effective_at FROM policy_acceptances a"
            " JOIN policy_versions v ON v.version = a.version WHERE a.user_id = ?"
            " ORDER BY a.accepted_at"
        )


Row = dict[str, Any]


@dataclass(frozen=True)
class ExportData:
    """Everything an export holds, as read in one transaction; meetings carry their contents."""

    profile: Row | None
    public_profile: Row | None
    staff_roles: list[Row]
    consent_events: list[Row]
    sessions: list[Row]
    meetings: list[Row]  # each with "participants" and "chat" lists
    chat_sent: list[Row]
    contacts: list[Row]
    audit: list[Row]
    testimonials: list[Row]
    policy_acceptances: list[Row]
    pending_consents: list[Row] = dataclasses.field(default_factory=list)


def read_export(conn: sqlcipher3.Connection, user_id: int, now: float = 0.0) -> ExportData:
    """All of one user's rows; call inside a transaction for one consistent read."""
    rows = ExportRows(conn, user_id, now)
    meetings = list(rows.meetings())  # a cursor per meeting is opened below
    for meeting in meetings:
        meeting["participants"] = list(rows.participants_of(meeting["id"]))
        meeting["chat"] = list(rows.chat_of(meeting["id"]))
    return ExportData(
        profile=rows.profile(),
        public_profile=rows.public_profile(),
        staff_roles=list(rows.staff_roles()),
        consent_events=list(rows.consent_events()),
        sessions=list(rows.sessions()),
        meetings=meetings,
        chat_sent=list(rows.chat_sent()),
        contacts=list(rows.contacts()),
        audit=list(rows.audit()),
        testimonials=list(rows.testimonials()),
        policy_acceptances=list(rows.policy_acceptances()),
        pending_consents=list(rows.pending_consents()),
    )


class ExportStore:
    def __init__(self, db: Database):
        self._db = db

    async def claim(self, user_id: int, now: float, interval: float) -> float:
        """Record an export now and return 0, or return the seconds until one is allowed."""

        def work(conn: sqlcipher3.Connection) -> float:
            row = conn.execute("SELECT max(at) FROM exports WHERE user_id = ?", (user_id,))
            last: float | None = row.fetchone()[0]
            if last is not None and now - last < interval:
                return interval - (now - last)
            # Only the latest export time is needed to enforce the limit.
            conn.execute("DELETE FROM exports WHERE user_id = ?", (user_id,))
            conn.execute("INSERT INTO exports (user_id, at) VALUES (?, ?)", (user_id, now))
            return 0.0

        return await self._db.run(work)

    async def wait(self, user_id: int, now: float, interval: float) -> float:
        """Seconds until this user may export again (0: now); changes nothing."""

        def work(conn: sqlcipher3.Connection) -> float:
            row = conn.execute("SELECT max(at) FROM exports WHERE user_id = ?", (user_id,))
            last: float | None = row.fetchone()[0]
            return 0.0 if last is None else max(0.0, interval - (now - last))

        return await self._db.run(work)

    async def release(self, user_id: int, at: float) -> None:
        """Forget a claimed export that could not be built, so the user may try again at once."""
        await self._db.run(
            lambda conn: conn.execute(
                "DELETE FROM exports WHERE user_id = ? AND at = ?", (user_id, at)
            )
        )

    async def read(self, user_id: int, now: float = 0.0) -> ExportData:
        """The user's rows, in one consistent read; the transaction ends when this returns."""
        return await self._db.run(lambda conn: read_export(conn, user_id, now))
