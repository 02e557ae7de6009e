"""Why a session ended, and who is told: whatever holds a session open (signaling sockets)."""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class SessionEnd(Enum):
    """Why a session stopped working; each maps to one WebSocket close code."""

    LOGGED_OUT = "logged_out"
    PASSWORD_CHANGED = "password_changed"  # changed in another session, which ends this one
    ACCOUNT_DELETED = "account_deleted"  # deletion requested: every session ends
    ACCOUNT_ERASED = "account_erased"  # the purge after the grace period
    EXPIRED = "session_expired"  # idle too long, or past its absolute lifetime
    ENDED = "session_ended"  # found gone by a check: ended by something this process was not told
    MEETING_ENDED = "meeting_ended"  # a guest's session: the meeting of its invite is over


class SessionEnds(Protocol):
    """Told at once when sessions end, so nothing keeps using them."""

    def session_ended(self, session_id: int, why: SessionEnd) -> None: ...

    def account_ended(self, user_id: int, why: SessionEnd, keep_session: int | None = None) -> None:
        """Every session of the account but `keep_session` has ended."""
        ...
