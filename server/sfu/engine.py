"""MediaEngine: the only way room code reaches media, so another engine (LiveKit) can take over.

The room side calls the engine; the engine answers through one `MediaEvents` object per
participant, which the room side implements. Identifiers are the room's own strings.

Wiring, per participant:

1. `join(room, participant, events)` when the participant enters the room. Nothing is sent yet.
2. `publish(room, participant, offer_sdp, sources)` with the participant's upstream offer (it
   sends, the server only receives); `sources` maps each sending transceiver's mid to "camera",
   "microphone" or "screen". Returns the answer SDP to send back. Call it again with a new offer
   to add or drop tracks; a mid left out of `sources` is no longer forwarded.
3. Whenever there is something new to forward to this participant (or something went away) the
   engine calls `events.downstream_offer(sdp, tracks)`: send it to the client, whose answer goes
   to `answer_downstream(room, participant, answer_sdp)`. `tracks` says which participant and
   source each downstream mid carries; a renegotiation may give a mid to another track, so clients
   look it up again on every offer. At most one offer is in flight per participant: changes made
   meanwhile are folded into the next offer, sent once the answer is in.
4. `events.speaking(level)` is called on the participant who has just become the room's dominant
   speaker (level 0.0-1.0, linear amplitude from the RFC 6464 audio-level the sender stamps);
   it is called on changes only, never per packet.
5. `set_forwarding(room, participant, source, enabled)`: the host stops (or the participant
   resumes) one source of one participant for everybody; the track stays negotiated.
6. `leave(room, participant)` when the participant goes; their tracks leave everyone's downstream.
7. `close()` on server shutdown.

Bad input (unknown participant, malformed SDP, a source that does not match its transceiver,
an unsupported codec) raises `MediaError` with a message safe to show to the client.

Clients offer VP8 and Opus and should keep every m-line on one bundled transport (in aiortc,
`RTCConfiguration(bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)`): with aiortc's default "balanced"
policy, an upstream offer of audio first and then two video tracks leaves the second video
track on a transport BUNDLE discards, so it never sends. Downstream, the engine offers new
m-lines so that even "balanced" answerers keep them all (see downstream.py).
"""

from __future__ import annotations

from typing import Protocol

from protocol.meeting_types import Source, TrackInfo

__all__ = ["MediaEngine", "MediaError", "MediaEvents", "Source", "TrackInfo"]


class MediaError(ValueError):
    """A request the engine refuses; the message is safe to send to the client."""


class MediaEvents(Protocol):
    """What the engine tells the room about one participant (implemented by the room side)."""

    async def downstream_offer(self, sdp: str, tracks: list[TrackInfo]) -> None:
        """Deliver this (re)offer of the participant's downstream connection to its client."""
        ...

    def speaking(self, level: float) -> None:
        """This participant has just become the room's dominant speaker."""
        ...


class MediaEngine(Protocol):
    """Forwards media between the participants of rooms; the room never touches media itself."""

    async def join(self, room: str, participant: str, events: MediaEvents) -> None:
        """Admit a participant; it is offered everyone else's tracks as they come."""
        ...

    async def leave(self, room: str, participant: str) -> None:
        """Close the participant's connections and withdraw its tracks from everyone."""
        ...

    async def publish(
        self, room: str, participant: str, offer_sdp: str, sources: dict[str, Source]
    ) -> str:
        """Apply the participant's upstream offer (mid -> source); return the answer SDP."""
        ...

    async def answer_downstream(self, room: str, participant: str, answer_sdp: str) -> None:
        """Apply the participant's answer to its latest downstream offer."""
        ...

    def set_forwarding(self, room: str, participant: str, source: Source, enabled: bool) -> None:
        """Stop or resume forwarding one source of a participant to everybody."""
        ...

    async def close(self) -> None:
        """End every room's media; the engine is not used afterwards."""
        ...
