"""A signaling peer for tests: a raw WebSocket speaking the protocol codec."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from protocol.codec import Codec, Message
from protocol.server_messages import SERVER_MESSAGES
from protocol.version import PROTOCOL_VERSION
from tests.server.conftest import bearer, login, register

CODEC = Codec(SERVER_MESSAGES)


class Peer:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, token: str):
        self.ws = ws
        self.token = token
        self._ids = itertools.count(1)
        self.inbox: list[Message] = []

    def next_id(self) -> str:
        return f"r{next(self._ids)}"

    async def send_raw(self, text: str) -> None:
        await self.ws.send_str(text)

    async def receive(self, within: float = 5.0) -> Message:
        frame = await self.ws.receive(timeout=within)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame
        return CODEC.decode(frame.data)

    async def request(self, kind: str, **fields: Any) -> Message:
        """Send a request and return its reply, keeping events that came first in `inbox`."""
        request_id = self.next_id()
        await self.send_raw(encode_dict({"type": kind, "id": request_id, **fields}))
        while True:
            message = await self.receive()
            if getattr(message, "id", None) == request_id:
                return message
            self.inbox.append(message)

    async def next_of(self, cls: type[Message], within: float = 5.0) -> Message:
        """The next message of type `cls`, from the inbox first; others are kept."""
        for index, message in enumerate(self.inbox):
            if isinstance(message, cls):
                return self.inbox.pop(index)
        deadline = asyncio.get_running_loop().time() + within
        while True:
            message = await self.receive(deadline - asyncio.get_running_loop().time())
            if isinstance(message, cls):
                return message
            self.inbox.append(message)

    async def nothing_more(self, cls: type[Message]) -> bool:
        """True when no message of type `cls` is waiting for this peer, in the inbox or on its way.

        The server sends each connection's messages in order, so whatever was sent to this peer
        before it answers a request arrives before that answer: the request is a barrier. A peer
        the server is closing gets no answer; its close frame is the barrier then.
        """
        if any(isinstance(message, cls) for message in self.inbox):
            return False
        barrier = self.next_id()
        # An unknown type is refused with an error carrying our id, whatever the peer's state.
        with contextlib.suppress(ConnectionError):
            await self.send_raw(encode_dict({"type": "barrier", "id": barrier}))
        while True:
            frame = await self.ws.receive(timeout=5.0)
            if frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return True
            assert frame.type == aiohttp.WSMsgType.TEXT, frame
            message = CODEC.decode(frame.data)
            if getattr(message, "id", None) == barrier:
                return True
            if isinstance(message, cls):
                return False
            self.inbox.append(message)

    async def answers(self) -> bool:
        """True when the server still answers this peer (an error for an unknown type)."""
        barrier = self.next_id()
        with contextlib.suppress(ConnectionError):
            await self.send_raw(encode_dict({"type": "barrier", "id": barrier}))
        while True:
            frame = await self.ws.receive(timeout=5.0)
            if frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return False
            assert frame.type == aiohttp.WSMsgType.TEXT, frame
            message = CODEC.decode(frame.data)
            if getattr(message, "id", None) == barrier:
                return True
            self.inbox.append(message)

    async def closed(self, within: float = 5.0) -> tuple[int | None, str]:
        """The code and reason the server closed this socket with; what came first is kept."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            frame = await self.ws.receive(timeout=deadline - asyncio.get_running_loop().time())
            if frame.type == aiohttp.WSMsgType.CLOSE:
                return frame.data, frame.extra or ""
            if frame.type == aiohttp.WSMsgType.CLOSED:
                return self.ws.close_code, ""
            assert frame.type == aiohttp.WSMsgType.TEXT, frame
            self.inbox.append(CODEC.decode(frame.data))


def encode_dict(data: dict[str, Any]) -> str:
    return json.dumps(data)


class People:
    """Registers users and opens signaling peers for them against one test server."""

    def __init__(self, client: TestClient):
        self.client = client
        self._count = itertools.count(1)

    async def user(self, name: str) -> str:
        await register(
            self.client,
            username=name,
            email=f"{name}@example.org",
            first_name=name.title(),
            last_name="Tester",
        )
        return await login(self.client, name)

    async def peer(self, token: str, hello: bool = True) -> Peer:
        ws = await self.client.ws_connect("/api/v1/ws")
        peer = Peer(ws, token)
        if hello:
            welcome = await peer.request("hello", version=PROTOCOL_VERSION, token=token)
            assert welcome.TYPE == "welcome", welcome
        return peer

    async def meeting(self, token: str, subject: str = "Standup") -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/meetings", headers=bearer(token), json={"subject": subject}
        )
        assert response.status == 201, await response.text()
        return await response.json()


@pytest.fixture
def people(client: TestClient) -> People:
    return People(client)
