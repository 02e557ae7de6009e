"""A participant as the room keeps it, and the outbox its connection reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from protocol.codec import Message
from protocol.meeting_types import Participant, Role
from protocol.server_messages import DownstreamOffer


class Outbox(Protocol):
    """Where a room puts messages for one connected participant (the connection's queue)."""

    def deliver(self, message: Message) -> None: ...

    def close(self, reason: str) -> None: ...


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
        )

    def send(self, message: Message) -> None:
        if self.outbox is not None:
            self.outbox.deliver(message)
