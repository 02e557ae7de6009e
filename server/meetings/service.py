"""Meetings: creating them, finding them by join code, and who may see them."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from server.domain_errors import Forbidden, Gone, NotFound, Unavailable, invalid_fields
from server.store.errors import ConflictError
from server.store.meetings import MeetingRecord, MeetingStore
from server.text_rules import TextKind, text_problem

# No 0/O, 1/l/I: codes are read aloud and typed by hand.
JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
JOIN_CODE_GROUPS = 3
JOIN_CODE_GROUP_LENGTH = 4
MAX_SUBJECT = 200


def new_join_code() -> str:
    """About 59 bits: not guessable by trying codes against a rate-limited server."""
    return "-".join(
        "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_GROUP_LENGTH))
        for _ in range(JOIN_CODE_GROUPS)
    )


def normalise_join_code(text: str) -> str:
    """Codes are typed in any case, with or without dashes or spaces."""
    letters = "".join(ch for ch in text.lower() if ch.isalnum())
    size = JOIN_CODE_GROUP_LENGTH
    return "-".join(letters[i : i + size] for i in range(0, len(letters), size))


def invite_url(base_url: str, join_code: str, pin: str | None) -> str:
    """The link to send: the invite page; with the pin of a self-signed certificate, if any."""
    url = f"{base_url}/j/{quote(join_code, safe='-')}"
    return f"{url}?pin={quote(pin, safe=':')}" if pin else url


class MeetingService:
    def __init__(self, store: MeetingStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def create(self, host_user_id: int, data: Mapping[str, Any]) -> MeetingRecord:
        unknown = {name: "unknown field" for name in data if name != "subject"}
        subject = data.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            unknown["subject"] = "required"
        elif len(subject.strip()) > MAX_SUBJECT:
            unknown["subject"] = f"at most {MAX_SUBJECT} characters"
        elif problem := text_problem(subject.strip(), TextKind.NAME):
            unknown["subject"] = problem
        if unknown:
            raise invalid_fields(unknown)
        assert isinstance(subject, str)
        for _ in range(5):
            try:
                return await self._store.create(
                    secrets.token_urlsafe(12),
                    host_user_id,
                    subject.strip(),
                    new_join_code(),
                    self._clock(),
                )
            except ConflictError:
                continue  # a join-code collision: vanishingly rare, try another
        raise Unavailable("could not allocate a join code; try again", "busy")

    async def find_joinable(self, join_code: str, *, guest_of: str | None = None) -> MeetingRecord:
        """The live meeting with this code; for a guest (`guest_of`), only their own meeting."""
        meeting = await self._store.by_join_code(normalise_join_code(join_code))
        if guest_of is not None and (meeting is None or meeting.id != guest_of):
            # The same answer whether or not the code names another meeting.
            raise Forbidden(
                "a guest session is good only for the meeting of its invite",
                "guest_wrong_meeting",
            )
        # Unknown and ended look different on purpose only after the code is known to be right.
        if meeting is None:
            raise NotFound("no meeting has this join code", "no_such_meeting")
        if meeting.ended_at is not None:
            raise Gone("this meeting has ended", "meeting_ended")
        return meeting

    async def hosted_by(self, user_id: int) -> list[MeetingRecord]:
        return await self._store.hosted_by(user_id)

    async def end(self, meeting_id: str) -> None:
        await self._store.mark_ended(meeting_id, self._clock())
