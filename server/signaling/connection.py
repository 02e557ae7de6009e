"""One signaling connection: a loop over a queue of typed actions, the only code that writes it.

The socket reader turns frames into `Incoming` actions; the room delivers `Send` and `Close`
actions. Everything this connection does happens in `run`, one action at a time, so its state
needs no locks and messages leave in the order they were queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiohttp import WSMsgType, web

from protocol.client_messages import (
    CLIENT_MESSAGES,
    ChatSend,
    DownstreamAnswer,
    Hello,
    HostAction,
    Join,
    Leave,
    Publish,
    RaiseHand,
    SetMedia,
)
from protocol.codec import Codec, Message, ProtocolError, encode
from protocol.meeting_types import MAX_CHAT_BODY
from protocol.server_messages import Error, Joined, Ok, PublishAnswer, Welcome
from protocol.version import PROTOCOL_VERSION
from server.accounts.service import AccountService, Caller
from server.errors import ApiError
from server.meetings.service import MeetingService
from server.rooms.member import Member
from server.rooms.registry import RoomRegistry
from server.rooms.room import Room, RoomError
from server.sfu.engine import MediaError

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1024
HELLO_TIMEOUT = 10.0
CODEC = Codec(CLIENT_MESSAGES)


@dataclass(frozen=True)
class Incoming:
    text: str


@dataclass(frozen=True)
class Send:
    message: Message


@dataclass(frozen=True)
class Close:
    reason: str


@dataclass(frozen=True)
class SocketClosed:
    pass


Action = Incoming | Send | Close | SocketClosed


@dataclass(frozen=True)
class Services:
    accounts: AccountService
    meetings: MeetingService
    rooms: RoomRegistry


class SignalingConnection:
    def __init__(self, ws: web.WebSocketResponse, services: Services):
        self._ws = ws
        self._services = services
        self._queue: asyncio.Queue[Action] = asyncio.Queue(QUEUE_LIMIT)
        self._caller: Caller | None = None
        self._name = ""
        self._room: Room | None = None
        self._member: Member | None = None
        self._closing = False

    # The room's side: called from other connections' handlers, never blocks.

    def deliver(self, message: Message) -> None:
        self._put(Send(message))

    def close(self, reason: str) -> None:
        self._put(Close(reason))

    def _put(self, action: Action) -> None:
        try:
            self._queue.put_nowait(action)
        except asyncio.QueueFull:
            # A client that does not read its socket must not hold the room's memory hostage.
            if not self._closing:
                self._closing = True
                log.warning("dropping a signaling connection whose queue is full")
                asyncio.get_running_loop().create_task(self._ws.close())

    # The loop

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            while True:
                action = await self._queue.get()
                if isinstance(action, Incoming):
                    await self._handle_text(action.text)
                elif isinstance(action, Send):
                    await self._send(action.message)
                elif isinstance(action, Close):
                    await self._ws.close()
                    break
                else:
                    break
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            if self._room is not None and self._member is not None:
                self._room.detach(self._member, self)
            if not self._ws.closed:
                await self._ws.close()

    async def _read(self) -> None:
        try:
            async with asyncio.timeout(HELLO_TIMEOUT) as deadline:
                first = await self._ws.receive()
                deadline.reschedule(None)
            await self._accept_frame(first)
            async for frame in self._ws:
                await self._accept_frame(frame)
        except TimeoutError:
            await self._queue.put(Send(Error(code="timeout", message="no hello received")))
        finally:
            await self._queue.put(SocketClosed())

    async def _accept_frame(self, frame: object) -> None:
        kind = getattr(frame, "type", None)
        data = getattr(frame, "data", None)
        if kind == WSMsgType.TEXT and isinstance(data, str):
            await self._queue.put(Incoming(data))
        elif kind == WSMsgType.BINARY:
            await self._queue.put(
                Send(Error(code="invalid_message", message="messages are JSON text frames"))
            )
        elif kind in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            raise asyncio.CancelledError

    async def _send(self, message: Message) -> None:
        if not self._ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._ws.send_str(encode(message))

    # Requests

    async def _handle_text(self, text: str) -> None:
        try:
            message = CODEC.decode(text)
        except ProtocolError as exc:
            await self._send(Error(code=exc.code, message=exc.message, id=exc.request_id))
            return
        request_id = getattr(message, "id", None)
        try:
            reply = await self._dispatch(message)
        except ProtocolError as exc:
            reply = Error(code=exc.code, message=exc.message, id=request_id)
        except RoomError as exc:
            reply = Error(code=exc.code, message=exc.message, id=request_id)
        except ApiError as exc:
            reply = Error(code=exc.code, message=exc.message, id=request_id)
        except MediaError as exc:
            reply = Error(code="media_error", message=str(exc), id=request_id)
        except Exception:
            log.exception("signaling request %s failed", type(message).__name__)
            reply = Error(code="internal_error", message="internal server error", id=request_id)
        if reply is not None:
            await self._send(reply)

    async def _dispatch(self, message: Message) -> Message | None:
        if isinstance(message, Hello):
            return await self._hello(message)
        if self._caller is None:
            raise ProtocolError("not_authenticated", "send hello with a session token first")
        if isinstance(message, Join):
            return await self._join(message)
        room, member = self._room, self._member
        if room is None or member is None or room.member(member.id) is not member:
            raise ProtocolError("not_joined", "join a meeting first")
        if isinstance(message, Leave):
            self._room = self._member = None
            await room.leave(member, "left")
            return Ok(id=message.id)
        if isinstance(message, Publish):
            answer = await room.publish(member, message.sdp, message.sources)
            return PublishAnswer(id=message.id, sdp=answer)
        if isinstance(message, DownstreamAnswer):
            await room.answer_downstream(member, message.sdp)
        elif isinstance(message, SetMedia):
            room.set_media(member, message.mic, message.camera, message.screen)
        elif isinstance(message, RaiseHand):
            room.raise_hand(member, message.raised)
        elif isinstance(message, ChatSend):
            if len(message.body.encode()) > MAX_CHAT_BODY:
                raise ProtocolError(
                    "too_large", f"chat bodies are limited to {MAX_CHAT_BODY} bytes"
                )
            await room.chat(member, message.body, message.to)
        elif isinstance(message, HostAction):
            await room.host_action(member, message.action, message.target, message.role)
        return Ok(id=message.id)  # type: ignore[attr-defined]

    async def _hello(self, hello: Hello) -> Message:
        if self._caller is not None:
            raise ProtocolError("already_authenticated", "hello was already accepted")
        if hello.version != PROTOCOL_VERSION:
            raise ProtocolError(
                "unsupported_version", f"this server speaks protocol version {PROTOCOL_VERSION}"
            )
        caller = await self._services.accounts.authenticate(hello.token[:256])
        if caller is None:
            raise ProtocolError("unauthorized", "the session token is not valid")
        user = await self._services.accounts.profile(caller)
        self._caller = caller
        self._name = f"{user.profile['first_name']} {user.profile['last_name']}".strip()
        return Welcome(id=hello.id, version=PROTOCOL_VERSION, user_id=user.id, name=self._name)

    async def _join(self, join: Join) -> Message:
        assert self._caller is not None
        if self._member is not None:
            raise ProtocolError("already_joined", "leave the current meeting first")
        meeting = await self._services.meetings.find_joinable(join.join_code)
        room = await self._services.rooms.open(meeting)
        member = None
        if join.resume:
            member = room.resume(self._caller.user_id, join.resume, self)
        if member is None:
            member = await room.join(self._caller.user_id, self._name, self)
        self._room, self._member = room, member
        reply = Joined(
            id=join.id,
            meeting=room.info(),
            you=member.id,
            participants=tuple(m.public() for m in room.members()),
            chat=room.chat_history(member),
            resume=member.resume_token,
        )
        if member.pending_offer is not None:
            # Queued behind the reply, so the client knows the meeting before the offer.
            self.deliver(member.pending_offer)
        return reply
