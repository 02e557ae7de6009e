"""Messages a client sends; each is a request whose `id` the server's reply echoes."""

from __future__ import annotations

from dataclasses import dataclass

from protocol.codec import Message
from protocol.meeting_types import HostActionKind, Role, Source


@dataclass(frozen=True)
class Hello(Message):
    """First message on a connection: the protocol version and the session token."""

    TYPE = "hello"
    id: str
    version: int
    token: str


@dataclass(frozen=True)
class Join(Message):
    """Join the meeting with this code; `resume` continues a participant after a reconnect."""

    TYPE = "join"
    id: str
    join_code: str
    resume: str | None = None


@dataclass(frozen=True)
class Leave(Message):
    TYPE = "leave"
    id: str


@dataclass(frozen=True)
class Publish(Message):
    """Offer for the upstream connection; `sources` maps each transceiver mid to its source."""

    TYPE = "publish"
    id: str
    sdp: str
    sources: dict[str, Source]


@dataclass(frozen=True)
class DownstreamAnswer(Message):
    """Answer to the server's latest `downstream_offer`."""

    TYPE = "downstream_answer"
    id: str
    sdp: str


@dataclass(frozen=True)
class SetMedia(Message):
    """What this participant is sending now (the others' participant lists show it)."""

    TYPE = "set_media"
    id: str
    mic: bool
    camera: bool
    screen: bool


@dataclass(frozen=True)
class RaiseHand(Message):
    TYPE = "raise_hand"
    id: str
    raised: bool


@dataclass(frozen=True)
class ChatSend(Message):
    """A chat message to everyone, or to one participant with `to`."""

    TYPE = "chat_send"
    id: str
    body: str
    to: str | None = None


@dataclass(frozen=True)
class HostAction(Message):
    """A host's control over a participant (or over the meeting, for end_meeting)."""

    TYPE = "host_action"
    id: str
    action: HostActionKind
    target: str | None = None
    role: Role | None = None


CLIENT_MESSAGES: tuple[type[Message], ...] = (
    Hello,
    Join,
    Leave,
    Publish,
    DownstreamAnswer,
    SetMedia,
    RaiseHand,
    ChatSend,
    HostAction,
)
