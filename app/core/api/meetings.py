"""Meetings the logged-in member hosts (server/http/meetings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.api.transport import Transport


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as the REST API lists it."""

    id: str
    subject: str
    join_code: str
    host_user_id: int
    created_at: str
    ended_at: str | None
    # The link to send others (https://SERVER/j/CODE[?pin=..]); "" from servers without invites.
    invite_url: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MeetingSummary:
        return cls(
            id=str(data["id"]),
            subject=str(data["subject"]),
            join_code=str(data["join_code"]),
            host_user_id=int(data["host_user_id"]),
            created_at=str(data.get("created_at", "")),
            ended_at=None if data.get("ended_at") is None else str(data["ended_at"]),
            invite_url=str(data.get("invite_url") or ""),
        )


class MeetingsApi(Transport):
    """/meetings."""

    async def create_meeting(self, subject: str) -> MeetingSummary:
        """Start a meeting hosted by the logged-in member."""
        return MeetingSummary.from_json(
            await self._request("POST", "/meetings", {"subject": subject})
        )

    async def my_meetings(self) -> list[MeetingSummary]:
        """The meetings the logged-in member hosts, newest first."""
        data = await self._request("GET", "/meetings")
        return [MeetingSummary.from_json(item) for item in data.get("meetings", [])]
