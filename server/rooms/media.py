"""The seam between rooms and media: what a room asks of a media engine, and tells it back."""

from __future__ import annotations

from typing import Protocol

from protocol.meeting_types import Source, TrackInfo


class MediaEvents(Protocol):
    """What a media engine tells the room about one participant."""

    async def downstream_offer(self, sdp: str, tracks: list[TrackInfo]) -> None: ...

    def speaking(self, level: float) -> None: ...


class MediaEngine(Protocol):
    """Forwards media between the participants of rooms; the room never touches media itself."""

    async def join(self, room: str, participant: str, events: MediaEvents) -> None: ...

    async def leave(self, room: str, participant: str) -> None: ...

    async def publish(
        self, room: str, participant: str, offer_sdp: str, sources: dict[str, Source]
    ) -> str: ...

    async def answer_downstream(self, room: str, participant: str, answer_sdp: str) -> None: ...

    def set_forwarding(
        self, room: str, participant: str, source: Source, enabled: bool
    ) -> None: ...

    async def close(self) -> None: ...
