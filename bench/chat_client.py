"""A lean signaling client for the chat benchmark: WebSocket on a bare asyncio Protocol.

A thousand clients on the same two cores as the server must cost far less than the server they
measure: aiohttp's client spends about 7 us per received frame (with json.loads), this one under
3 us, since it only looks for the chat frames' send times and the replies it waits for. It
speaks just what the benchmark needs: the upgrade, masked text frames out, unfragmented text
frames in, ping/pong and close (RFC 6455).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import time
from collections import Counter
from typing import Any

# A chat event's body is "sender:seq:sent_at:padding"; this finds the send times in all the
# complete frames that arrived together, in one pass of the regex engine.
_SENT_AT = re.compile(rb'\{"type":"chat".*?"body":"\d+:\d+:([0-9.]+):')


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame: FIN, `opcode`, a random mask (clients must mask, RFC 6455 5.3)."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    repeated = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
    return header + mask + masked


class ChatClient(asyncio.Protocol):
    """One participant: says hello, joins, then times every chat message that arrives."""

    def __init__(
        self, index: int, host: str, token: str, code: str, expected: int, histogram: Counter[int]
    ):
        self.index = index
        self.expected = expected
        self.received = 0
        self.done = asyncio.get_running_loop().create_future()  # all expected, or closed
        self.close_code: int | None = None
        self.closed = asyncio.get_running_loop().create_future()
        self.joined = asyncio.get_running_loop().create_future()
        self._host = host
        self._token = token
        self._code = code
        self._histogram = histogram
        self._buffer = bytearray()
        self._upgraded = False
        self._transport: asyncio.Transport | None = None

    # Sending

    def send_json(self, message: dict[str, Any]) -> bool:
        if self._transport is None or self._transport.is_closing():
            return False
        self._transport.write(masked_frame(0x1, json.dumps(message).encode()))
        return True

    def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(masked_frame(0x8, (1000).to_bytes(2, "big")))
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET /api/v1/ws HTTP/1.1\r\nHost: {self._host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.joined.done():
            self.joined.set_exception(ConnectionError("closed before joining"))
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.done.done():
            self.done.set_result(None)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                raise ConnectionError(bytes(buffer[:end]).decode(errors="replace"))
            del buffer[: end + 4]
            self._upgraded = True
            self.send_json({"type": "hello", "id": "h", "version": 1, "token": self._token})
        pos, size, joined = 0, len(buffer), self.joined.done()
        while size - pos >= 2:
            length, header = buffer[pos + 1] & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, header = int.from_bytes(buffer[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, header = int.from_bytes(buffer[pos + 2 : pos + 10], "big"), 10
            end = pos + header + length
            if end > size:
                break
            opcode = buffer[pos] & 0x0F
            if opcode != 0x1 or not joined:
                self._frame(opcode, buffer, pos + header, end)
            pos = end
        if pos:
            sent = _SENT_AT.findall(buffer, 0, pos)
            if sent:
                now = time.time()
                self._histogram.update([int((now - float(t)) * 1000) for t in sent])
                self.received += len(sent)
                if self.received >= self.expected and not self.done.done():
                    self.done.set_result(None)
            del buffer[:pos]

    def _frame(self, opcode: int, buffer: bytearray, start: int, end: int) -> None:
        if opcode == 0x1 and not self.joined.done():
            reply = json.loads(buffer[start:end])
            if reply.get("type") == "error":
                self.joined.set_exception(ConnectionError(f"refused: {reply}"))
            elif reply.get("id") == "h":
                self.send_json({"type": "join", "id": "j", "join_code": self._code})
            elif reply.get("id") == "j":
                self.joined.set_result(None)
        elif opcode == 0x9 and self._transport is not None:
            self._transport.write(masked_frame(0xA, bytes(buffer[start:end])))
        elif opcode == 0x8:
            if end - start >= 2:
                self.close_code = int.from_bytes(buffer[start : start + 2], "big")
            if self._transport is not None:
                self._transport.close()
