"""SfuEngine: the in-process aiortc SFU behind MediaEngine (engine.py states the contract).

Media is forwarded as whole encoded frames, never decoded or re-encoded (no MediaRelay, no
transcoding). Upstream, each receiver's jitter buffer is replaced by a FrameAssembler (tap.py)
that releases a frame the moment its last packet arrives; a Publication (publication.py) hands
it to every viewer's ForwardSender (outbound.py), which packetizes it and sends it through the
viewer's SRTP session at once. aiortc keeps everything around the packets: ICE, DTLS, SDP,
receiver bookkeeping (NACKs, receiver reports, REMB), sender reports, and the RTCP viewers send.

Why frames rather than relaying the publisher's RTP packets with rewritten headers:
- Loss is repaired per hop: aiortc's receiver NACKs the publisher and a frame is complete before
  it goes on; viewers NACK the SFU, which answers from its own history. A frame that cannot be
  completed is not sent on, and viewers resume at the next key frame, so their decoders never
  see a broken chain. Relayed packets would carry one hop's loss into every viewer's stream.
- Each viewer's stream has its own continuous sequence numbers and timeline, also when its
  transceiver is handed from one publisher to another, with nothing to translate per packet.
- End-to-end encryption (SFrame, RFC 9605) encrypts whole frames before packetization, so a
  forwarder has to work with frames and only the few clear header bytes; this one reads the VP8
  key frame bit and start code, nothing else.
The cost is one re-packetization per frame (shared by all viewers; per viewer only the RTP
header and SRTP differ). Holding a frame until it is complete adds no delay beyond its own
transmission, because it is released on its marker bit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from protocol.meeting_types import SOURCES, Source
from server.sfu.downstream import Downstream
from server.sfu.engine import MediaError, MediaEvents
from server.sfu.network import MediaNetwork
from server.sfu.publication import Publication
from server.sfu.routes import RouteFinder, find_route
from server.sfu.speaker import DominantSpeaker
from server.sfu.upstream import Upstream

log = logging.getLogger(__name__)

# Frames a viewer's sender holds until its connection is up: one second's worth.
QUEUE_FRAMES = {"video": 30, "audio": 50}


@dataclass(eq=False)
class _Member:
    id: str
    events: MediaEvents
    downstream: Downstream
    upstream: Upstream | None = None
    publications: dict[str, Publication] = field(default_factory=dict)  # by upstream mid
    blocked: set[str] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(eq=False)
class _Room:
    id: str
    members: dict[str, _Member] = field(default_factory=dict)
    speaker: DominantSpeaker = field(init=False)


class SfuEngine:
    """A forwarding SFU on aiortc implementing MediaEngine.

    `clock` (monotonic seconds) times key frame requests and speaker decisions; `routes` finds
    each viewer connection's way out (routes.py); `network` says which UDP ports its ICE sockets
    use and which address they announce (network.py).
    """

    def __init__(
        self,
        *,
        keyframe_interval: float = 1.0,
        queue_frames: dict[str, int] | None = None,
        clock: Callable[[], float] = time.monotonic,
        routes: RouteFinder = find_route,
        network: MediaNetwork | None = None,
    ):
        self._network = network or MediaNetwork()
        self._keyframe_interval = keyframe_interval
        self._queue_frames = queue_frames or QUEUE_FRAMES
        self._clock = clock
        self._routes = routes
        self._rooms: dict[str, _Room] = {}
        self._closed = False

    async def join(self, room: str, participant: str, events: MediaEvents) -> None:
        if self._closed:
            raise MediaError("the media engine is shut down")
        the_room = self._rooms.get(room)
        if the_room is None:
            the_room = _Room(room)
            the_room.speaker = DominantSpeaker(partial(self._speaking, the_room), self._clock)
            self._rooms[room] = the_room
        if participant in the_room.members:
            raise MediaError("this participant has already joined the media")
        downstream = Downstream(events, self._queue_frames, self._routes, self._network)
        member = _Member(participant, events, downstream)
        the_room.members[participant] = member
        for other in the_room.members.values():
            if other is not member:
                for publication in other.publications.values():
                    member.downstream.subscribe(publication)

    async def leave(self, room: str, participant: str) -> None:
        the_room = self._rooms.get(room)
        member = the_room.members.pop(participant, None) if the_room else None
        if the_room is None or member is None:
            return
        async with member.lock:  # a publish under way finishes first, then is undone here
            for publication in member.publications.values():
                self._withdraw(the_room, publication)
            member.publications.clear()
            the_room.speaker.forget(participant)
            await member.downstream.close()
            if member.upstream is not None:
                await member.upstream.close()
        if not the_room.members and self._rooms.get(room) is the_room:
            del self._rooms[room]

    async def publish(
        self, room: str, participant: str, offer_sdp: str, sources: dict[str, Source]
    ) -> str:
        the_room, member = self._member(room, participant)
        async with member.lock:
            if member.upstream is None:
                member.upstream = Upstream(self._network)
            answer, incoming = await member.upstream.negotiate(offer_sdp, dict(sources))
            for mid, publication in list(member.publications.items()):
                if sources.get(mid) != publication.source:
                    self._withdraw(the_room, publication)
                    del member.publications[mid]
            for item in incoming:
                if item.mid in member.publications:
                    continue
                publication = Publication(
                    participant,
                    item.source,
                    item.kind,
                    item.assembler,
                    self._keyframe_interval,
                    the_room.speaker.observe if item.kind == "audio" else None,
                    self._clock,
                )
                publication.set_enabled(item.source not in member.blocked)
                member.publications[item.mid] = publication
                for other in the_room.members.values():
                    if other is not member:
                        other.downstream.subscribe(publication)
            return answer

    async def answer_downstream(self, room: str, participant: str, answer_sdp: str) -> None:
        _, member = self._member(room, participant)
        await member.downstream.apply_answer(answer_sdp)

    def set_forwarding(self, room: str, participant: str, source: Source, enabled: bool) -> None:
        if source not in SOURCES:
            raise MediaError(f"unknown source {source!r}")
        the_room = self._rooms.get(room)
        member = the_room.members.get(participant) if the_room else None
        if member is None:
            return  # gone already: nothing of theirs is forwarded
        if enabled:
            member.blocked.discard(source)
        else:
            member.blocked.add(source)
        for publication in member.publications.values():
            if publication.source == source:
                publication.set_enabled(enabled)

    async def close(self) -> None:
        self._closed = True
        # Together: closing a connection waits on its tasks, one by one would take seconds.
        await asyncio.gather(
            *(
                self.leave(room.id, participant)
                for room in list(self._rooms.values())
                for participant in list(room.members)
            ),
            return_exceptions=True,
        )

    def publications(self, room: str, participant: str) -> list[Publication]:
        """A participant's published tracks (for diagnostics and tests)."""
        _, member = self._member(room, participant)
        return list(member.publications.values())

    def downstream(self, room: str, participant: str) -> Downstream:
        """A participant's downstream connection (for diagnostics and tests)."""
        return self._member(room, participant)[1].downstream

    def _member(self, room: str, participant: str) -> tuple[_Room, _Member]:
        the_room = self._rooms.get(room)
        member = the_room.members.get(participant) if the_room else None
        if the_room is None or member is None:
            raise MediaError("this participant has not joined the media")
        return the_room, member

    def _withdraw(self, room: _Room, publication: Publication) -> None:
        for other in room.members.values():
            other.downstream.unsubscribe(publication)
        publication.close()

    def _speaking(self, room: _Room, participant: str, level: float) -> None:
        member = room.members.get(participant)
        if member is None:
            return
        try:
            member.events.speaking(level)
        except Exception:  # the room's trouble must not stop the media path
            log.exception("the room did not take the active speaker")
