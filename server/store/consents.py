"""SQL for the consent ledger: every grant and withdrawal is an event; state is the latest one."""

from __future__ import annotations

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
