"""[media] udp_ports and public_ip: where the SFU's ICE sockets are bound and what they announce.

Real aiortc peers on this machine; the media itself crossing a real 1:1 NAT is in
tests/netns/test_nat_traversal.py.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiortc.sdp import SessionDescription

from server.sfu import MediaError, SfuEngine
from server.sfu.network import MediaNetwork, PortsExhausted
from server.sfu.routes import SocketRoute, find_route
from tests.server.sfu.media import PatternVideo, Tone
from tests.server.sfu.peers import meeting

ROOM = "room"
WITHIN = 10.0


def free_range(size: int) -> tuple[int, int]:
    """A run of `size` UDP ports that are free on every address right now."""
    for low in range(41000, 60000, 97):
        probes = []
        try:
            for port in range(low, low + size):
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                probes.append(probe)
                probe.bind(("0.0.0.0", port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return low, low + size - 1
    raise AssertionError("no free run of UDP ports")


def candidates(sdp: str) -> list[tuple[str, int, str]]:
    """(address, port, type) of every candidate in an SDP."""
    description = SessionDescription.parse(sdp)
    return [(c.ip, c.port, c.type) for m in description.media for c in m.ice_candidates]


@pytest.fixture
def held() -> Iterator[list[socket.socket]]:
    """Sockets a test holds to take ports away from the SFU; closed afterwards."""
    sockets: list[socket.socket] = []
    yield sockets
    for sock in sockets:
        sock.close()


async def test_every_ice_socket_is_in_the_range_and_media_flows() -> None:
    low, high = free_range(8)
    engine = SfuEngine(network=MediaNetwork(udp_ports=(low, high)))
    async with meeting(engine, ROOM) as join:
        publisher, viewer = await join("pub"), await join("view", tap=False)
        await publisher.publish({"camera": PatternVideo(), "microphone": Tone()})
        await viewer.wait_for("pub", "camera", 10, WITHIN)
        await viewer.wait_for("pub", "microphone", 10, WITHIN)
        assert publisher.up is not None
        # What the server announced (the answer and the downstream offer) ...
        announced = candidates(publisher.up.remoteDescription.sdp)
        announced += candidates(viewer.down.remoteDescription.sdp)
        assert announced and all(low <= port <= high for _, port, _ in announced), announced
        assert {kind for _, _, kind in announced} == {"host"}
        # ... and where its sockets really are.
        member = engine._rooms[ROOM].members["pub"]
        assert member.upstream is not None
        for pc in (member.upstream.connection, engine.downstream(ROOM, "view").connection):
            connection = pc.getTransceivers()[0].receiver.transport.transport._connection
            ports = {p.transport.get_extra_info("sockname")[1] for p in connection._protocols}
            assert ports and all(low <= port <= high for port in ports), ports
        # Host pairs on these sockets still take the fast path.
        sender = engine.downstream(ROOM, "view").connection.getSenders()[0]
        assert isinstance(find_route(sender.transport), SocketRoute)


async def test_a_full_range_refuses_join_and_publish_with_a_media_error(
    held: list[socket.socket],
) -> None:
    low, high = free_range(2)
    engine = SfuEngine(network=MediaNetwork(udp_ports=(low, high)))
    async with meeting(engine, ROOM) as join:
        await join("first")  # its downstream takes one port on every address
        publisher = await join("second")  # and this one the other
        with pytest.raises(PortsExhausted, match=f"{low}-{high}"):
            await join("third")
        with pytest.raises(MediaError, match="no free UDP port"):
            await publisher.publish({"microphone": Tone()})
        # Nothing half-made is left: the refused participant can join once a port is free.
        await engine.leave(ROOM, "first")
        await join("third")

    # Leaving released every port: all of them can be bound again.
    for port in range(low, high + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        held.append(sock)
        sock.bind(("0.0.0.0", port))


async def test_ports_taken_by_others_are_skipped(held: list[socket.socket]) -> None:
    low, high = free_range(3)
    for port in (low, low + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("0.0.0.0", port))
        held.append(sock)
    network = MediaNetwork(udp_ports=(low, high))
    sockets = network.reserve()
    try:
        assert sockets and {s.getsockname()[1] for s in sockets if s.family == socket.AF_INET} == {
            high
        }
    finally:
        for sock in sockets:
            sock.close()


async def test_the_public_ip_is_announced_on_host_candidates_and_sockets_stay_local() -> None:
    engine = SfuEngine(network=MediaNetwork(public_ip="203.0.113.7"))
    async with meeting(engine, ROOM) as join:
        publisher = await join("pub")
        await publisher.publish({"microphone": Tone()})
        assert publisher.up is not None
        announced = candidates(publisher.up.remoteDescription.sdp)
        ipv4 = [c for c in announced if ":" not in c[0]]
        assert ipv4 and all(c == ("203.0.113.7", c[1], "host") for c in ipv4), announced
        member = engine._rooms[ROOM].members["pub"]
        assert member.upstream is not None
        connection = member.upstream.connection.getTransceivers()[0].receiver.transport.transport
        bound = {
            p.transport.get_extra_info("sockname")[0] for p in connection._connection._protocols
        }
        assert "203.0.113.7" not in bound  # the NAT in front maps it; this machine lacks it


def test_a_bad_network_setting_is_refused() -> None:
    with pytest.raises(ValueError):
        MediaNetwork(public_ip="not-an-address")
    with pytest.raises(ValueError):
        MediaNetwork(udp_ports=(50010, 50000))
