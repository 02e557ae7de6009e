"""Guests: an invite holder joins one meeting with a display name and no account.

A guest session is good for the meeting of its invite only, and ends when that meeting ends
(`MeetingStore.mark_ended` forgets the guests in the same transaction, and the room's end closes
their sockets) or after GUEST_SESSION_SECONDS, whichever comes first. Creating one is throttled
per address: codes that name no live meeting (someone trying codes) far more tightly than
sessions made (an office behind one router joining a webinar together).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from server.accounts.address_rate import AddressRate
from server.accounts.service import TOKEN_BYTES, guest_session_id, hash_token
from server.accounts.session_end import SessionEnd, SessionEnds
from server.domain_errors import Gone, NotFound, invalid_fields
from server.meetings.service import MeetingService
from server.settings import Settings
from server.store.guests import GuestRecord, GuestStore
from server.store.meetings import MeetingRecord
from server.text_rules import TextKind, text_problem

log = logging.getLogger(__name__)

# A long day of meetings; a guest who needs more makes a new session from the same invite.
GUEST_SESSION_SECONDS = 12 * 3600
MAX_DISPLAY_NAME = 64
MAX_CODE = 64  # longer is no join code (they are 14 characters with the dashes)
THROTTLE_WINDOW = 15 * 60
BAD_CODES_PER_ADDRESS = 10
GUESTS_PER_ADDRESS = 60
PURGE_SECONDS = 3600.0
FIELDS = frozenset({"code", "display_name"})


@dataclass(frozen=True)
class NewGuest:
    token: str
    guest: GuestRecord
    meeting: MeetingRecord


def end_guest_sessions(ends: SessionEnds, guest_ids: Collection[int]) -> None:
    """Close whatever still holds these (forgotten) guests' sessions: the meeting is over."""
    for guest_id in guest_ids:
        ends.session_ended(guest_session_id(guest_id), SessionEnd.MEETING_ENDED)


def _text_problem(value: object, max_length: int | None) -> str | None:
    """Why a required one-line field is refused (server/text_rules.py for names), or None."""
    if value is not None and not isinstance(value, str):
        return "must be a string"
    if value is None or not value.strip():
        return "required"
    if max_length is None:
        return None  # a join code: anything else simply names no meeting
    if len(value.strip()) > max_length:
        return f"at most {max_length} characters"
    return text_problem(value.strip(), TextKind.NAME)


class GuestService:
    def __init__(
        self,
        store: GuestStore,
        meetings: MeetingService,
        settings: Settings,
        clock: Callable[[], float],
        session_ends: SessionEnds,
    ):
        self._store = store
        self._meetings = meetings
        self._settings = settings
        self._clock = clock
        self._session_ends = session_ends
        self._bad_codes = AddressRate(
            BAD_CODES_PER_ADDRESS,
            THROTTLE_WINDOW,
            clock,
            code="too_many_guest_attempts",
            message="too many codes that name no meeting were tried from this address",
        )
        self._made = AddressRate(
            GUESTS_PER_ADDRESS,
            THROTTLE_WINDOW,
            clock,
            code="too_many_guest_attempts",
            message="too many guest sessions were made from this address",
        )

    async def create(self, data: Mapping[str, Any], address: str | None) -> NewGuest:
        """A guest session for the meeting whose join code is `code`, under `display_name`."""
        errors = {field: "unknown field" for field in data if field not in FIELDS}
        code, name = data.get("code"), data.get("display_name")
        for field, value in (("code", code), ("display_name", name)):
            if problem := _text_problem(
                value, MAX_DISPLAY_NAME if field == "display_name" else None
            ):
                errors[field] = problem
        if errors:
            raise invalid_fields(errors)
        assert isinstance(code, str) and isinstance(name, str)
        self._bad_codes.check(address)
        self._made.check(address)
        meeting = await self._meeting(code, address)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()
        lifetime = min(GUEST_SESSION_SECONDS, self._settings.session_absolute_seconds)
        guest = await self._store.create(
            meeting.id, name.strip(), hash_token(token), now, now + lifetime
        )
        if guest is None:  # it ended while we looked
            raise Gone("this meeting has ended", "meeting_ended")
        self._made.count(address)
        return NewGuest(token, guest, meeting)

    async def _meeting(self, code: str, address: str | None) -> MeetingRecord:
        try:
            if len(code) > MAX_CODE:
                raise NotFound("no meeting has this code", "meeting_not_found")
            return await self._meetings.find_joinable(code)
        except NotFound as exc:
            self._bad_codes.count(address)
            raise NotFound("no meeting has this code", "meeting_not_found") from exc
        except Gone:
            self._bad_codes.count(address)
            raise

    async def purge_expired(self) -> list[int]:
        """Forget the guests whose sessions expired and close their sockets; their ids."""
        gone = await self._store.purge_expired(self._clock(), self._settings.session_idle_seconds)
        for guest_id in gone:
            self._session_ends.session_ended(guest_session_id(guest_id), SessionEnd.EXPIRED)
        return gone

    async def purge_periodically(self, interval: float = PURGE_SECONDS) -> None:
        """`purge_expired` every `interval` seconds until cancelled."""
        while True:
            try:
                await self.purge_expired()
            except Exception:
                log.exception("forgetting expired guests failed")
            await asyncio.sleep(interval)
