"""Relayed pairs: media flows, and the SFU's cost per viewer stays that of its direct path.

A real coturn on loopback (use-auth-secret, credentials made as welcome makes them) relays for
clients that use relay candidates only; the SFU, which offers host candidates only, pairs its
socket with their relay address, so its fast send path (routes.py SocketRoute) serves them too.
Were the SFU's own candidate a relay one, aiortc's send path (AiortcRoute) takes over.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer, RTCPeerConnection
from aiortc.rtcconfiguration import RTCIceTransportPolicy

from server.ice_servers import IceServers
from server.sfu import SfuEngine, downstream, upstream
from server.sfu.routes import AiortcRoute, SocketRoute, find_route
from tests.netns.coturn import coturn_argv
from tests.server.sfu.media import PatternVideo, Tone
from tests.server.sfu.peers import meeting
from tests.server.sfu.test_network import free_range

ROOM = "room"
WITHIN = 15.0
SECRET = "loopback-turn-secret"

pytestmark = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v turnserver"], capture_output=True).returncode != 0,
    reason="needs coturn's turnserver (Debian: coturn)",
)


@dataclass(frozen=True)
class Turn:
    url: str
    relay_ports: tuple[int, int]

    def relays(self, address: tuple[str, int]) -> bool:
        """Whether this is one of coturn's relay addresses."""
        low, high = self.relay_ports
        return address[0] == "127.0.0.1" and low <= address[1] <= high


@pytest.fixture
def turn(tmp_path: Path) -> Iterator[Turn]:
    """A coturn on 127.0.0.1, once it has bound its port."""
    port, *_ = free_range(1)
    relay = free_range(20)
    process = subprocess.Popen(
        coturn_argv("127.0.0.1", port, SECRET, tmp_path, relay),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            assert process.poll() is None, (tmp_path / "turn.log").read_text()
            assert time.monotonic() < deadline, "coturn did not start within 30 s"
            time.sleep(0.05)
        yield Turn(f"turn:127.0.0.1:{port}?transport=udp", relay)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening(port: int) -> bool:
    """Whether the UDP port is taken (coturn has bound it)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError:
        return True
    finally:
        probe.close()
    return False


def relay_only(url: str) -> RTCConfiguration:
    (server,) = IceServers(turn=(url,), turn_secret=SECRET, ttl_seconds=600).for_user(7)
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(
                urls=list(server.urls), username=server.username, credential=server.credential
            )
        ],
        iceTransportPolicy=RTCIceTransportPolicy.RELAY,
    )


async def test_relayed_viewers_get_media_on_the_direct_send_path(turn: Turn) -> None:
    engine = SfuEngine()
    async with meeting(engine, ROOM) as join:
        publisher = await join("pub", configuration=relay_only(turn.url))
        viewer = await join("view", tap=False, configuration=relay_only(turn.url))
        await publisher.publish({"camera": PatternVideo(), "microphone": Tone()})
        await viewer.wait_for("pub", "camera", 30, WITHIN)
        await viewer.wait_for("pub", "microphone", 25, WITHIN)
        downstream = engine.downstream(ROOM, "view").connection
        dtls = downstream.getSenders()[0].transport
        pair = dtls.transport._connection._nominated[1]
        # The viewer's side is coturn's relay address; the SFU's side, its own host socket.
        assert turn.relays(pair.remote_addr) and pair.local_candidate.type == "host", pair
        assert isinstance(find_route(dtls), SocketRoute)
        # The publisher's media reached the SFU through the relay too.
        member = engine._rooms[ROOM].members["pub"]
        assert member.upstream is not None
        upstream = member.upstream.connection.getTransceivers()[0].receiver.transport
        assert turn.relays(upstream.transport._connection._nominated[1].remote_addr)


async def test_a_relay_on_the_sfus_own_side_takes_aiortcs_send_path_and_media_flows(
    turn: Turn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SFU never gathers relay candidates itself; made to here, its pairs have no socket of
    # their own (aioice's TURN client stands in), and routes.py must hand them to aiortc.
    def relayed_peer_connection(network: object = None) -> RTCPeerConnection:
        configuration = relay_only(turn.url)
        configuration.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE
        return RTCPeerConnection(configuration)

    monkeypatch.setattr(upstream, "peer_connection", relayed_peer_connection)
    monkeypatch.setattr(downstream, "peer_connection", relayed_peer_connection)
    engine = SfuEngine()
    async with meeting(engine, ROOM) as join:
        publisher, viewer = await join("pub"), await join("view", tap=False)
        await publisher.publish({"camera": PatternVideo(), "microphone": Tone()})
        await viewer.wait_for("pub", "camera", 30, WITHIN)
        await viewer.wait_for("pub", "microphone", 25, WITHIN)
        dtls = engine.downstream(ROOM, "view").connection.getSenders()[0].transport
        pair = dtls.transport._connection._nominated[1]
        assert pair.local_candidate.type == "relay", pair
        assert isinstance(find_route(dtls), AiortcRoute)
