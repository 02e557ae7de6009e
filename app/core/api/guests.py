"""Guest sessions: an invite's holder joins one meeting with a display name, no account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.api.transport import Transport


@dataclass(frozen=True)
class GuestSession:
    """A session good for one meeting only; its token goes in hello like a member's."""

    token: str
    user_id: int
    display_name: str
    meeting_id: str
    subject: str
    join_code: str
    expires_at: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GuestSession:
        meeting = data.get("meeting") or {}
        return cls(
            token=str(data["token"]),
            user_id=int(data["user_id"]),
            display_name=str(data.get("display_name", "")),
            meeting_id=str(meeting.get("id", "")),
            subject=str(meeting.get("subject", "")),
            join_code=str(meeting.get("join_code", "")),
            expires_at=str(data.get("expires_at", "")),
        )


class GuestsApi(Transport):
    """/guest-sessions."""

    async def guest_session(self, code: str, display_name: str) -> GuestSession:
        """Start a guest session for the meeting with this join code (404 unknown, 410 ended)."""
        data = await self._request(
            "POST",
            "/guest-sessions",
            {"code": code, "display_name": display_name},
            auth=False,
        )
        return GuestSession.from_json(data)
