"""SQL for the password throttle: failed and in-progress password checks within a window."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database


@dataclass(frozen=True)
class Who:
    """Whose password is checked: an account, or (naming none) a normalised login; and whence."""

    user_id: int | None
    login_key: str | None
    address_key: str | None


@dataclass(frozen=True)
class Admission:
    """An attempt written down (`attempt_id`), or refused until `blocked_until`."""

    attempt_id: int | None
    blocked_until: float | None
    address_failures: int  # earlier failures from the same address within the window


class ThrottleStore:
    def __init__(self, db: Database):
        self._db = db

    async def begin(self, who: Who, now: float, window: float, limit: int) -> Admission:
        """Refuse when the account/login or the address has `limit` failures in the window;
        otherwise record this attempt as a failure now (cleared if it succeeds), atomically."""

        def work(conn: sqlcipher3.Connection) -> Admission:
            since = now - window
            # Kept no longer than the throttle needs them: they hold addresses and logins.
            conn.execute("DELETE FROM password_failures WHERE at <= ?", (since,))
            subject: tuple[str, int | str | None] = (
                ("user_id = ?", who.user_id)
                if who.user_id is not None
                else ("login_key = ?", who.login_key)
            )
            checks = [subject]
            if who.address_key is not None:
                checks.append(("address_key = ?", who.address_key))
            blocked = None
            for condition, value in checks:
                # The limit-th latest failure: once it leaves the window, one more try is allowed.
                row = conn.execute(
                    f"SELECT at FROM password_failures WHERE {condition}"
                    " ORDER BY at DESC LIMIT 1 OFFSET ?",
                    (value, limit - 1),
                ).fetchone()
                if row is not None:
                    blocked = max(blocked or 0.0, row[0] + window)
            address_failures = 0
            if who.address_key is not None:
                address_failures = conn.execute(
                    "SELECT count(*) FROM password_failures WHERE address_key = ?",
                    (who.address_key,),
                ).fetchone()[0]
            if blocked is not None:
                return Admission(None, blocked, address_failures)
            cursor = conn.execute(
                "INSERT INTO password_failures (user_id, login_key, address_key, at)"
                " VALUES (?, ?, ?, ?)",
                (who.user_id, who.login_key, who.address_key, now),
            )
            return Admission(cursor.lastrowid, None, address_failures)

        return await self._db.run(work)

    async def clear(self, attempt_id: int) -> None:
        """The attempt succeeded (or was never made): it is not a failure."""
        await self._db.run(
            lambda conn: conn.execute("DELETE FROM password_failures WHERE id = ?", (attempt_id,))
        )
