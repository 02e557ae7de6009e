"""SQL for usage statistics: per-day aggregate counts, with no visitor or user column anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlcipher3

from server.store.consents import consent_granted
from server.store.database import Database


@dataclass
class UsageDeltas:
    """Counts gathered since the last flush, to be added to the stored totals."""

    views: dict[tuple[str, str], int] = field(default_factory=dict)  # (day, path) -> views
    visits: dict[str, int] = field(default_factory=dict)  # day -> new visits
    seconds: dict[str, float] = field(default_factory=dict)  # day -> time spent

    def empty(self) -> bool:
        return not (self.views or self.visits or self.seconds)


@dataclass(frozen=True)
class UsageDay:
    day: str
    visits: int
    seconds: float
    page_views: Mapping[str, int]


class StatisticsStore:
    def __init__(self, db: Database):
        self._db = db

    async def add(self, deltas: UsageDeltas) -> None:
        def work(conn: sqlcipher3.Connection) -> None:
            for (day, path), views in deltas.views.items():
                conn.execute(
                    "INSERT INTO usage_page_views (day, path, views) VALUES (?, ?, ?)"
                    " ON CONFLICT (day, path) DO UPDATE SET views = views + excluded.views",
                    (day, path, views),
                )
            for day in set(deltas.visits) | set(deltas.seconds):
                conn.execute(
                    "INSERT INTO usage_days (day, visits, seconds) VALUES (?, ?, ?)"
                    " ON CONFLICT (day) DO UPDATE SET visits = visits + excluded.visits,"
                    " seconds = seconds + excluded.seconds",
                    (day, deltas.visits.get(day, 0), deltas.seconds.get(day, 0.0)),
                )

        await self._db.run(work)

    async def days(self, first: str, last: str) -> list[UsageDay]:
        """Every day from `first` to `last` (ISO dates, inclusive) that has counts, in order."""

        def work(conn: sqlcipher3.Connection) -> list[UsageDay]:
            totals = {
                row["day"]: (row["visits"], row["seconds"])
                for row in conn.execute(
                    "SELECT day, visits, seconds FROM usage_days WHERE day BETWEEN ? AND ?",
                    (first, last),
                )
            }
            views: dict[str, dict[str, int]] = {}
            for row in conn.execute(
                "SELECT day, path, views FROM usage_page_views WHERE day BETWEEN ? AND ?"
                " ORDER BY day, views DESC, path",
                (first, last),
            ):
                views.setdefault(row["day"], {})[row["path"]] = row["views"]
            return [
                UsageDay(day, *totals.get(day, (0, 0.0)), views.get(day, {}))
                for day in sorted(set(totals) | set(views))
            ]

        return await self._db.run(work)

    async def consents(self, user_id: int) -> bool:
        """Whether a logged-in user's usage_statistics consent stands."""
        return await self._db.run(lambda conn: consent_granted(conn, user_id, "usage_statistics"))
