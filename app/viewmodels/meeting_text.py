"""What the meeting says to people: join failures, removals, role changes, chat limits."""

from __future__ import annotations

import aiohttp

from app.core.meeting.signaling_client import SignalingError
from protocol.meeting_types import MAX_CHAT_BODY

LEFT = "You left the meeting."
LOST = "The connection to the meeting was lost."
ENDED = "The host ended the meeting for everyone."
REMOVED = "A host removed you from the meeting."

_JOIN_ERRORS = {
    "no_such_meeting": "There is no meeting with this join code. Please check it.",
    "meeting_ended": "This meeting has ended.",
    "removed": "You were removed from this meeting and cannot join it again.",
    "already_joined": "You are already in this meeting.",
    "unauthorized": "Your session has ended. Please log in again.",
    "disconnected": "The server closed the connection. Please try again.",
}

_ROLES = {
    "host": "You are now a host: you can manage participants.",
    "presenter": "You are now a presenter.",
    "attendee": "You are now an attendee.",
}


def join_problem(error: BaseException) -> str:
    """Why joining failed, in words."""
    if isinstance(error, SignalingError):
        return _JOIN_ERRORS.get(error.code) or f"Could not join: {error.message}."
    if isinstance(error, TimeoutError):
        return "The meeting server did not answer in time. Please try again."
    if isinstance(error, aiohttp.ClientError | OSError):
        return f"Could not reach the meeting server ({error})."
    return f"Could not join the meeting ({error})."


def removed_message(reason: str) -> str:
    """The server's `removed` reason, as the home page shows it."""
    if "ended" in reason:
        return ENDED
    if "removed" in reason:
        return REMOVED
    return f"You are no longer in the meeting: {reason}."


def role_message(role: str) -> str:
    """Your new role, in words."""
    return _ROLES.get(role, f"Your role is now {role}.")


def chat_problem(body: str) -> str | None:
    """None when there is nothing to send, "" when it can be sent, else what is wrong."""
    text = body.strip()
    if not text:
        return None
    if len(text.encode("utf-8")) > MAX_CHAT_BODY:
        return "That message is too long to send (at most 16 KiB)."
    return ""


def presence_text(kind: str, name: str) -> str:
    """A notice and chat line for someone coming, going or raising a hand ("Bob joined")."""
    if kind == "joined":
        return f"{name} joined"
    if kind == "left":
        return f"{name} left"
    return f"{name} raised their hand"
