"""SQL for the password throttle: failed password checks, kept for the throttle window only."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database


@dataclass(frozen=True)
class Who:
    """Whose password was checked: an account, or (naming none) a normalised login; and whence."""

    user_id: int | None
    login_key: str | None
    address_key: str | None


@dataclass(frozen=True)
class Failure:
    who: Who
    at: float


class ThrottleStore:
    def __init__(self, db: Database):
        self._db = db

    async def recent(self, since: float) -> list[Failure]:
        """Every failure after `since`, oldest first; older ones are deleted."""

        def work(conn: sqlcipher3.Connection) -> list[Failure]:
            conn.execute("DELETE FROM password_failures WHERE at <= ?", (since,))
            rows = conn.execute(
                "SELECT user_id, login_key, address_key, at FROM password_failures ORDER BY at"
            ).fetchall()
            return [Failure(Who(row[0], row[1], row[2]), row[3]) for row in rows]

        return await self._db.run(work)

    async def record(self, failure: Failure, since: float) -> None:
        """Write down one failure; failures from before `since` are no longer kept."""
        who = failure.who

        def work(conn: sqlcipher3.Connection) -> None:
            # Kept no longer than the throttle needs them: they hold addresses and logins.
            conn.execute("DELETE FROM password_failures WHERE at <= ?", (since,))
            conn.execute(
                "INSERT INTO password_failures (user_id, login_key, address_key, at)"
                " VALUES (?, ?, ?, ?)",
                (who.user_id, who.login_key, who.address_key, failure.at),
            )

        await self._db.run(work)
