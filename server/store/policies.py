"""SQL for privacy policy versions and each user's acceptances."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database
from server.store.outbox import NewMail, Recipient, all_recipients, insert_mail


@dataclass(frozen=True)
class PolicyRecord:
    version: str
    effective_at: float
    summary: str
    published_at: float
    announced_at: float | None
    bundled: bool = False  # the default a fresh server ships with; any published one outranks it


def _policy(row: sqlcipher3.Row | None) -> PolicyRecord | None:
    if row is None:
        return None
    return PolicyRecord(
        row["version"],
        row["effective_at"],
        row["summary"],
        row["published_at"],
        row["announced_at"],
        bool(row["bundled"]),
    )


_COLUMNS = "version, effective_at, summary, published_at, announced_at, bundled"


def insert_policy(
    conn: sqlcipher3.Connection, version: str, effective_at: float, summary: str, now: float
) -> bool:
    """Store a new version; False when that version exists already (versions are unique)."""
    try:
        conn.execute(
            "INSERT INTO policy_versions (version, effective_at, summary, published_at)"
            " VALUES (?, ?, ?, ?)",
            (version, effective_at, summary, now),
        )
    except sqlcipher3.IntegrityError:
        return False
    return True


def mark_policy_announced(conn: sqlcipher3.Connection, version: str, now: float) -> None:
    conn.execute("UPDATE policy_versions SET announced_at = ? WHERE version = ?", (now, version))


def policy_in_force(conn: sqlcipher3.Connection, now: float) -> PolicyRecord | None:
    """The version that took effect last, by `now` (the bundled default only if none other)."""
    return _policy(
        conn.execute(
            f"SELECT {_COLUMNS} FROM policy_versions WHERE effective_at <= ?"
            " ORDER BY bundled, effective_at DESC, published_at DESC LIMIT 1",
            (now,),
        ).fetchone()
    )


def upcoming_policy(conn: sqlcipher3.Connection, now: float) -> PolicyRecord | None:
    """The next version to take effect after `now`."""
    return _policy(
        conn.execute(
            f"SELECT {_COLUMNS} FROM policy_versions WHERE effective_at > ?"
            " ORDER BY effective_at, published_at DESC LIMIT 1",
            (now,),
        ).fetchone()
    )


def policy_by_version(conn: sqlcipher3.Connection, version: str) -> PolicyRecord | None:
    return _policy(
        conn.execute(
            f"SELECT {_COLUMNS} FROM policy_versions WHERE version = ?", (version,)
        ).fetchone()
    )


def record_acceptance(
    conn: sqlcipher3.Connection, user_id: int, version: str, now: float, source: str
) -> None:
    """Record that the user accepted `version`; accepting it again keeps the first time."""
    conn.execute(
        "INSERT OR IGNORE INTO policy_acceptances (user_id, version, accepted_at, source)"
        " VALUES (?, ?, ?, ?)",
        (user_id, version, now, source),
    )


def latest_accepted_policy(conn: sqlcipher3.Connection, user_id: int) -> PolicyRecord | None:
    """Of the versions this user accepted, the one that takes (or took) effect last (a published
    one before the bundled default)."""
    return _policy(
        conn.execute(
            "SELECT p.version, p.effective_at, p.summary, p.published_at, p.announced_at,"
            " p.bundled FROM policy_acceptances a JOIN policy_versions p ON p.version = a.version"
            " WHERE a.user_id = ?"
            " ORDER BY p.bundled, p.effective_at DESC, p.published_at DESC LIMIT 1",
            (user_id,),
        ).fetchone()
    )


@dataclass(frozen=True)
class PolicyAcceptance:
    version: str
    accepted_at: float
    source: str


def policy_acceptances(conn: sqlcipher3.Connection, user_id: int) -> list[PolicyAcceptance]:
    """Every version this user accepted, in the order they did."""
    rows = conn.execute(
        "SELECT version, accepted_at, source FROM policy_acceptances WHERE user_id = ?"
        " ORDER BY accepted_at, version",
        (user_id,),
    ).fetchall()
    return [PolicyAcceptance(row["version"], row["accepted_at"], row["source"]) for row in rows]


@dataclass(frozen=True)
class UserPolicyRecords:
    """For one user: the version in force, the latest one they accepted, the next one."""

    current: PolicyRecord | None
    accepted: PolicyRecord | None
    upcoming: PolicyRecord | None


def _user_records(conn: sqlcipher3.Connection, user_id: int, now: float) -> UserPolicyRecords:
    return UserPolicyRecords(
        policy_in_force(conn, now),
        latest_accepted_policy(conn, user_id),
        upcoming_policy(conn, now),
    )


class PolicyStore:
    """Policy versions and acceptances; each method is one transaction."""

    def __init__(self, db: Database):
        self._db = db

    async def public(self, now: float) -> tuple[PolicyRecord | None, PolicyRecord | None]:
        """(the version in force, the next one to take effect)."""
        return await self._db.run(
            lambda conn: (policy_in_force(conn, now), upcoming_policy(conn, now))
        )

    async def for_user(self, user_id: int, now: float) -> UserPolicyRecords:
        return await self._db.run(lambda conn: _user_records(conn, user_id, now))

    async def accept(
        self, user_id: int, version: str, now: float, source: str
    ) -> UserPolicyRecords | None:
        """Record acceptance of a published version; None when no such version exists."""

        def work(conn: sqlcipher3.Connection) -> UserPolicyRecords | None:
            if policy_by_version(conn, version) is None:
                return None
            record_acceptance(conn, user_id, version, now, source)
            return _user_records(conn, user_id, now)

        return await self._db.run(work)

    async def accept_in_force(self, user_id: int, now: float, source: str) -> None:
        """Record acceptance of the version in force, if there is one."""

        def work(conn: sqlcipher3.Connection) -> None:
            current = policy_in_force(conn, now)
            if current is not None:
                record_acceptance(conn, user_id, current.version, now, source)

        await self._db.run(work)

    async def install_default(self, version: str, summary: str, now: float) -> bool:
        """Store the bundled default, in force from now, if no version exists; True if stored."""

        def work(conn: sqlcipher3.Connection) -> bool:
            if conn.execute("SELECT 1 FROM policy_versions LIMIT 1").fetchone() is not None:
                return False
            conn.execute(
                "INSERT INTO policy_versions (version, effective_at, summary, published_at,"
                " bundled) VALUES (?, ?, ?, ?, 1)",
                (version, now, summary, now),
            )
            return True

        return await self._db.run(work)

    async def publish(
        self,
        version: str,
        effective_at: float,
        summary: str,
        now: float,
        announcement: Callable[[Recipient, PolicyRecord], NewMail],
    ) -> int | None:
        """Store a new version and queue its announcement to every member; None if it exists."""

        def work(conn: sqlcipher3.Connection) -> int | None:
            if not insert_policy(conn, version, effective_at, summary, now):
                return None
            policy = PolicyRecord(version, effective_at, summary, now, now)
            recipients = all_recipients(conn)
            for recipient in recipients:
                insert_mail(conn, announcement(recipient, policy), now)
            mark_policy_announced(conn, version, now)
            return len(recipients)

        return await self._db.run(work)
