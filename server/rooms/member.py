"""A participant as the room keeps it, and the outbox its connection reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from protocol.codec import Message, encode
from protocol.meeting_types import Participant, Role
from protocol.server_messages import DownstreamOffer


class Farewell(Enum):
    """Why a room lets go of a participant's connection."""

    REPLACED = "replaced by a newer connection"
    REMOVED = "removed from the meeting"
    MEETING_ENDED = "the meeting has ended"


class Outbox(Protocol):
    """Where a room puts messages for one connected participant; never blocks."""

    def deliver(self, data: bytes) -> None:
        """One encoded message; a broadcast hands every recipient the same bytes."""
        ...

    def close(self, farewell: Farewell) -> None: ...


def encoded(message: Message) -> bytes:
    """A message as it goes on the wire (UTF-8 JSON), encoded once however many receive it."""
    return encode(message).encode()


@dataclass
class Member:
    """Mutable room-side state of one participant; only its room changes it."""

    id: str
    user_id: int
    name: str
    role: Role
    resume_token: str
    outbox: Outbox | None
    mic: bool = False
    camera: bool = False
    screen: bool = False
    hand: bool = False
    speaking: bool = False
    guest: bool = False  # no account: user_id is minus the guest's id
    away_since: float | None = None
    # The newest downstream offer not yet answered, re-sent after a reconnect.
    pending_offer: DownstreamOffer | None = None
    forwarding_blocked: set[str] = field(default_factory=set)

    def public(self) -> Participant:
        return Participant(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            role=self.role,
            mic=self.mic,
            camera=self.camera,
            screen=self.screen,
            hand=self.hand,
            speaking=self.speaking,
            guest=self.guest,
        )

    def send(self, message: Message) -> None:
        if self.outbox is not None:
            self.outbox.deliver(encoded(message))

    def deliver(self, data: bytes) -> None:
        if self.outbox is not None:
            self.outbox.deliver(data)
