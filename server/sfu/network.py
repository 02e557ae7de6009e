"""Where the SFU's ICE sockets live: bound within `[media] udp_ports`, announcing `public_ip`.

aioice binds each host candidate's UDP socket to port 0 inside `Connection.gather_candidates`
(through `get_component_candidates`), which a firewall cannot be opened for. So a peer
connection built with a `MediaNetwork` reserves its sockets when it is made, within the range
(a full range is a `MediaError` from join or publish, not a failure deep in a renegotiation),
and its ICE connection's `get_component_candidates` is shadowed per instance, before the
first gathering, by one that hands those sockets to aioice as host candidates.

With `public_ip` (a server behind 1:1 NAT), each host candidate of that address family names
the public address instead of the interface's own. aioice uses a local candidate's address only
to pair it (by address family), to group checks (the foundation) and in logs; it always sends
from the candidate's own socket, so checks and media leave from the private address, which the
NAT maps to the public one, and the pairs stay host pairs that routes.py writes to directly.

The server contacts no STUN or TURN server: it has host candidates only. The private aioice and
aiortc names used here are in internals.py.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

from aioice.candidate import Candidate, candidate_foundation, candidate_priority
from aioice.ice import Connection, StunProtocol, get_host_addresses
from aioice.turn import UDP_SOCKET_BUFFER_SIZE
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from server.sfu.engine import MediaError

log = logging.getLogger(__name__)

GATHER = "get_component_candidates"  # the Connection method shadowed per instance


class PortsExhausted(MediaError):
    """Every port of the media range is taken on some host address."""


@dataclass(eq=False)
class MediaNetwork:
    """The SFU's network settings and its cursor through the port range (one per engine)."""

    public_ip: str | None = None
    udp_ports: tuple[int, int] | None = None
    _cursor: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.public_ip is not None:
            ipaddress.ip_address(self.public_ip)  # a ValueError for anything else
        if self.udp_ports is not None:
            low, high = self.udp_ports
            if not 1 <= low <= high <= 65535:
                raise ValueError(f"not a UDP port range: {low}-{high}")

    @property
    def default(self) -> bool:
        """Nothing to change: aioice's own gathering (any port, interface addresses) is right."""
        return self.public_ip is None and self.udp_ports is None

    def reserve(self) -> list[socket.socket]:
        """One bound UDP socket per host address; PortsExhausted when the range is full."""
        sockets: list[socket.socket] = []
        try:
            for address in get_host_addresses(use_ipv4=True, use_ipv6=True):
                bound = self._bind(address)
                if bound is not None:
                    sockets.append(bound)
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        return sockets

    def announced(self, host: str) -> str:
        """The address a host candidate on `host` names: the public one for its family."""
        public = self.public_ip
        if public is not None and ipaddress.ip_address(host).version == _version(public):
            return public
        return host

    def _ports(self) -> Iterator[int]:
        """The ports to try, in order: the range from the cursor round, or any (0)."""
        if self.udp_ports is None:
            yield 0
            return
        low, high = self.udp_ports
        count = high - low + 1
        for step in range(count):
            yield low + (self._cursor + step) % count

    def _bind(self, address: str) -> socket.socket | None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        for port in self._ports():
            sock = socket.socket(family, socket.SOCK_DGRAM)
            try:
                sock.bind((address, port))
            except OSError as exc:
                sock.close()
                if exc.errno == errno.EADDRINUSE:
                    continue
                log.info("could not bind a media socket to %s: %s", address, exc)
                return None  # as aioice does: that address gets no candidate
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UDP_SOCKET_BUFFER_SIZE)
            if self.udp_ports is not None:  # the next socket looks after this one first
                self._cursor = port - self.udp_ports[0] + 1
            return sock
        assert self.udp_ports is not None  # port 0 never runs out
        low, high = self.udp_ports
        raise PortsExhausted(
            f"no free UDP port for media on {address}: all of {low}-{high} are in use"
        )


class SfuPeerConnection(RTCPeerConnection):
    """A peer connection whose ICE sockets come from its MediaNetwork (see the module doc)."""

    def __init__(
        self, network: MediaNetwork, configuration: RTCConfiguration | None = None
    ) -> None:
        super().__init__(configuration)
        self._network = network
        self._reserved = network.reserve()

    async def setLocalDescription(
        self, sessionDescription: RTCSessionDescription | None = None
    ) -> None:
        # Gathering happens inside, once per ICE transport; every transport exists by now.
        for transceiver in self.getTransceivers():
            connection = transceiver.receiver.transport.transport.iceGatherer._connection
            if GATHER not in vars(connection):
                setattr(connection, GATHER, _Gatherer(self, connection))
        await super().setLocalDescription(sessionDescription)

    @property
    def network(self) -> MediaNetwork:
        return self._network

    async def close(self) -> None:
        self._release()
        await super().close()

    def take_sockets(self) -> list[socket.socket]:
        """The reserved sockets (once), or newly reserved ones for a further ICE transport."""
        sockets, self._reserved = self._reserved, []
        return sockets or self._network.reserve()

    def _release(self) -> None:
        for sock in self._reserved:
            sock.close()
        self._reserved = []


class _Gatherer:
    """Stands in for `Connection.get_component_candidates`: host candidates on our sockets."""

    def __init__(self, pc: SfuPeerConnection, connection: Connection):
        self._pc = pc
        self._connection = connection

    async def __call__(
        self,
        component: int,
        addresses: list[str],
        timeout: int = 5,  # noqa: ASYNC109 (aioice's signature; no server is queried here)
    ) -> list[Candidate]:
        # `addresses` is aioice's list of interface addresses; the reserved sockets were bound
        # to the same list when the peer connection was made.
        loop = asyncio.get_running_loop()
        connection = self._connection
        candidates = []
        sockets = self._pc.take_sockets()
        for index, sock in enumerate(sockets):
            try:
                _, protocol = await loop.create_datagram_endpoint(
                    lambda: StunProtocol(connection), sock=sock
                )
            except BaseException:
                for unused in sockets[index:]:  # the ones before belong to aioice by now
                    unused.close()
                raise
            host, port = sock.getsockname()[:2]
            announced = self._pc.network.announced(host)
            protocol.local_candidate = Candidate(
                foundation=candidate_foundation("host", "udp", announced),
                component=component,
                transport="udp",
                priority=candidate_priority(component, "host"),
                host=announced,
                port=port,
                type="host",
            )
            connection._protocols.append(protocol)
            candidates.append(protocol.local_candidate)
        return candidates


def _version(address: str) -> int:
    return ipaddress.ip_address(address).version
