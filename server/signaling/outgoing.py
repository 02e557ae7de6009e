"""Connections' outgoing WebSocket frames: batched into few socket writes, and bounded.

A room encodes a broadcast once and hands every member the same bytes. Writing each frame on
its own costs a system call per recipient per message, which is what limited a big meeting's
chat, so a connection's frames wait in a list and one `Flusher` writes every waiting connection
together. It pauses after each round of writes for BUSY_FACTOR times as long as the round took
(at most MAX_DELAY): a quiet server writes at the next turn of the loop, a busy one spends at
most a tenth of its time writing and puts many frames in each write.
The socket's buffer is the queue. A reader is too slow when more than LIMIT_BYTES have waited in
it for SLOW_SECONDS (a big `joined` reply may take a slow link a few seconds), or when more than
HARD_LIMIT_BYTES wait at all; then `on_overflow` is called, once, and it is dropped alone while
the others carry on.

Server frames are unmasked and never compressed (the socket refuses permessage-deflate), so a
frame is a header and the payload, written to the same transport as aiohttp's own control frames;
each write is whole frames, so the two never interleave inside a frame.
"""

from __future__ import annotations

import asyncio
import math
import struct
import time
from collections.abc import Callable

MAX_DELAY = 0.05
BUSY_FACTOR = 9.0
LIMIT_BYTES = 2 * 1024 * 1024
SLOW_SECONDS = 5.0
HARD_LIMIT_BYTES = 16 * 1024 * 1024  # twice the largest `joined` (500 chat messages of 16 KiB)

_FIN_TEXT = 0x81
_SHARED_MAX = 64 * 1024  # broadcasts are smaller (a chat message is at most 16 KiB of body)


def text_frame_header(length: int) -> bytes:
    """RFC 6455 header of a final, unmasked text frame with a payload of `length` bytes."""
    if length < 126:
        return bytes((_FIN_TEXT, length))
    if length < 65536:
        return struct.pack("!BBH", _FIN_TEXT, 126, length)
    return struct.pack("!BBQ", _FIN_TEXT, 127, length)


class Flusher:
    """Writes the frames of every connection that has some, all at once, at a bounded rate."""

    def __init__(self) -> None:
        self._waiting: dict[OutgoingFrames, None] = {}  # an ordered set
        self._handle: asyncio.Handle | None = None
        self._next = -math.inf  # loop time before which no round starts

    def want(self, frames: OutgoingFrames) -> None:
        self._waiting[frames] = None
        if self._handle is None:
            loop = asyncio.get_running_loop()
            if loop.time() >= self._next:
                self._handle = loop.call_soon(self._flush_all)
            else:
                self._handle = loop.call_at(self._next, self._flush_all)

    def _flush_all(self) -> None:
        self._handle = None
        started = time.perf_counter()
        waiting, self._waiting = self._waiting, {}
        framed: dict[bytes, bytes] = {}  # a broadcast's bytes are framed once for all
        for frames in waiting:
            frames.flush(framed)
        took = time.perf_counter() - started
        self._next = asyncio.get_running_loop().time() + min(MAX_DELAY, took * BUSY_FACTOR)


class OutgoingFrames:
    """One connection's frames on their way out, in the order they were put."""

    def __init__(
        self,
        transport: asyncio.WriteTransport,
        flusher: Flusher,
        socket_closed: Callable[[], bool],
        on_overflow: Callable[[], None],
        clock: Callable[[], float],
    ):
        self._transport = transport
        self._flusher = flusher
        self._socket_closed = socket_closed
        self._on_overflow = on_overflow
        self._clock = clock
        self._pending: list[bytes] = []
        self._open = True
        self._behind_since: float | None = None  # when the backlog last went over LIMIT_BYTES

    def put(self, payload: bytes) -> None:
        """Queue one text message (UTF-8 JSON); it leaves within MAX_DELAY of a round's end."""
        if self._open:
            if not self._pending:
                self._flusher.want(self)
            self._pending.append(payload)

    def flush(self, framed: dict[bytes, bytes] | None = None) -> None:
        """Write what is queued now; `framed` holds frames already made of the same payloads."""
        if not self._pending:
            return
        if framed is None:
            framed = {}
        parts: list[bytes] = []
        for payload in self._pending:
            if len(payload) > _SHARED_MAX:  # a reply of its own: not worth hashing
                parts += (text_frame_header(len(payload)), payload)
                continue
            frame = framed.get(payload)
            if frame is None:
                frame = framed[payload] = text_frame_header(len(payload)) + payload
            parts.append(frame)
        self._pending.clear()
        data = b"".join(parts)
        # Nothing may follow a close frame, which aiohttp may have sent (the peer closed first).
        if self._transport.is_closing() or self._socket_closed():
            return
        self._transport.write(data)
        backlog = self._transport.get_write_buffer_size()
        if backlog <= LIMIT_BYTES:
            self._behind_since = None
            return
        now = self._clock()
        if self._behind_since is None:
            self._behind_since = now
        if self._open and (backlog > HARD_LIMIT_BYTES or now - self._behind_since >= SLOW_SECONDS):
            self._open = False
            self._on_overflow()

    def close(self) -> None:
        """Write what is queued and take nothing more."""
        self.flush()
        self._open = False
