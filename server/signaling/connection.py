"""One signaling connection: a loop over a queue of typed actions, the only code that changes it.

The socket reader turns frames into actions; rooms and the account services end it through
`close` and `end_session`, which take effect at once (nothing queued is handled after them) and
are carried out by the loop. Messages out go through `OutgoingFrames`, in the order they are
given, without waiting: a broadcast never waits for any one reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

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
from protocol.codec import Codec, Message, ProtocolError
from protocol.meeting_types import MAX_CHAT_BODY
from protocol.server_messages import Error, Joined, Ok, PublishAnswer, Welcome
from protocol.version import PROTOCOL_VERSION
from server.accounts.service import AccountService, Caller
from server.accounts.session_end import SessionEnd
from server.domain_errors import DomainError
from server.ice_servers import IceServers
from server.meetings.service import MeetingService
from server.rooms.member import Farewell, Member, encoded
from server.rooms.registry import RoomRegistry
from server.rooms.room import Room, RoomError
from server.sfu.engine import MediaError
from server.signaling.closing import (
    FAREWELL_CLOSINGS,
    GOING_AWAY,
    NORMAL,
    SESSION_CLOSINGS,
    TOO_SLOW,
    Closing,
)
from server.signaling.live import LiveConnections
from server.signaling.outgoing import Flusher, OutgoingFrames

log = logging.getLogger(__name__)

HELLO_TIMEOUT = 10.0
INCOMING_LIMIT = 64  # requests read ahead of the one being handled; the reader waits beyond
CLOSE_SECONDS = 10.0  # for the peer to answer our close frame, then the socket is cut
CODEC = Codec(CLIENT_MESSAGES)


@dataclass(frozen=True)
class Incoming:
    text: str


@dataclass(frozen=True)
class BinaryFrame:
    pass


@dataclass(frozen=True)
class Ending:
    closing: Closing


@dataclass(frozen=True)
class SocketClosed:
    pass


Action = Incoming | BinaryFrame | Ending | SocketClosed


@dataclass(frozen=True)
class Services:
    accounts: AccountService
    meetings: MeetingService
    rooms: RoomRegistry
    live: LiveConnections
    clock: Callable[[], float]
    flusher: Flusher = field(default_factory=Flusher)  # one for all connections
    ice_servers: IceServers = field(default_factory=IceServers)  # for welcome


class SignalingConnection:
    def __init__(
        self, ws: web.WebSocketResponse, transport: asyncio.WriteTransport, services: Services
    ):
        self._ws = ws
        self._transport = transport
        self._services = services
        self._out = OutgoingFrames(
            transport, services.flusher, lambda: ws.closed, self._too_slow, services.clock
        )
        # Outbox.deliver, bound straight to the frames: the one call per recipient of a broadcast.
        self.deliver: Callable[[bytes], None] = self._out.put
        self._actions: asyncio.Queue[Action] = asyncio.Queue()
        self._reading = asyncio.Semaphore(INCOMING_LIMIT)
        self._ending: Closing | None = None
        self._caller: Caller | None = None
        self._used_at: float | None = None
        self._name = ""
        self._room: Room | None = None
        self._member: Member | None = None

    # Outbox: the room's side, called from other connections' handlers; never blocks.

    def close(self, farewell: Farewell) -> None:
        # The room has said its last word (`removed`); the reply to a request being handled
        # (the host's own `end_meeting`) still goes out.
        self._end(FAREWELL_CLOSINGS[farewell], silence=False)

    # LiveSocket: the account services' side.

    @property
    def last_used_at(self) -> float | None:
        return self._used_at

    def end_session(self, why: SessionEnd) -> None:
        self._end(SESSION_CLOSINGS[why], silence=True)

    def going_away(self) -> None:
        self._end(GOING_AWAY, silence=True)

    def _too_slow(self) -> None:
        log.warning("dropping a signaling connection that does not read its messages")
        self._end(TOO_SLOW, silence=True)

    def _end(self, closing: Closing, silence: bool) -> None:
        """Stop handling requests now; with `silence`, send nothing more either."""
        if self._ending is not None:
            return
        self._ending = closing
        if silence:
            self._out.close()  # what was queued before the end still goes out
        self._actions.put_nowait(Ending(closing))

    # The loop

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            while self._ending is None:
                action = await self._actions.get()
                if self._ending is not None:
                    break
                if isinstance(action, Incoming):
                    self._reading.release()
                    await self._handle_text(action.text)
                elif isinstance(action, BinaryFrame):
                    self._reading.release()
                    self._send(Error(code="invalid_message", message="messages are JSON text"))
                else:
                    break
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            await self._finish()

    async def _finish(self) -> None:
        self._services.live.discard(self)
        closing = self._ending or NORMAL
        room, member = self._room, self._member
        if room is not None and member is not None:
            if closing.leave is not None:
                await room.leave(member, closing.leave)
            else:
                room.detach(member, self)
        self._out.close()
        try:
            async with asyncio.timeout(CLOSE_SECONDS):
                await self._ws.close(code=closing.code, message=closing.reason.encode())
        except TimeoutError:
            # A peer that reads nothing never answers the close frame, nor lets it drain.
            self._transport.abort()

    async def _read(self) -> None:
        try:
            async with asyncio.timeout(HELLO_TIMEOUT) as deadline:
                first = await self._ws.receive()
                deadline.reschedule(None)
            if await self._accept_frame(first):
                async for frame in self._ws:
                    if not await self._accept_frame(frame):
                        break
        except TimeoutError:
            self._send(Error(code="timeout", message="no hello received"))
        finally:
            self._actions.put_nowait(SocketClosed())

    async def _accept_frame(self, frame: object) -> bool:
        """Queue what the frame asks; False once the socket is closing."""
        kind = getattr(frame, "type", None)
        data = getattr(frame, "data", None)
        if kind == WSMsgType.TEXT and isinstance(data, str):
            await self._reading.acquire()
            self._actions.put_nowait(Incoming(data))
        elif kind == WSMsgType.BINARY:
            await self._reading.acquire()
            self._actions.put_nowait(BinaryFrame())
        elif kind in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return False
        return True

    def _send(self, message: Message) -> None:
        self._out.put(encoded(message))

    # Requests

    async def _handle_text(self, text: str) -> None:
        try:
            message = CODEC.decode(text)
        except ProtocolError as exc:
            self._send(Error(code=exc.code, message=exc.message, id=exc.request_id))
            return
        if self._caller is not None:
            self._used_at = self._services.clock()
        request_id = getattr(message, "id", None)
        try:
            reply = await self._dispatch(message)
        except (ProtocolError, RoomError, DomainError) as exc:
            reply = Error(code=exc.code, message=exc.message, id=request_id)
        except MediaError as exc:
            reply = Error(code="media_error", message=str(exc), id=request_id)
        except Exception:
            log.exception("signaling request %s failed", type(message).__name__)
            reply = Error(code="internal_error", message="internal server error", id=request_id)
        if reply is not None:
            self._send(reply)

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
        # Every request type dispatched above has an id; the Message base class declares none.
        return Ok(id=message.id)  # type: ignore[attr-defined]

    async def _hello(self, hello: Hello) -> Message:
        if self._caller is not None:
            raise ProtocolError("already_authenticated", "hello was already accepted")
        if hello.version != PROTOCOL_VERSION:
            raise ProtocolError(
                "unsupported_version", f"this server speaks protocol version {PROTOCOL_VERSION}"
            )
        caller = await self._services.accounts.authenticate(hello.token[:256], guests=True)
        if caller is None:
            raise ProtocolError("unauthorized", "the session token is not valid")
        # Registered before anything else can run: a session ended from here on closes this
        # connection. (An end between the check and now is caught by the periodic sweep.)
        self._services.live.add(self, caller)
        self._caller = caller
        self._used_at = self._services.clock()
        self._name = await self._services.accounts.display_name(caller)  # a guest's too
        return Welcome(
            id=hello.id,
            version=PROTOCOL_VERSION,
            user_id=caller.user_id,
            name=self._name,
            ice_servers=self._services.ice_servers.for_user(caller.user_id),
        )

    async def _join(self, join: Join) -> Message | None:
        assert self._caller is not None
        if self._member is not None:
            raise ProtocolError("already_joined", "leave the current meeting first")
        guest_of = self._caller.guest_meeting_id  # a guest may join their meeting only
        meeting = await self._services.meetings.find_joinable(join.join_code, guest_of=guest_of)
        room = await self._services.rooms.open(meeting)
        member = None
        if join.resume:
            member = room.resume(self._caller.user_id, join.resume, self)
        if member is None:
            member = await room.join(
                self._caller.user_id, self._name, self, guest=guest_of is not None
            )
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
            # Sent right after the reply, so the client knows the meeting before the offer.
            self._send(reply)
            self._send(member.pending_offer)
            return None
        return reply
