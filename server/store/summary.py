"""SQL for `admin info`: the schema version and how many rows of each kind, never their data."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database


@dataclass(frozen=True)
class StoreSummary:
    schema_version: int | None
    accounts: int
    meetings: int


def _count(conn: sqlcipher3.Connection, query: str) -> int:
    return int(conn.execute(query).fetchone()[0])


class SummaryStore:
    def __init__(self, db: Database):
        self._db = db

    async def summary(self) -> StoreSummary:
        def work(conn: sqlcipher3.Connection) -> StoreSummary:
            version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
            return StoreSummary(
                schema_version=None if version is None else int(version),
                accounts=_count(conn, "SELECT count(*) FROM users"),
                meetings=_count(conn, "SELECT count(*) FROM meetings"),
            )

        return await self._db.run(work)
