"""SQL for the consent ledger: every grant and withdrawal is an event; state is the latest one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

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
    return row[0]


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
