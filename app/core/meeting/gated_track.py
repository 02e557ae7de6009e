"""A local track that can be paused: while closed no frames are sent, so nothing is forwarded."""

from __future__ import annotations

import asyncio
from typing import Any

from aiortc import MediaStreamTrack
from av.frame import Frame
from av.packet import Packet


class GatedTrack(MediaStreamTrack):
    """Wraps a source track; `open` and `close` start and stop what leaves this machine."""

    def __init__(self, source: MediaStreamTrack, open_now: bool = True):
        super().__init__()
        self.kind = source.kind
        self._source = source
        self._open = asyncio.Event()
        if open_now:
            self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def open(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._open.clear()

    def replace_source(self, source: MediaStreamTrack) -> None:
        """Switch device (another camera, a region of the screen) without renegotiating."""
        old, self._source = self._source, source
        if old is not source:
            old.stop()

    async def recv(self) -> Frame | Packet[Any]:
        await self._open.wait()
        return await self._source.recv()

    def stop(self) -> None:
        self._source.stop()
        super().stop()
