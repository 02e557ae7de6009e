"""SQL for public profile settings, and the one query that reads a profile for the public page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlcipher3

from server.store.database import Database

# The only user columns a public page may ever show; anything else is never selected.
PUBLIC_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "username",
    "country",
    "city",
    "company",
    "title",
    "school",
)


@dataclass(frozen=True)
class ProfileSettings:
    enabled: bool
    fields: tuple[str, ...]
    bio: str | None


@dataclass(frozen=True)
class PublicProfile:
    """What the public page shows: the chosen fields that are filled in, and the bio."""

    values: dict[str, str]
    bio: str | None


OFF = ProfileSettings(enabled=False, fields=(), bio=None)


def _chosen(raw: str) -> tuple[str, ...]:
    try:
        names = json.loads(raw)
    except json.JSONDecodeError:
        return ()
    if not isinstance(names, list):
        return ()
    return tuple(name for name in PUBLIC_FIELDS if name in names)


class ProfileStore:
    def __init__(self, db: Database):
        self._db = db

    async def settings(self, user_id: int) -> ProfileSettings:
        """The user's settings; off with nothing chosen until they save some."""

        def work(conn: sqlcipher3.Connection) -> ProfileSettings:
            row = conn.execute(
                "SELECT enabled, fields, bio FROM public_profiles WHERE user_id = ?", (user_id,)
            ).fetchone()
            if row is None:
                return OFF
            return ProfileSettings(bool(row["enabled"]), _chosen(row["fields"]), row["bio"])

        return await self._db.run(work)

    async def save(
        self, user_id: int, enabled: bool, fields: Sequence[str], bio: str | None, now: float
    ) -> ProfileSettings:
        chosen = tuple(name for name in PUBLIC_FIELDS if name in fields)

        def work(conn: sqlcipher3.Connection) -> ProfileSettings:
            conn.execute(
                "INSERT INTO public_profiles (user_id, enabled, fields, bio, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " enabled = excluded.enabled, fields = excluded.fields, bio = excluded.bio,"
                " updated_at = excluded.updated_at",
                (user_id, int(enabled), json.dumps(list(chosen)), bio, now),
            )
            return ProfileSettings(enabled, chosen, bio)

        return await self._db.run(work)

    async def username(self, user_id: int) -> str | None:
        def work(conn: sqlcipher3.Connection) -> str | None:
            row = conn.execute("SELECT username FROM users WHERE id = ?", (user_id,)).fetchone()
            return row[0] if row else None

        return await self._db.run(work)

    async def public_profile(self, username: str) -> PublicProfile | None:
        """The profile behind /u/{username} (without case) if its owner turned it on, else None.

        An account waiting for deletion shows nothing, as if it were gone already.
        """

        def work(conn: sqlcipher3.Connection) -> PublicProfile | None:
            row = conn.execute(
                "SELECT u.id, p.fields, p.bio FROM users u"
                " JOIN public_profiles p ON p.user_id = u.id"
                " WHERE u.username_key = ? AND p.enabled = 1"
                " AND u.deletion_requested_at IS NULL",
                (username.casefold(),),
            ).fetchone()
            if row is None:
                return None
            chosen = _chosen(row["fields"])
            values: dict[str, str] = {}
            if chosen:
                # Column names come from PUBLIC_FIELDS only, never from input.
                picked = conn.execute(
                    f"SELECT {', '.join(chosen)} FROM users WHERE id = ?", (row["id"],)
                ).fetchone()
                values = {name: picked[name] for name in chosen if picked[name]}
            return PublicProfile(values, row["bio"])

        return await self._db.run(work)
