"""One live meeting: who is in it, what they may do, and what each is sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import Callable

from protocol.codec import Message
from protocol.meeting_types import ChatMessage, MeetingInfo, Role, Source, TrackInfo
from protocol.server_messages import (
    ActiveSpeaker,
    Chat,
    DownstreamOffer,
    MuteRequested,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    Removed,
)
from server.rooms.member import Farewell, Member, Outbox, encoded
from server.sfu.engine import MediaEngine
from server.store.meetings import ChatRecord, MeetingRecord, MeetingStore

log = logging.getLogger(__name__)

CHAT_KEPT = 500
RESUME_SECONDS = 30.0


class RoomError(Exception):
    """A request the room refuses; `code` goes into the protocol error."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _MemberMedia:
    """The media engine's events for one member, routed through the room."""

    def __init__(self, room: Room, member: Member):
        self._room = room
        self._member = member

    async def downstream_offer(self, sdp: str, tracks: list[TrackInfo]) -> None:
        offer = DownstreamOffer(sdp=sdp, tracks=tuple(tracks))
        self._member.pending_offer = offer
        self._member.send(offer)

    def speaking(self, level: float) -> None:
        self._room.speaking(self._member, level)


class Room:
    def __init__(
        self,
        meeting: MeetingRecord,
        chat: list[ChatRecord],
        store: MeetingStore,
        engine: MediaEngine,
        clock: Callable[[], float],
        on_empty: Callable[[Room], None],
        guests_ended: Callable[[list[int]], None],  # the guests forgotten as it ended
    ):
        self.meeting = meeting
        self._store = store
        self._engine = engine
        self._clock = clock
        self._on_empty = on_empty
        self._guests_ended = guests_ended
        self._members: dict[str, Member] = {}
        self._banned_users: set[int] = set()
        self._chat: deque[ChatRecord] = deque(chat, maxlen=CHAT_KEPT)
        self._next_seq = chat[-1].seq + 1 if chat else 1
        self._expiry: dict[str, asyncio.TimerHandle] = {}
        self._active_speaker: str | None = None
        self.ended = False

    @property
    def id(self) -> str:
        return self.meeting.id

    def info(self) -> MeetingInfo:
        return MeetingInfo(
            id=self.meeting.id,
            subject=self.meeting.subject,
            join_code=self.meeting.join_code,
            host_user_id=self.meeting.host_user_id,
        )

    def members(self) -> list[Member]:
        return list(self._members.values())

    def member(self, participant_id: str) -> Member | None:
        return self._members.get(participant_id)

    # Joining and leaving

    async def join(self, user_id: int, name: str, outbox: Outbox, *, guest: bool = False) -> Member:
        if self.ended:
            raise RoomError("meeting_ended", "this meeting has ended")
        if user_id in self._banned_users:
            raise RoomError("removed", "you were removed from this meeting")
        role: Role = "host" if user_id == self.meeting.host_user_id else "attendee"
        member = Member(
            id=secrets.token_urlsafe(8),
            user_id=user_id,
            name=name,
            role=role,
            resume_token=secrets.token_urlsafe(24),
            outbox=None,
            guest=guest,
        )
        self._members[member.id] = member
        try:
            await self._engine.join(self.id, member.id, _MemberMedia(self, member))
        except BaseException:  # refused (no free media port): nobody is left half-joined
            del self._members[member.id]
            raise
        self._broadcast(ParticipantJoined(member.public()), exclude=member)
        member.outbox = outbox
        return member

    def resume(self, user_id: int, token: str, outbox: Outbox) -> Member | None:
        """Reattach a participant whose connection dropped, if `token` is theirs."""
        for member in self._members.values():
            if secrets.compare_digest(member.resume_token, token) and member.user_id == user_id:
                if member.outbox is not None and member.outbox is not outbox:
                    member.outbox.close(Farewell.REPLACED)
                member.outbox = outbox
                member.away_since = None
                timer = self._expiry.pop(member.id, None)
                if timer:
                    timer.cancel()
                return member
        return None

    def detach(self, member: Member, outbox: Outbox) -> None:
        """The member's connection is gone; keep them RESUME_SECONDS for a reconnect."""
        if member.outbox is not outbox or member.id not in self._members:
            return
        member.outbox = None
        member.away_since = self._clock()
        loop = asyncio.get_running_loop()
        self._expiry[member.id] = loop.call_later(
            RESUME_SECONDS, lambda: loop.create_task(self.leave(member, "disconnected"))
        )

    async def leave(self, member: Member, reason: str) -> None:
        if self._members.pop(member.id, None) is None:
            return
        timer = self._expiry.pop(member.id, None)
        if timer:
            timer.cancel()
        member.outbox = None
        with contextlib.suppress(Exception):
            await self._engine.leave(self.id, member.id)
        if self._active_speaker == member.id:
            self._active_speaker = None
            self._broadcast(ActiveSpeaker(participant=None))
        self._broadcast(ParticipantLeft(participant=member.id, reason=reason))
        if not self._members:
            self._on_empty(self)

    # What participants do

    async def publish(self, member: Member, sdp: str, sources: dict[str, Source]) -> str:
        return await self._engine.publish(self.id, member.id, sdp, sources)

    async def answer_downstream(self, member: Member, sdp: str) -> None:
        member.pending_offer = None
        await self._engine.answer_downstream(self.id, member.id, sdp)

    def set_media(self, member: Member, mic: bool, camera: bool, screen: bool) -> None:
        switches: tuple[tuple[Source, bool], ...] = (
            ("camera", camera),
            ("screen", screen),
            ("microphone", mic),
        )
        for source, on in switches:
            if on and source in member.forwarding_blocked:
                # Turning a source back on is the participant's own choice to make.
                member.forwarding_blocked.discard(source)
                self._engine.set_forwarding(self.id, member.id, source, True)
        member.mic, member.camera, member.screen = mic, camera, screen
        self._updated(member)

    def raise_hand(self, member: Member, raised: bool) -> None:
        member.hand = raised
        self._updated(member)

    async def chat(self, member: Member, body: str, to: str | None) -> ChatMessage:
        recipient = None
        if to is not None:
            recipient = self._members.get(to)
            if recipient is None:
                raise RoomError("no_such_participant", "that participant is not in the meeting")
        record = ChatRecord(
            seq=self._next_seq,
            sender_participant=member.id,
            sender_user_id=None if member.guest else member.user_id,
            sender_name=member.name,
            recipient=to,
            body=body,
            sent_at=self._clock(),
            sender_guest_id=-member.user_id if member.guest else None,
        )
        self._next_seq += 1
        self._chat.append(record)
        message = _chat_message(record)
        if recipient is None:
            self._broadcast(Chat(message))
        else:
            data = encoded(Chat(message))
            recipient.deliver(data)
            if recipient is not member:
                member.deliver(data)
        await self._store.add_chat(self.id, record, CHAT_KEPT)
        return message

    def chat_history(self, member: Member) -> tuple[ChatMessage, ...]:
        """Room messages, and private ones this participant sent or received."""
        return tuple(
            _chat_message(record)
            for record in self._chat
            if record.recipient is None
            or member.id in (record.recipient, record.sender_participant)
        )

    def speaking(self, member: Member, level: float) -> None:
        """The media engine found a new dominant speaker."""
        if member.id not in self._members or self._active_speaker == member.id:
            return
        previous = self._members.get(self._active_speaker or "")
        self._active_speaker = member.id
        if previous is not None:
            previous.speaking = False
            self._updated(previous)
        member.speaking = True
        self._updated(member)
        self._broadcast(ActiveSpeaker(participant=member.id))

    # Host controls

    async def host_action(
        self, actor: Member, action: str, target_id: str | None, role: Role | None
    ) -> None:
        if actor.role != "host":
            raise RoomError("forbidden", "only a host can do that")
        if action == "end_meeting":
            await self.end()
            return
        target = self._members.get(target_id or "")
        if target is None:
            raise RoomError("no_such_participant", "that participant is not in the meeting")
        if action in ("promote", "demote"):
            new_role: Role = (role or "presenter") if action == "promote" else "attendee"
            if target.user_id == self.meeting.host_user_id and new_role != "host":
                raise RoomError("forbidden", "the meeting's organiser stays a host")
            target.role = new_role
            self._updated(target)
        elif action == "ask_mute":
            target.send(MuteRequested(by=actor.id))
        elif action in ("stop_camera", "stop_screen"):
            source: Source = "camera" if action == "stop_camera" else "screen"
            target.forwarding_blocked.add(source)
            self._engine.set_forwarding(self.id, target.id, source, False)
            if source == "camera":
                target.camera = False
            else:
                target.screen = False
            self._updated(target)
        elif action == "remove":
            if target.user_id == self.meeting.host_user_id:
                raise RoomError("forbidden", "the meeting's organiser cannot be removed")
            self._banned_users.add(target.user_id)
            target.send(Removed(reason="removed by a host"))
            if target.outbox is not None:
                target.outbox.close(Farewell.REMOVED)
            await self.leave(target, "removed")
        else:
            raise RoomError("invalid_action", f"unknown action {action!r}")

    async def end(self) -> None:
        self.ended = True
        guests = await self._store_end()
        for member in list(self._members.values()):
            member.send(Removed(reason="the meeting has ended"))
            if member.outbox is not None:
                member.outbox.close(Farewell.MEETING_ENDED)
            await self.leave(member, "meeting ended")
        # After the members were told: the guests' sessions end with the meeting, and any
        # socket of theirs outside the room closes too.
        self._guests_ended(guests)

    async def close(self) -> None:
        """Server shutdown: everyone leaves, nothing is marked ended."""
        for member in list(self._members.values()):
            await self.leave(member, "server stopping")

    async def _store_end(self) -> list[int]:
        """Mark the meeting ended; the guests the store forgot with it."""
        return await self._store.mark_ended(self.id, self._clock())

    def _updated(self, member: Member) -> None:
        self._broadcast(ParticipantUpdated(member.public()))

    def _broadcast(self, message: Message, exclude: Member | None = None) -> None:
        data = encoded(message)  # once, not once per member: the cost of a big meeting's chat
        for member in self._members.values():
            outbox = member.outbox
            if outbox is not None and member is not exclude:
                outbox.deliver(data)


def _chat_message(record: ChatRecord) -> ChatMessage:
    return ChatMessage(
        id=record.seq,
        sender=record.sender_participant,
        sender_name=record.sender_name,
        to=record.recipient,
        body=record.body,
        sent_at=record.sent_at,
    )
