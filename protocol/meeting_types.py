"""Values that signaling messages carry: participants, chat messages, tracks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["host", "presenter", "attendee"]
Source = Literal["camera", "microphone", "screen"]
HostActionKind = Literal[
    "promote", "demote", "ask_mute", "stop_camera", "stop_screen", "remove", "end_meeting"
]
SOURCES: tuple[Source, ...] = ("camera", "microphone", "screen")
MAX_CHAT_BODY = 16 * 1024


@dataclass(frozen=True)
class MeetingInfo:
    id: str
    subject: str
    join_code: str
    host_user_id: int


@dataclass(frozen=True)
class Participant:
    id: str
    user_id: int
    name: str
    role: Role
    mic: bool = False
    camera: bool = False
    screen: bool = False
    hand: bool = False
    speaking: bool = False
    # Joined with an invite and a display name, without an account (user_id is then negative).
    guest: bool = False


@dataclass(frozen=True)
class ChatMessage:
    """A chat message; `sender` is stated by the server, `body` is opaque to it."""

    id: int
    sender: str
    sender_name: str
    to: str | None
    body: str
    sent_at: float


@dataclass(frozen=True)
class TrackInfo:
    """Which participant and source a downstream transceiver (by mid) carries."""

    mid: str
    participant: str
    source: Source
