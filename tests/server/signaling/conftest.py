"""A signaling peer for tests: a raw WebSocket speaking the protocol codec."""

from __future__ import annotations

import asyncio
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

    async def nothing_more(self, cls: type[Message], within: float = 0.5) -> bool:
        """True when no message of type `cls` arrives within `within` seconds."""
        try:
            await self.next_of(cls, within)
        except (TimeoutError, AssertionError):
            return True
        return False


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
