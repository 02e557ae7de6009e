"""A full [media] udp_ports range refuses a join with a protocol error and leaves nothing behind."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from protocol.server_messages import Error, Joined
from server.settings import Settings
from tests.server.sfu.test_network import free_range
from tests.server.signaling.conftest import People


@pytest.fixture
def port() -> int:
    return free_range(1)[0]


@pytest.fixture
def settings(tmp_path: Path, port: int) -> Settings:
    return Settings(data_dir=tmp_path / "data", key_source="file", media_udp_ports=(port, port))


class Taken:
    """The range's only port, held by another program on every address (IPv4 and IPv6)."""

    def __init__(self, port: int):
        self._sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)]
        self._sockets[0].bind(("0.0.0.0", port))
        if socket.has_ipv6:
            six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            six.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                six.bind(("::", port))
                self._sockets.append(six)
            except OSError:  # no IPv6 here: nothing to hold
                six.close()

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()


@pytest.fixture
def taken(port: int) -> Iterator[Taken]:
    held = Taken(port)
    yield held
    held.close()


async def test_a_join_that_finds_no_free_port_is_refused_and_leaves_no_one_behind(
    people: People, taken: Taken, port: int
) -> None:
    host_token = await people.user("ann")
    code = (await people.meeting(host_token))["join_code"]
    ann = await people.peer(host_token)
    refused = await ann.request("join", join_code=code)
    assert isinstance(refused, Error) and refused.code == "media_error", refused
    assert f"all of {port}-{port} are in use" in refused.message
    taken.close()  # the port is free again
    ben = await people.peer(await people.user("ben"))
    joined = await ben.request("join", join_code=code)
    assert isinstance(joined, Joined), joined
    assert [p.name for p in joined.participants] == ["Ben Tester"]  # no half-joined ann
    again = await ann.request("join", join_code=code)  # ann can try again; the port is ben's now
    assert isinstance(again, Error) and again.code == "media_error", again
