"""Messages the server sends: replies (with the request's `id`) and events (without)."""

from __future__ import annotations

from dataclasses import dataclass

from protocol.codec import Message
from protocol.meeting_types import ChatMessage, MeetingInfo, Participant, TrackInfo


@dataclass(frozen=True)
class IceServer:
    """A STUN or TURN server for the client's peer connections (as WebRTC's RTCIceServer)."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True)
class Welcome(Message):
    """Reply to hello: who the server knows this connection to be, and which ICE servers to use."""

    TYPE = "welcome"
    id: str
    version: int
    user_id: int
    name: str
    ice_servers: tuple[IceServer, ...] = ()


@dataclass(frozen=True)
class Ok(Message):
    """Plain success reply to a request."""

    TYPE = "ok"
    id: str


@dataclass(frozen=True)
class Error(Message):
    """A request (or an unreadable message) was refused; `id` is the request's when known."""

    TYPE = "error"
    code: str
    message: str
    id: str | None = None


@dataclass(frozen=True)
class Joined(Message):
    """Reply to join: the meeting, who you are, who is there, and the chat so far."""

    TYPE = "joined"
    id: str
    meeting: MeetingInfo
    you: str
    participants: tuple[Participant, ...]
    chat: tuple[ChatMessage, ...]
    resume: str


@dataclass(frozen=True)
class PublishAnswer(Message):
    TYPE = "publish_answer"
    id: str
    sdp: str


@dataclass(frozen=True)
class DownstreamOffer(Message):
    """The server (re)offers the downstream connection; answer with downstream_answer."""

    TYPE = "downstream_offer"
    sdp: str
    tracks: tuple[TrackInfo, ...]


@dataclass(frozen=True)
class ParticipantJoined(Message):
    TYPE = "participant_joined"
    participant: Participant


@dataclass(frozen=True)
class ParticipantUpdated(Message):
    TYPE = "participant_updated"
    participant: Participant


@dataclass(frozen=True)
class ParticipantLeft(Message):
    TYPE = "participant_left"
    participant: str
    reason: str


@dataclass(frozen=True)
class Chat(Message):
    TYPE = "chat"
    message: ChatMessage


@dataclass(frozen=True)
class ActiveSpeaker(Message):
    TYPE = "active_speaker"
    participant: str | None


@dataclass(frozen=True)
class MuteRequested(Message):
    """The host asks this participant to mute; the client mutes and says so with set_media."""

    TYPE = "mute_requested"
    by: str


@dataclass(frozen=True)
class Removed(Message):
    """This participant was removed (or the meeting ended); the server closes the meeting for it."""

    TYPE = "removed"
    reason: str


SERVER_MESSAGES: tuple[type[Message], ...] = (
    Welcome,
    Ok,
    Error,
    Joined,
    PublishAnswer,
    DownstreamOffer,
    ParticipantJoined,
    ParticipantUpdated,
    ParticipantLeft,
    Chat,
    ActiveSpeaker,
    MuteRequested,
    Removed,
)
