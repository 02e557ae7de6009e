"""Connections' outgoing WebSocket frames: batched into few socket writes, and bounded.

A room encodes a broadcast once and hands every member the same bytes. Writing each frame on
its own costs a system call per recipient per message, which is what limited a big meeting's
chat, so a connection's frames wait in a list and one `Flusher` writes every waiting connection
together, at most once per FLUSH_SECONDS (after a quiet spell, at the next turn of the loop).
The socket's buffer is the queue: when more than LIMIT_BYTES wait in it, the reader is too slow
and `on_overflow` is called, once; it is dropped alone while the others carry on.

Server frames are unmasked and never compressed (the socket refuses permessage-deflate), so a
frame is a header and the payload, written to the same transport as aiohttp's own control frames;
each write is whole frames, so the two never interleave inside a frame.
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Callable

FLUSH_SECONDS = 0.05
LIMIT_BYTES = 2 * 1024 * 1024

_FIN_TEXT = 0x81


def text_frame_header(length: int) -> bytes:
    """RFC 6455 header of a final, unmasked text frame with a payload of `length` bytes."""
    if length < 126:
        return bytes((_FIN_TEXT, length))
    if length < 65536:
        return struct.pack("!BBH", _FIN_TEXT, 126, length)
    return struct.pack("!BBQ", _FIN_TEXT, 127, length)


class Flusher:
    """Writes the frames of every connection that has some, all at once, at a bounded rate."""

    def __init__(self, interval: float = FLUSH_SECONDS):
        self._interval = interval
        self._waiting: dict[OutgoingFrames, None] = {}  # an ordered set
        self._handle: asyncio.Handle | None = None
        self._last = -math.inf

    def want(self, frames: OutgoingFrames) -> None:
        self._waiting[frames] = None
        if self._handle is None:
            loop = asyncio.get_running_loop()
            due = self._last + self._interval
            if loop.time() >= due:
                self._handle = loop.call_soon(self._flush_all)
            else:
                self._handle = loop.call_at(due, self._flush_all)

    def _flush_all(self) -> None:
        self._handle = None
        self._last = asyncio.get_running_loop().time()
        waiting, self._waiting = self._waiting, {}
        for frames in waiting:
            frames.flush()


class OutgoingFrames:
    """One connection's frames on their way out, in the order they were put."""

    def __init__(
        self,
        transport: asyncio.WriteTransport,
        flusher: Flusher,
        socket_closed: Callable[[], bool],
        on_overflow: Callable[[], None],
    ):
        self._transport = transport
        self._flusher = flusher
        self._socket_closed = socket_closed
        self._on_overflow = on_overflow
        self._pending: list[bytes] = []
        self._open = True

    def put(self, payload: bytes) -> None:
        """Queue one text message (UTF-8 JSON); it leaves within FLUSH_SECONDS."""
        if self._open:
            if not self._pending:
                self._flusher.want(self)
            self._pending.append(payload)

    def flush(self) -> None:
        """Write what is queued now."""
        if not self._pending:
            return
        data = b"".join([part for p in self._pending for part in (text_frame_header(len(p)), p)])
        self._pending.clear()
        # Nothing may follow a close frame, which aiohttp may have sent (the peer closed first).
        if self._transport.is_closing() or self._socket_closed():
            return
        self._transport.write(data)
        if self._open and self._transport.get_write_buffer_size() > LIMIT_BYTES:
            self._open = False
            self._on_overflow()

    def close(self) -> None:
        """Write what is queued and take nothing more."""
        self.flush()
        self._open = False
