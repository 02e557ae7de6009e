"""Who a request really came from, and how: forwarded headers, believed only from trusted proxies.

A request's peer is the client unless the peer is in `[http] trusted_proxies`. From such a proxy
the chain in `Forwarded` (RFC 7239 `for=`), or else in `X-Forwarded-For`, is walked from the
right: each hop that is itself a trusted proxy is skipped, and the first one that is not is the
client. The scheme and host come from the same `Forwarded` element, or else from the rightmost
`X-Forwarded-Proto` / `X-Forwarded-Host` value (what the nearest proxy wrote). Anything that does
not parse makes these answer as if there were no proxy header at all: they never raise.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import hdrs, web

from server.keys import SETTINGS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Networks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]

_SCHEMES = frozenset({"http", "https"})
# A host[:port] as a proxy may forward it; anything else (spaces, slashes, '@') is not believed.
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")
_MAX_HOST = 255


@dataclass(frozen=True)
class _Hop:
    """What the proxy nearest the client said about it: its address, scheme and host if given."""

    address: str
    proto: str | None = None
    host: str | None = None


def parse_address(text: str) -> IPAddress | None:
    """An address from a for= or X-Forwarded-For entry: bare, [v6], with a port, or None."""
    value = text.strip().strip('"')
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        value = value[1:end]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: Networks) -> bool:
    return any(address in network for network in networks)


def _peer(request: web.Request) -> IPAddress | None:
    return parse_address(request.remote) if request.remote else None


def _header_list(request: web.Request, name: str) -> list[str]:
    """All comma-separated values of a header, over every copy of it, left to right."""
    values: list[str] = []
    for header in request.headers.getall(name, ()):
        values.extend(part.strip() for part in header.split(","))
    return values


def _walk(addresses: Sequence[str], networks: Networks) -> int | None:
    """Index of the rightmost address that is not a trusted proxy; None if one does not parse."""
    for index in range(len(addresses) - 1, -1, -1):
        address = parse_address(addresses[index])
        if address is None:
            return None
        if not _trusted(address, networks):
            return index
    return 0 if addresses else None  # all trusted: the one furthest away is the client


def _believed(request: web.Request) -> _Hop | None:
    """The client as a trusted proxy describes it; None when the peer is not one or it fails."""
    networks = request.app[SETTINGS].trusted_proxies
    peer = _peer(request)
    if peer is None or not _trusted(peer, networks):
        return None
    try:
        elements = list(request.forwarded)
    except Exception:  # aiohttp's parser skips bad syntax; this is only a last guard
        elements = []
    if any("for" in element for element in elements):
        addresses = [element.get("for", "") for element in elements]
        index = _walk(addresses, networks)
        if index is None:
            return None
        element = elements[index]
        return _Hop(_normal(addresses[index]), element.get("proto"), element.get("host"))
    addresses = _header_list(request, hdrs.X_FORWARDED_FOR)
    address = str(peer)  # a proxy may say how the client came without saying who it is
    if addresses:
        index = _walk(addresses, networks)
        if index is None:
            return None
        address = _normal(addresses[index])
    last = elements[-1] if elements else {}
    protos = _header_list(request, hdrs.X_FORWARDED_PROTO)
    hosts = _header_list(request, hdrs.X_FORWARDED_HOST)
    return _Hop(
        address,
        last.get("proto") or (protos[-1] if protos else None),
        last.get("host") or (hosts[-1] if hosts else None),
    )


def _normal(text: str) -> str:
    address = parse_address(text)
    assert address is not None  # _walk only picks entries that parse
    return str(address)


def client_address(request: web.Request) -> str | None:
    """The client's address: the peer's, or the one a trusted proxy forwarded."""
    hop = _believed(request)
    if hop is not None:
        return hop.address
    peer = _peer(request)
    return str(peer) if peer is not None else request.remote


def request_scheme(request: web.Request) -> str:
    """'https' or 'http' as the client used it: a trusted proxy's word, else the connection's."""
    hop = _believed(request)
    proto = hop.proto if hop is not None else None
    if proto is not None and proto.lower() in _SCHEMES:
        return proto.lower()
    return request.scheme


def request_host(request: web.Request) -> str:
    """host[:port] the client asked for: a trusted proxy's word, else the Host header."""
    hop = _believed(request)
    host = hop.host if hop is not None else None
    if host is not None and 0 < len(host) <= _MAX_HOST and set(host) <= _HOST_CHARS:
        return host
    return request.host
