"""How the server ends a signaling connection: close codes and reasons (docs/protocol.md)."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.session_end import SessionEnd
from server.rooms.member import Farewell


@dataclass(frozen=True)
class Closing:
    code: int
    reason: str  # the close frame's reason: short, for people, at most 123 bytes
    # The reason others in the meeting see when the participant leaves at once; None when the
    # room let them go already, or keeps them a while for a resume.
    leave: str | None = None


SESSION_LEFT = "session ended"  # others are not told why someone's session ended

SESSION_CLOSINGS = {
    SessionEnd.LOGGED_OUT: Closing(4001, "logged out", SESSION_LEFT),
    SessionEnd.PASSWORD_CHANGED: Closing(
        4002, "the password was changed; log in again", SESSION_LEFT
    ),
    SessionEnd.ACCOUNT_DELETED: Closing(4003, "the account is to be deleted", SESSION_LEFT),
    SessionEnd.ACCOUNT_ERASED: Closing(4004, "the account was erased", SESSION_LEFT),
    SessionEnd.EXPIRED: Closing(4005, "the session expired; log in again", SESSION_LEFT),
    SessionEnd.ENDED: Closing(4006, "the session has ended; log in again", SESSION_LEFT),
    # A guest's session, whether or not they were in the room (the room closes those first).
    SessionEnd.MEETING_ENDED: Closing(4011, Farewell.MEETING_ENDED.value, "meeting ended"),
}

TOO_SLOW = Closing(4008, "too slow: messages were not read in time", "too slow")

FAREWELL_CLOSINGS = {
    Farewell.REMOVED: Closing(4010, Farewell.REMOVED.value),
    Farewell.MEETING_ENDED: Closing(4011, Farewell.MEETING_ENDED.value),
    Farewell.REPLACED: Closing(4012, Farewell.REPLACED.value),
}

NORMAL = Closing(1000, "")
GOING_AWAY = Closing(1001, "the server is stopping")
