"""The client end of the signaling WebSocket: requests with replies, and a stream of events."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator

import aiohttp

from app.core.api.transport import SslOption
from protocol.codec import Codec, Message, ProtocolError, encode
from protocol.server_messages import SERVER_MESSAGES, Error
from protocol.version import API_PREFIX

log = logging.getLogger(__name__)
CODEC = Codec(SERVER_MESSAGES)


class SignalingError(Exception):
    """The server refused a request (its `error` reply), or the connection is gone."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class SignalingClient:
    """One WebSocket to a Podium server; `request` awaits the reply with the same id."""

    def __init__(
        self,
        base_url: str,
        session: aiohttp.ClientSession | None = None,
        *,
        ssl: SslOption = True,
    ):
        self._ssl = ssl
        self._url = base_url.rstrip("/").replace("http", "ws", 1) + f"{API_PREFIX}/ws"
        self._own_session = session is None
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._events: asyncio.Queue[Message | None] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(
            self._url, heartbeat=20.0, max_msg_size=0, ssl=self._ssl
        )
        self._reader = asyncio.create_task(self._read())

    def next_id(self) -> str:
        return str(next(self._ids))

    async def request(self, message: Message, within: float = 30.0) -> Message:
        """Send a request and return its reply; an `error` reply raises SignalingError."""
        request_id = getattr(message, "id", None)
        if not isinstance(request_id, str):
            raise ValueError("requests need a string id")
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self.send(message)
            reply = await asyncio.wait_for(future, within)
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, Error):
            raise SignalingError(reply.code, reply.message)
        return reply

    async def send(self, message: Message) -> None:
        await self.send_text(encode(message))

    async def send_text(self, text: str) -> None:
        """Send raw text (tests use it to send what the codec would never produce)."""
        if self._ws is None or self._ws.closed:
            raise SignalingError("disconnected", "the signaling connection is closed")
        await self._ws.send_str(text)

    async def events(self) -> AsyncIterator[Message]:
        """Messages that are not replies, in arrival order, until the connection closes."""
        while True:
            message = await self._events.get()
            if message is None:
                return
            yield message

    async def next_event(self, within: float = 10.0) -> Message | None:
        return await asyncio.wait_for(self._events.get(), within)

    @property
    def closed(self) -> bool:
        return self._ws is None or self._ws.closed

    @property
    def close_code(self) -> int | None:
        """The code the connection closed with (docs/protocol.md; 1006 when it was lost)."""
        return None if self._ws is None else self._ws.close_code

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._own_session and self._session is not None:
            await self._session.close()

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for frame in self._ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    message = CODEC.decode(frame.data)
                except ProtocolError as exc:
                    log.warning("unreadable message from the server: %s", exc)
                    continue
                request_id = getattr(message, "id", None)
                future = self._pending.get(request_id) if isinstance(request_id, str) else None
                if future is not None and not future.done():
                    future.set_result(message)
                else:
                    self._events.put_nowait(message)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(
                        SignalingError("disconnected", "the signaling connection closed")
                    )
            self._events.put_nowait(None)
