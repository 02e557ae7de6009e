"""A participant whose client stops reading is dropped alone; the others keep receiving."""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.test_utils import TestClient

from protocol.server_messages import Chat, Joined, Ok, ParticipantLeft, Welcome
from protocol.version import PROTOCOL_VERSION
from tests.server.conftest import Clock
from tests.server.signaling.conftest import Peer, People

BODY = "x" * 16000  # near the 16 KiB cap, so the backlog builds in few messages
MAX_MESSAGES = 3000  # about 48 MB: far past any socket buffer and the server's limit


def small_receive_buffer(addr_info: tuple) -> socket.socket:  # type: ignore[type-arg]
    """A socket whose kernel buffer holds little, as on a slow link: the backlog stays with us."""
    family, kind, proto, _, _ = addr_info
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return sock


def number(message: Chat) -> int:
    return int(message.message.body.split(" ", 1)[0])


async def test_a_client_that_stops_reading_is_dropped_alone(
    people: People, client: TestClient, clock: Clock
) -> None:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    assert isinstance(await host.request("join", join_code=code), Joined)
    reader = await people.peer(await people.user("rita"))
    assert isinstance(await reader.request("join", join_code=code), Joined)

    connector = aiohttp.TCPConnector(socket_factory=small_receive_buffer)
    async with aiohttp.ClientSession(connector=connector) as session:
        slow_token = await people.user("sam")
        slow = Peer(await session.ws_connect(client.make_url("/api/v1/ws")), slow_token)
        welcome = await slow.request("hello", version=PROTOCOL_VERSION, token=slow_token)
        assert isinstance(welcome, Welcome)
        slow_joined = await slow.request("join", join_code=code)
        assert isinstance(slow_joined, Joined)

        # From here on the slow client reads nothing, while the host talks and the reader reads.
        def slow_left() -> bool:
            return any(
                isinstance(m, ParticipantLeft) and m.participant == slow_joined.you
                for m in reader.inbox
            )

        sent = 0
        while not slow_left():
            assert sent < MAX_MESSAGES, "the client that reads nothing was never dropped"
            assert isinstance(await host.request("chat_send", body=f"{sent} {BODY}"), Ok)
            assert number(await reader.next_of(Chat)) == sent
            sent += 1
            host.inbox.clear()  # its own chat coming back; not needed here
            clock.advance(1.0)  # a backlog past the limit may stand for 5 s, no more

        left = next(m for m in reader.inbox if isinstance(m, ParticipantLeft))
        assert left.reason == "too slow"
        # When it reads again it finds what it was sent before the drop, in order, then the reason.
        assert await slow.closed(within=30) == (4008, "too slow: messages were not read in time")
        got = [number(m) for m in slow.inbox if isinstance(m, Chat)]
        assert got == list(range(len(got))) and len(got) < sent

    # The others were not held back and carry on.
    assert isinstance(await host.request("chat_send", body="still here"), Ok)
    assert (await reader.next_of(Chat)).message.body == "still here"
    reader.inbox.remove(left)
    assert await reader.nothing_more(ParticipantLeft)
