"""A participant's downstream connection: the server offers everyone else's tracks.

Each forwarded publication occupies a slot: a sendonly transceiver driven by a ForwardSender.
aiortc cannot remove an m-line, so a slot whose publication goes away turns inactive and is given
to the next publication of the same kind; the number of m-lines stays at the most ever needed at
once. Renegotiation is serialized: one offer in flight at a time, and changes that arrive while
it is out only mark the connection dirty, so they go out together in the next offer once the
answer is in. A slot starts taking frames (and asks its publisher for a key frame) only when an
answer has agreed to what the slot carries now, so no frame is sent under the wrong TrackInfo.

An aiortc answerer with the default "balanced" bundle policy (the desktop client, today)
strands every m-line of a kind after the first one when the kind first appears in an offer: they
stay on a transport BUNDLE discards, and their packets end up in the first receiver. So while a
kind has no negotiated transceiver yet, only one new m-line of that kind is offered; the others
wait for the answer and follow in the next offer, one round trip later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiortc import RTCPeerConnection, RTCRtpTransceiver, RTCSessionDescription

from protocol.meeting_types import TrackInfo
from server.sfu.engine import MediaError, MediaEvents
from server.sfu.network import MediaNetwork
from server.sfu.outbound import ForwardSender
from server.sfu.publication import Publication
from server.sfu.routes import RouteFinder, find_route
from server.sfu.upstream import peer_connection, preferred_codecs

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Slot:
    transceiver: RTCRtpTransceiver
    out: ForwardSender
    publication: Publication | None = None
    offered: Publication | None = None  # what the latest offer said this mid carries


class Downstream:
    """Forwards other participants' publications to one participant, renegotiating as needed."""

    def __init__(
        self,
        events: MediaEvents,
        queue_frames: dict[str, int],
        routes: RouteFinder = find_route,
        network: MediaNetwork | None = None,
    ):
        self._events = events
        self._queue_frames = queue_frames
        self._routes = routes
        self._pc = peer_connection(network)
        self._slots: list[Slot] = []
        self._by_publication: dict[Publication, Slot] = {}
        self._deferred: list[Publication] = []
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self._awaiting_answer = False
        self._answered = asyncio.Event()
        self._closed = False
        self.offers = 0

    @property
    def connection(self) -> RTCPeerConnection:
        return self._pc

    def tracks(self) -> list[TrackInfo]:
        """What each bound mid carries, as the next offer will say."""
        return [
            TrackInfo(
                mid=str(slot.transceiver.mid),
                participant=slot.publication.participant,
                source=slot.publication.source,
            )
            for slot in self._slots
            if slot.publication is not None and slot.transceiver.mid is not None
        ]

    def senders(self) -> list[ForwardSender]:
        """Every slot's sender (for diagnostics and tests)."""
        return [slot.out for slot in self._slots]

    def subscribe(self, publication: Publication) -> None:
        if self._closed or self._pc.signalingState == "closed":
            return  # left, or the client went away and aiortc closed the connection
        if publication in self._by_publication or publication in self._deferred:
            return
        kind = publication.kind
        free = (s for s in self._slots if s.publication is None and s.out.kind == kind)
        slot = next(free, None)
        if slot is None:
            same_kind = [s for s in self._slots if s.out.kind == kind]
            if same_kind and all(s.transceiver.currentDirection is None for s in same_kind):
                self._deferred.append(publication)  # see the module docstring
                return
            transceiver = self._pc.addTransceiver(kind, direction="sendonly")
            transceiver.setCodecPreferences(preferred_codecs(kind))
            out = ForwardSender(transceiver.sender, kind, self._queue_frames[kind], self._routes)
            slot = Slot(transceiver, out)
            self._slots.append(slot)
        slot.publication = publication
        slot.out.bind(publication.request_keyframe)
        slot.transceiver.direction = "sendonly"
        publication.add(slot.out)
        self._by_publication[publication] = slot
        self._changed()

    def unsubscribe(self, publication: Publication) -> None:
        if publication in self._deferred:
            self._deferred.remove(publication)
        slot = self._by_publication.pop(publication, None)
        if slot is None:
            return
        publication.discard(slot.out)
        slot.publication = None
        slot.out.bind(None)
        slot.transceiver.direction = "inactive"
        self._changed()

    async def apply_answer(self, answer_sdp: str) -> None:
        if not self._awaiting_answer:
            raise MediaError("no downstream offer is waiting for an answer")
        self._awaiting_answer = False
        try:
            await self._pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
        except Exception as exc:
            self._awaiting_answer = not self._closed
            raise MediaError(f"the downstream answer was not accepted: {exc}") from exc
        for slot in self._slots:
            if (
                slot.publication is not None
                and slot.publication is slot.offered
                and slot.transceiver.currentDirection == "sendonly"
            ):
                slot.out.activate()
        deferred, self._deferred = self._deferred, []
        for publication in deferred:
            self.subscribe(publication)
        self._answered.set()

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for publication, slot in self._by_publication.items():
            publication.discard(slot.out)
        self._by_publication.clear()
        self._deferred.clear()
        await self._pc.close()

    def _changed(self) -> None:
        self._dirty = True
        if self._task is None and not self._closed:
            self._task = asyncio.get_running_loop().create_task(self._negotiate())

    async def _negotiate(self) -> None:
        # aiortc closes a connection by itself once the client's DTLS has gone: nothing is
        # offered then, until the room makes the participant leave (and maybe join again).
        try:
            while self._dirty and not self._closed:
                if self._pc.signalingState == "closed":
                    break
                self._dirty = False
                await self._pc.setLocalDescription(await self._pc.createOffer())
                for slot in self._slots:
                    slot.offered = slot.publication
                self._answered.clear()
                self._awaiting_answer = True
                self.offers += 1
                await self._events.downstream_offer(self._pc.localDescription.sdp, self.tracks())
                await self._answered.wait()
        except Exception:
            if self._pc.signalingState != "closed":
                log.exception("downstream renegotiation failed")
        finally:
            self._task = None
