"""SQL for the consent ledger: every grant and withdrawal is an event; state is the latest one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database
from server.store.outbox import NewMail, Recipient, insert_mail, recipient_of
from server.store.policies import policy_in_force

PURPOSES: tuple[str, ...] = (
    "newsletter",
    "usage_statistics",
    "testimonial_publication",
    "organiser_contact",
)


def record_consent_event(
    conn: sqlcipher3.Connection,
    user_id: int,
    purpose: str,
    granted: bool,
    policy_version: str | None,
    source: str,
    at: float,
) -> None:
    """Append one event; call inside the caller's transaction (Database.run)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    conn.execute(
        "INSERT INTO consent_events (user_id, purpose, granted, policy_version, source, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, purpose, int(granted), policy_version, source, at),
    )


def consent_granted(conn: sqlcipher3.Connection, user_id: int, purpose: str) -> bool:
    """The purpose's current state: its latest event, or withdrawn when there is none."""
    row = conn.execute(
        "SELECT granted FROM consent_events WHERE user_id = ? AND purpose = ?"
        " ORDER BY id DESC LIMIT 1",
        (user_id, purpose),
    ).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class ConsentEvent:
    purpose: str
    granted: bool
    policy_version: str | None
    source: str
    at: float


@dataclass(frozen=True)
class ConsentToken:
    user_id: int
    purpose: str
    kind: str  # "confirm" or "unsubscribe"
    created_at: float
    expires_at: float | None
    used_at: float | None

    def open_at(self, now: float) -> bool:
        """Unused and unexpired: following it would still do something."""
        return self.used_at is None and (self.expires_at is None or self.expires_at > now)


def _event(row: sqlcipher3.Row) -> ConsentEvent:
    return ConsentEvent(
        row["purpose"], bool(row["granted"]), row["policy_version"], row["source"], row["at"]
    )


def consent_history(conn: sqlcipher3.Connection, user_id: int) -> list[ConsentEvent]:
    """Every grant and withdrawal of one user, oldest first."""
    rows = conn.execute(
        "SELECT purpose, granted, policy_version, source, at FROM consent_events"
        " WHERE user_id = ? ORDER BY id",
        (user_id,),
    ).fetchall()
    return [_event(row) for row in rows]


def latest_consents(conn: sqlcipher3.Connection, user_id: int) -> dict[str, ConsentEvent]:
    """The latest event of each purpose that has one."""
    return {event.purpose: event for event in consent_history(conn, user_id)}


def add_consent_token(
    conn: sqlcipher3.Connection,
    token_hash: bytes,
    user_id: int,
    purpose: str,
    kind: str,
    now: float,
    expires_at: float | None,
) -> None:
    conn.execute(
        "INSERT INTO consent_tokens (token_hash, user_id, purpose, kind, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, user_id, purpose, kind, now, expires_at),
    )


def consent_token(conn: sqlcipher3.Connection, token_hash: bytes, kind: str) -> ConsentToken | None:
    """The token of this kind with this hash: a confirm token is never an unsubscribe one."""
    row = conn.execute(
        "SELECT user_id, purpose, kind, created_at, expires_at, used_at FROM consent_tokens"
        " WHERE token_hash = ? AND kind = ?",
        (token_hash, kind),
    ).fetchone()
    if row is None:
        return None
    return ConsentToken(
        row["user_id"],
        row["purpose"],
        row["kind"],
        row["created_at"],
        row["expires_at"],
        row["used_at"],
    )


def mark_consent_token_used(conn: sqlcipher3.Connection, token_hash: bytes, now: float) -> None:
    conn.execute(
        "UPDATE consent_tokens SET used_at = coalesce(used_at, ?) WHERE token_hash = ?",
        (now, token_hash),
    )


def pending_confirmation(
    conn: sqlcipher3.Connection, user_id: int, purpose: str, now: float
) -> float | None:
    """When the newest unused, unexpired confirmation request was made; None if there is none."""
    row = conn.execute(
        "SELECT max(created_at) FROM consent_tokens WHERE user_id = ? AND purpose = ?"
        " AND kind = 'confirm' AND used_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
        (user_id, purpose, now),
    ).fetchone()
    return None if row[0] is None else float(row[0])


def cancel_confirmations(conn: sqlcipher3.Connection, user_id: int, purpose: str) -> None:
    """Unused confirmation links of this purpose stop working."""
    conn.execute(
        "DELETE FROM consent_tokens WHERE user_id = ? AND purpose = ? AND kind = 'confirm'"
        " AND used_at IS NULL",
        (user_id, purpose),
    )


def users_consenting(conn: sqlcipher3.Connection, purpose: str) -> list[int]:
    """Accounts (not being deleted) whose consent to `purpose` stands now."""
    rows = conn.execute(
        "SELECT u.id FROM users u WHERE u.deletion_requested_at IS NULL AND ("
        " SELECT e.granted FROM consent_events e WHERE e.user_id = u.id AND e.purpose = ?"
        " ORDER BY e.id DESC LIMIT 1) = 1 ORDER BY u.id",
        (purpose,),
    ).fetchall()
    return [row[0] for row in rows]


@dataclass(frozen=True)
class PurposeRecord:
    """One purpose of one user: its latest event, and since when a confirmation link is out."""

    purpose: str
    latest: ConsentEvent | None
    pending_since: float | None

    @property
    def granted(self) -> bool:
        return bool(self.latest and self.latest.granted)


# Builds the mail that carries a link, once the transaction knows where it goes.
MailFor = Callable[[Recipient], NewMail]


def _version(conn: sqlcipher3.Connection, now: float) -> str | None:
    policy = policy_in_force(conn, now)
    return policy.version if policy else None


def _record(conn: sqlcipher3.Connection, user_id: int, purpose: str, now: float) -> PurposeRecord:
    latest = latest_consents(conn, user_id).get(purpose)
    return PurposeRecord(purpose, latest, pending_confirmation(conn, user_id, purpose, now))


def _grant(
    conn: sqlcipher3.Connection, user_id: int, purpose: str, source: str, now: float
) -> None:
    # Saying the same again records nothing.
    if not consent_granted(conn, user_id, purpose):
        record_consent_event(conn, user_id, purpose, True, _version(conn, now), source, now)


def _withdraw(
    conn: sqlcipher3.Connection, user_id: int, purpose: str, source: str, now: float
) -> None:
    cancel_confirmations(conn, user_id, purpose)
    if consent_granted(conn, user_id, purpose):
        record_consent_event(conn, user_id, purpose, False, _version(conn, now), source, now)


class ConsentStore:
    """The consent ledger and its e-mailed link tokens; each method is one transaction."""

    def __init__(self, db: Database):
        self._db = db

    async def overview(
        self, user_id: int, now: float
    ) -> tuple[list[PurposeRecord], list[ConsentEvent]]:
        """Every purpose's record, and the user's full history of changes."""

        def work(conn: sqlcipher3.Connection) -> tuple[list[PurposeRecord], list[ConsentEvent]]:
            records = [_record(conn, user_id, purpose, now) for purpose in PURPOSES]
            return records, consent_history(conn, user_id)

        return await self._db.run(work)

    async def grant(self, user_id: int, purpose: str, source: str, now: float) -> PurposeRecord:
        """Record a grant (with the policy version in force) unless it stands already."""

        def work(conn: sqlcipher3.Connection) -> PurposeRecord:
            _grant(conn, user_id, purpose, source, now)
            return _record(conn, user_id, purpose, now)

        return await self._db.run(work)

    async def withdraw(self, user_id: int, purpose: str, source: str, now: float) -> PurposeRecord:
        """Withdraw at once; open confirmation links of the purpose stop working too."""

        def work(conn: sqlcipher3.Connection) -> PurposeRecord:
            _withdraw(conn, user_id, purpose, source, now)
            return _record(conn, user_id, purpose, now)

        return await self._db.run(work)

    async def request_confirmation(
        self,
        user_id: int,
        purpose: str,
        token_hash: bytes,
        now: float,
        expires_at: float,
        resend_after: float,
        mail_for: MailFor,
    ) -> tuple[PurposeRecord, bool] | None:
        """Store a confirmation token and queue its mail; (record, mailed), None if no account."""
        # Nothing is mailed when the grant stands or a link went out under `resend_after` ago.

        def work(conn: sqlcipher3.Connection) -> tuple[PurposeRecord, bool] | None:
            if consent_granted(conn, user_id, purpose):
                return _record(conn, user_id, purpose, now), False
            since = pending_confirmation(conn, user_id, purpose, now)
            if since is not None and now - since < resend_after:
                return _record(conn, user_id, purpose, now), False
            recipient = recipient_of(conn, user_id)
            if recipient is None:
                return None
            # Only the newest link works, so one mailed to an address since changed cannot confirm.
            cancel_confirmations(conn, user_id, purpose)
            add_consent_token(conn, token_hash, user_id, purpose, "confirm", now, expires_at)
            insert_mail(conn, mail_for(recipient), now)
            return _record(conn, user_id, purpose, now), True

        return await self._db.run(work)

    async def find_token(self, token_hash: bytes, kind: str) -> ConsentToken | None:
        """The token of this kind; a confirm token of an account being deleted is not found."""

        def work(conn: sqlcipher3.Connection) -> ConsentToken | None:
            found = consent_token(conn, token_hash, kind)
            if found is None or (kind == "confirm" and recipient_of(conn, found.user_id) is None):
                return None
            return found

        return await self._db.run(work)

    async def use_confirmation(self, token_hash: bytes, now: float) -> ConsentToken | None:
        """Record the grant an open confirmation token stands for; returns it as it was before."""

        def work(conn: sqlcipher3.Connection) -> ConsentToken | None:
            found = consent_token(conn, token_hash, "confirm")
            if found is None or recipient_of(conn, found.user_id) is None:
                return None
            if found.open_at(now):
                mark_consent_token_used(conn, token_hash, now)
                _grant(conn, found.user_id, found.purpose, "email", now)
                cancel_confirmations(conn, found.user_id, found.purpose)
            return found

        return await self._db.run(work)

    async def use_unsubscribe(self, token_hash: bytes, now: float) -> ConsentToken | None:
        """Withdraw what an unsubscribe token stands for (repeating is harmless); returns it."""

        def work(conn: sqlcipher3.Connection) -> ConsentToken | None:
            found = consent_token(conn, token_hash, "unsubscribe")
            if found is not None:
                mark_consent_token_used(conn, token_hash, now)
                _withdraw(conn, found.user_id, found.purpose, "email", now)
            return found

        return await self._db.run(work)

    async def queue_with_unsubscribe(
        self,
        purpose: str,
        now: float,
        mail_for: Callable[[Recipient], tuple[bytes, NewMail]],
        user_id: int | None = None,
    ) -> int:
        """Mail everyone whose consent to `purpose` stands (or just `user_id`); returns how many."""
        # Each mail carries its own unsubscribe token, made by `mail_for` with the mail.

        def work(conn: sqlcipher3.Connection) -> int:
            if user_id is None:
                users = users_consenting(conn, purpose)
            else:
                users = [user_id] if consent_granted(conn, user_id, purpose) else []
            count = 0
            for user in users:
                recipient = recipient_of(conn, user)
                if recipient is None:
                    continue
                token_hash, mail = mail_for(recipient)
                # Unsubscribe links do not expire: an old newsletter's link must still work.
                add_consent_token(conn, token_hash, user, purpose, "unsubscribe", now, None)
                insert_mail(conn, mail, now)
                count += 1
            return count

        return await self._db.run(work)
