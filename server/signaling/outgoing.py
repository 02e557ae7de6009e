"""One connection's outgoing WebSocket frames: batched into few socket writes, and bounded.

A room encodes a broadcast once and hands every member the same bytes; framing them here costs a
two-byte header per recipient. Writing each frame on its own costs a system call per recipient
per message, which is what limited a big meeting's chat, so the frames a connection gets within
FLUSH_SECONDS go out in one write. A quiet connection's first frame leaves at the next turn of the
loop. The socket's buffer is the queue: when more than LIMIT_BYTES wait in it, the reader is too
slow and `on_overflow` is called, once; it is dropped alone while the others carry on.

Server frames are unmasked and never compressed (the socket refuses permessage-deflate), so a
frame is a header and the payload, written to the same transport as aiohttp's own control frames;
each write is whole frames, so the two never interleave inside a frame.
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Callable

FLUSH_SECONDS = 0.01
LIMIT_BYTES = 2 * 1024 * 1024

_FIN_TEXT = 0x81


def text_frame_header(length: int) -> bytes:
    """RFC 6455 header of a final, unmasked text frame with a payload of `length` bytes."""
    if length < 126:
        return bytes((_FIN_TEXT, length))
    if length < 65536:
        return struct.pack("!BBH", _FIN_TEXT, 126, length)
    return struct.pack("!BBQ", _FIN_TEXT, 127, length)


class OutgoingFrames:
    def __init__(
        self,
        transport: asyncio.WriteTransport,
        socket_closed: Callable[[], bool],
        on_overflow: Callable[[], None],
    ):
        self._transport = transport
        self._socket_closed = socket_closed
        self._on_overflow = on_overflow
        self._loop = asyncio.get_running_loop()
        self._pending: list[bytes] = []
        self._flush: asyncio.Handle | None = None
        self._last_flush = -math.inf
        self._open = True

    def put(self, payload: bytes) -> None:
        """Queue one text message (UTF-8 JSON); it leaves within FLUSH_SECONDS."""
        if not self._open:
            return
        self._pending.append(text_frame_header(len(payload)))
        self._pending.append(payload)
        if self._flush is None:
            due = self._last_flush + FLUSH_SECONDS
            if self._loop.time() >= due:
                self._flush = self._loop.call_soon(self.flush)
            else:
                self._flush = self._loop.call_at(due, self.flush)

    def flush(self) -> None:
        """Write what is queued now."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._last_flush = self._loop.time()
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

    def waiting_bytes(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(p) for p in self._pending)
