"""Fault isolation: one viewer's broken send path costs the publisher and other viewers nothing.

Also the other way out: a connection whose pair has no socket of its own (TURN) sends through
aiortc's path, which these tests force on loopback since no relay is involved here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest
from aioice import Candidate
from aioice.ice import CandidatePair, StunProtocol
from aiortc import RTCDtlsTransport

from server.sfu import SfuEngine
from server.sfu.frames import EncodedFrame
from server.sfu.publication import Publication
from server.sfu.routes import AiortcRoute, Route, SocketRoute, direct_socket, find_route
from server.sfu.tap import FrameAssembler
from tests.server.sfu.media import PatternVideo, Tone
from tests.server.sfu.peers import meeting, wait_until

ROOM = "room"
WITHIN = 10.0


class BreakingRoute:
    """A viewer's way out that works for `packets` packets, then raises on every send."""

    def __init__(self, route: Route, packets: int):
        self._route = route
        self._left = packets
        self.raised = 0

    def usable(self) -> bool:
        return self._route.usable()

    def backlog(self) -> int:
        return self._route.backlog()

    def send(self, packets: Sequence[bytes]) -> None:
        self._left -= len(packets)
        if self._left < 0:
            self.raised += 1
            raise OSError("this viewer's socket broke")
        self._route.send(packets)

    def close(self) -> None:
        self._route.close()


async def test_a_viewer_whose_send_path_fails_costs_the_publisher_and_the_others_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken: list[BreakingRoute] = []
    working: list[Route] = []

    def routes(dtls: RTCDtlsTransport) -> Route | None:
        route = find_route(dtls)
        cyd = engine.downstream(ROOM, "cyd").connection.getTransceivers()
        if route is None or not any(t.sender.transport is dtls for t in cyd):
            working.extend([route] if route is not None else [])
            return route
        broken.append(BreakingRoute(route, packets=60))
        return broken[-1]

    engine = SfuEngine(routes=routes)
    caplog.set_level(logging.WARNING)
    async with meeting(engine, ROOM) as join:
        publisher = await join("pub")
        ada, ben, cyd = await join("ada"), await join("ben"), await join("cyd", tap=False)
        await publisher.publish({"camera": PatternVideo(), "microphone": Tone()})
        await cyd.wait_for("pub", "camera", 1, WITHIN)  # it worked for cyd, for a while
        senders = engine.downstream(ROOM, "cyd").senders()
        await wait_until(lambda: all(s.failed for s in senders), WITHIN, "cyd's senders fail")

        for viewer in (ada, ben):
            for source, frames in (("camera", 60), ("microphone", 100)):
                count = viewer.count("pub", source)
                await viewer.wait_for("pub", source, count + frames, WITHIN)
        upstream = engine._rooms[ROOM].members["pub"].upstream
        assert upstream is not None and upstream.connection.connectionState == "connected"
        assert publisher.up is not None and publisher.up.connectionState == "connected"
        assert all(p.failed_outlets == 0 for p in engine.publications(ROOM, "pub"))

    assert sum(route.raised for route in broken) == len(senders)  # skipped after the first
    assert working and all(isinstance(route, SocketRoute) for route in working)  # host pairs
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    failures = [r.getMessage() for r in warnings if r.name == "server.sfu.outbound"]
    assert sorted(failures) == [  # once per failed sender
        "sending audio to a viewer failed; that viewer gets no more of this track",
        "sending video to a viewer failed; that viewer gets no more of this track",
    ]
    assert not [r for r in warnings if r.name.startswith("aiortc")], "a transport was hurt"


class Outlet:
    def __init__(self, fails: bool):
        self.fails = fails
        self.frames: list[EncodedFrame] = []
        self.restarts = 0

    def push(self, frame: EncodedFrame) -> None:
        if self.fails:
            raise RuntimeError("this outlet is broken")
        self.frames.append(frame)

    def restart(self) -> None:
        self.restarts += 1


async def test_an_outlet_that_raises_is_dropped_alone_and_the_frame_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    publication = Publication("pub", "camera", "video", FrameAssembler("video"), 1.0)
    good, bad = Outlet(fails=False), Outlet(fails=True)
    publication.add(bad)
    publication.add(good)
    for number in range(5):
        publication.deliver(EncodedFrame(b"frame %d" % number, number * 3000, number == 0))
    publication.set_enabled(False)
    assert [f.data for f in good.frames] == [b"frame %d" % n for n in range(5)]
    assert good.restarts == 1 and bad.restarts == 0  # dropped after its first failure
    assert publication.failed_outlets == 1 and publication.frames == 5
    assert [r.name for r in caplog.records] == ["server.sfu.publication"]


def aiortc_route(dtls: RTCDtlsTransport) -> Route | None:
    """aiortc's own send for every connection, as a relayed (TURN) pair gets."""
    route = find_route(dtls)
    assert route is None or isinstance(route, SocketRoute)  # loopback pairs are host pairs
    return None if route is None else AiortcRoute(dtls)


async def test_aiortcs_send_path_forwards_every_frame_unchanged() -> None:
    engine = SfuEngine(routes=aiortc_route)
    async with meeting(engine, ROOM) as join:
        publisher, ada, ben = await join("pub"), await join("ada"), await join("ben", tap=False)
        video = PatternVideo()
        await publisher.publish({"camera": video, "microphone": Tone()})
        for viewer in (ada, ben):
            await viewer.wait_for("pub", "camera", 30, WITHIN)
            await viewer.wait_for("pub", "microphone", 25, WITHIN)
        sent = [video.sent[frame.data] for frame in ada.encoded[("pub", "camera")]]
        assert sent == sorted(set(sent)) and ada.encoded[("pub", "camera")][0].keyframe


async def test_only_a_host_pair_is_written_to_directly() -> None:
    loop = asyncio.get_running_loop()
    socket, protocol = await loop.create_datagram_endpoint(
        lambda: StunProtocol(None),  # type: ignore[arg-type]
        local_addr=("127.0.0.1", 0),
    )
    try:
        remote = Candidate("1", 1, "udp", 1, "127.0.0.1", 9, "host")
        for kind, direct in (("host", True), ("relay", False)):
            protocol.local_candidate = Candidate("2", 1, "udp", 1, "127.0.0.1", 9, kind)
            pair = CandidatePair(protocol, remote)
            assert pair.protocol.transport is socket
            assert (direct_socket(pair) is not None) is direct, kind
    finally:
        socket.close()
