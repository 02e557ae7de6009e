"""Where a viewer's RTP goes: straight to the nominated ICE pair's socket, or through aiortc.

A pair whose local candidate is a host one sends from its own UDP socket, an asyncio datagram
transport: writing SRTP to it at once skips the four coroutine layers aiortc puts around each
packet. Any other pair (a relayed one, through aioice's TURN client) has no such socket, so it
takes aiortc's own way out, RTCDtlsTransport._send_rtp, fed in order from a queue by one task:
slower, but it works on every pair aiortc can use. A `Route` is also the seam where tests put a
send path that fails.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from aioice.ice import CandidatePair
from aiortc import RTCDtlsTransport


class RouteError(RuntimeError):
    """A route can no longer send; the cause is chained."""


class Route(Protocol):
    """One viewer connection's way out for plain RTP packets (protected on the way)."""

    def usable(self) -> bool:
        """Still this connection's way out."""
        ...

    def backlog(self) -> int:
        """Bytes handed over that are not on the wire yet."""
        ...

    def send(self, packets: Sequence[bytes]) -> None:
        """Protect and send these packets in order; raises when the route is broken."""
        ...

    def close(self) -> None:
        """The sender stops using this route."""
        ...


RouteFinder = Callable[[RTCDtlsTransport], "Route | None"]


class DatagramSocket(Protocol):
    """What a host pair's socket (an asyncio selector datagram transport) offers."""

    def is_closing(self) -> bool: ...

    def get_write_buffer_size(self) -> int: ...

    def sendto(self, data: bytes, addr: Any = None) -> None: ...


def find_route(dtls: RTCDtlsTransport) -> Route | None:
    """The route of a connected DTLS transport, or None while it is not connected."""
    if dtls.state != "connected":
        return None
    pair = dtls.transport._connection._nominated.get(1)
    if pair is None:
        return None
    socket = direct_socket(pair)
    if socket is None:
        return AiortcRoute(dtls)
    return SocketRoute(dtls._tx_srtp.protect, socket, pair.remote_addr)


def direct_socket(pair: CandidatePair) -> DatagramSocket | None:
    """The pair's own UDP socket when its local candidate is a host one, else None."""
    transport = getattr(pair.protocol, "transport", None)
    # asyncio's UDP transport is a Transport subclass (not a DatagramTransport) on some
    # Pythons; TURN's stand-in for one (aioice's TurnTransport) is neither.
    if pair.local_candidate.type != "host" or not isinstance(
        transport, asyncio.DatagramTransport | asyncio.Transport
    ):
        return None
    return cast(DatagramSocket, transport)


class SocketRoute:
    """SRTP straight to a host pair's socket, from the caller's stack."""

    def __init__(
        self,
        protect: Callable[[bytes], bytes],
        socket: DatagramSocket,
        address: Any,
    ):
        self._protect = protect
        self._socket = socket
        self._address = address

    def usable(self) -> bool:
        return not self._socket.is_closing()

    def backlog(self) -> int:
        return self._socket.get_write_buffer_size()

    def send(self, packets: Sequence[bytes]) -> None:
        sendto, protect, address = self._socket.sendto, self._protect, self._address
        for packet in packets:
            sendto(protect(packet), address)

    def close(self) -> None:
        """The socket belongs to aioice: nothing to release."""


class AiortcRoute:
    """aiortc's own send path (SRTP, ICE, TURN), fed in order from a queue by one task."""

    def __init__(self, dtls: RTCDtlsTransport):
        self._dtls = dtls
        self._queue: deque[bytes] = deque()
        self._queued = 0
        self._task: asyncio.Task[None] | None = None
        self._error: Exception | None = None

    def usable(self) -> bool:
        return self._dtls.state == "connected"

    def backlog(self) -> int:
        return self._queued

    def send(self, packets: Sequence[bytes]) -> None:
        if self._error is not None:
            raise RouteError("aiortc could not send to this viewer") from self._error
        self._queue.extend(packets)
        self._queued += sum(map(len, packets))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._queue.clear()
        self._queued = 0

    async def _drain(self) -> None:
        try:
            while self._queue:
                packet = self._queue.popleft()
                self._queued -= len(packet)
                await self._dtls._send_rtp(packet)
        except ConnectionError:
            self._queue.clear()  # the connection is going away; nothing to send to
            self._queued = 0
        except Exception as exc:  # kept for the next send, which the sender's guard sees
            self._error = exc
        finally:
            self._task = None
