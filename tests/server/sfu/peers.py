"""Client peers for SFU tests: real aiortc connections that publish, answer and collect frames.

A `Peer` is what the room side plus one client amount to for the engine: it implements
MediaEvents, answers downstream offers like the desktop client does, and keeps what arrived per
(participant, source). A tapped peer keeps the encoded frames (to compare bytes with what was
sent); an untapped peer reads decoded frames from aiortc's stock receiver, as the app does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import av
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from protocol.meeting_types import Source, TrackInfo
from server.sfu import SfuEngine
from server.sfu.frames import EncodedFrame
from server.sfu.tap import tap_receiver
from tests.server.sfu.media import PatternVideo

Key = tuple[str, str]
POLL = 0.01  # seconds between looks at a condition


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> None:
    """Poll until `condition` holds; fail after `within` seconds, saying what was awaited."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(POLL)


class Peer:
    def __init__(
        self,
        engine: SfuEngine,
        room: str,
        name: str,
        *,
        tap: bool = True,
        configuration: RTCConfiguration | None = None,
    ):
        self.engine = engine
        self.configuration = configuration or RTCConfiguration(iceServers=[])
        self.room = room
        self.name = name
        self.tap = tap
        self.up: RTCPeerConnection | None = None
        self.down = RTCPeerConnection(self.configuration)
        self.auto_answer = True
        self.offers: list[list[TrackInfo]] = []
        self.tracks: dict[str, TrackInfo] = {}
        self.encoded: dict[Key, list[EncodedFrame]] = defaultdict(list)
        self.decoded: dict[Key, list[av.VideoFrame | av.AudioFrame]] = defaultdict(list)
        self.arrivals: dict[Key, list[float]] = defaultdict(list)
        self.spoke: list[float] = []
        self.plis: Counter[str] = Counter()
        self.pli_times: dict[str, list[float]] = defaultdict(list)
        self._sources: dict[Source, MediaStreamTrack] = {}
        self._tapped: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: str | None = None

    # MediaEvents

    async def downstream_offer(self, sdp: str, tracks: list[TrackInfo]) -> None:
        self.offers.append(tracks)
        self._pending = sdp
        self._pending_tracks = tracks
        if self.auto_answer:
            self._spawn(self.answer())

    def speaking(self, level: float) -> None:
        self.spoke.append(level)

    # What the client does

    async def join(self) -> Peer:
        await self.engine.join(self.room, self.name, self)
        return self

    async def publish(self, sources: dict[Source, MediaStreamTrack]) -> None:
        self.up = RTCPeerConnection(self.configuration)
        by_source = {}
        for source, track in sources.items():
            transceiver = self.up.addTransceiver(track, direction="sendonly")
            by_source[source] = transceiver
            if isinstance(track, PatternVideo):
                # The pattern is pre-encoded, so aiortc's own key frame flag would do nothing.
                transceiver.sender._send_keyframe = self._pli_handler(source, track)  # type: ignore[method-assign]
        self._sources = dict(sources)
        await self.up.setLocalDescription(await self.up.createOffer())
        mids = {str(t.mid): source for source, t in by_source.items()}
        answer = await self.engine.publish(self.room, self.name, self.up.localDescription.sdp, mids)
        await self.up.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    async def republish(self, keep: set[Source]) -> None:
        """Offer again on the same upstream connection, naming only the sources in `keep`."""
        assert self.up is not None
        await self.up.setLocalDescription(await self.up.createOffer())
        mids = {
            str(t.mid): source
            for t, source in zip(self.up.getTransceivers(), self._sources, strict=True)
            if source in keep
        }
        answer = await self.engine.publish(self.room, self.name, self.up.localDescription.sdp, mids)
        await self.up.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    async def answer(self) -> None:
        sdp, tracks = self._pending, self._pending_tracks
        assert sdp is not None
        self._pending = None
        await self.down.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        self.tracks = {info.mid: info for info in tracks}
        for transceiver in self.down.getTransceivers():
            mid = str(transceiver.mid)
            if mid in self._tapped:
                continue
            self._tapped.add(mid)
            if self.tap:
                assembler = tap_receiver(transceiver.receiver, transceiver.kind)
                assembler.sink = self._sink(mid)
                # As a decoder that lost the picture does: a PLI for every undecodable frame.
                assembler.on_loss = assembler.request_keyframe
            else:
                self._spawn(self._read(mid, transceiver.receiver.track))
        await self.down.setLocalDescription(await self.down.createAnswer())
        await self.engine.answer_downstream(self.room, self.name, self.down.localDescription.sdp)

    async def leave(self) -> None:
        await self.engine.leave(self.room, self.name)
        await self.close()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for track in self._sources.values():
            track.stop()
        if self.up is not None:
            await self.up.close()
        await self.down.close()

    async def send_pli(self, participant: str, source: str) -> None:
        """What a viewer's decoder does when it lost the picture: a PLI on that track."""
        for transceiver in self.down.getTransceivers():
            info = self.tracks.get(str(transceiver.mid))
            if info is not None and (info.participant, info.source) == (participant, source):
                ssrc = transceiver.receiver.getSynchronizationSources()[0].source
                await transceiver.receiver._send_rtcp_pli(ssrc)
                return
        raise AssertionError(f"no track {participant}/{source}")

    # Waiting

    def count(self, participant: str, source: str) -> int:
        key = (participant, source)
        return len(self.encoded[key]) if self.tap else len(self.decoded[key])

    async def wait_for(self, participant: str, source: str, frames: int, within: float) -> float:
        """Seconds until `frames` frames of that track have arrived (fails after `within`)."""
        started = time.monotonic()
        deadline = started + within
        while self.count(participant, source) < frames:
            assert time.monotonic() < deadline, (
                f"{self.name} got {self.count(participant, source)} of {frames} frames "
                f"of {participant}/{source} within {within} s"
            )
            await asyncio.sleep(POLL)
        return time.monotonic() - started

    async def quiet_count(
        self, participant: str, still: str, flowing: str, frames: int, within: float
    ) -> int:
        """The count of track `still` once it stayed put while `frames` of `flowing` arrived.

        Both tracks come in order on one bundled connection, so frames of `flowing` sent after
        the last one of `still` arrive after it: they show nothing of `still` is in flight.
        """
        deadline = time.monotonic() + within
        while True:
            count = self.count(participant, still)
            target = self.count(participant, flowing) + frames
            await self.wait_for(participant, flowing, target, deadline - time.monotonic())
            if self.count(participant, still) == count:
                return count
            assert time.monotonic() < deadline, f"{participant}/{still} kept arriving"

    # Internals

    def _pli_handler(self, source: str, track: PatternVideo) -> Callable[[], None]:
        def on_pli() -> None:
            self.plis[source] += 1
            self.pli_times[source].append(time.monotonic())
            track.force_keyframe()

        return on_pli

    def _sink(self, mid: str) -> Callable[[EncodedFrame], None]:
        def sink(frame: EncodedFrame) -> None:
            info = self.tracks.get(mid)
            if info is not None:
                self.encoded[(info.participant, info.source)].append(frame)
                self.arrivals[(info.participant, info.source)].append(time.monotonic())

        return sink

    async def _read(self, mid: str, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, av.VideoFrame | av.AudioFrame)  # aiortc decodes
                info = self.tracks.get(mid)
                if info is not None:
                    self.decoded[(info.participant, info.source)].append(frame)
                    self.arrivals[(info.participant, info.source)].append(time.monotonic())

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


@contextlib.asynccontextmanager
async def meeting(engine: SfuEngine, room: str) -> AsyncIterator[Callable[..., Awaitable[Peer]]]:
    """`join(name, tap=...)` for peers of one room; peers and the engine close at the end."""
    peers: list[Peer] = []

    async def join(
        name: str, *, tap: bool = True, configuration: RTCConfiguration | None = None
    ) -> Peer:
        peer = await Peer(engine, room, name, tap=tap, configuration=configuration).join()
        peers.append(peer)
        return peer

    try:
        yield join
    finally:
        for peer in peers:
            await peer.close()
        await engine.close()
