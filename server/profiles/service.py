"""Public profile settings and the lookup behind the public page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from server.domain_errors import NotFound, invalid_fields
from server.store.profiles import PUBLIC_FIELDS, ProfileSettings, ProfileStore, PublicProfile
from server.text_rules import TextKind, text_problem

BIO_MAX = 500
# Longer than any username can be: such a name is not looked up at all.
_USERNAME_MAX = 64
_SETTINGS_KEYS = frozenset({"enabled", "fields", "bio"})


@dataclass(frozen=True)
class OwnSettings:
    settings: ProfileSettings
    path: str


def _clean_bio(raw: object) -> tuple[str | None, str | None]:
    """(bio, problem): blank is None; lines are allowed, other control characters are not."""
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, "must be a string or null"
    bio = raw.strip()
    if not bio:
        return None, None
    if len(bio) > BIO_MAX:
        return None, f"at most {BIO_MAX} characters"
    problem = text_problem(bio, TextKind.MULTILINE)
    return (None, problem) if problem else (bio, None)


def _clean_fields(raw: object) -> tuple[list[str], str | None]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        return [], "must be a list of field names"
    unknown = [name for name in raw if name not in PUBLIC_FIELDS]
    if unknown:
        return [], f"only {', '.join(PUBLIC_FIELDS)} can be shown"
    return list(raw), None


def _encodable(value: str) -> bool:
    """A path can decode to lone surrogates, which no username holds and SQLite cannot bind."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class PublicProfileService:
    def __init__(self, store: ProfileStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def own(self, user_id: int) -> OwnSettings:
        return OwnSettings(await self._store.settings(user_id), await self._path(user_id))

    async def save(self, user_id: int, data: Mapping[str, Any]) -> OwnSettings:
        """Replace the settings: `enabled` is required, `fields` defaults to none, `bio` to null."""
        errors = {name: "unknown field" for name in data if name not in _SETTINGS_KEYS}
        enabled = data.get("enabled")
        if not isinstance(enabled, bool):
            errors["enabled"] = "true or false"
        fields, problem = _clean_fields(data.get("fields", []))
        if problem:
            errors["fields"] = problem
        bio, problem = _clean_bio(data.get("bio"))
        if problem:
            errors["bio"] = problem
        if errors:
            raise invalid_fields(errors)
        assert isinstance(enabled, bool)
        settings = await self._store.save(user_id, enabled, fields, bio, self._clock())
        return OwnSettings(settings, await self._path(user_id))

    async def public(self, username: str) -> PublicProfile | None:
        """The page's content, or None: private, unknown and malformed names look the same."""
        if not username or len(username) > _USERNAME_MAX or not _encodable(username):
            return None
        return await self._store.public_profile(username)

    async def _path(self, user_id: int) -> str:
        username = await self._store.username(user_id)
        if username is None:
            raise NotFound("no such account")
        return f"/u/{username}"
