"""Whether a request comes from this machine: for `[accounts] registration = "local"`.

The client address (a trusted proxy's word for it, server/http/forwarded.py) is this machine's
when it is a loopback address, or the very address the connection arrived on: the owner's app
may reach its own server by the machine's network address. Linux refuses packets from outside
that claim one of the machine's own addresses as their source, and TCP needs the handshake, so
no other host can pass for it. A request that carries proxy headers from a peer that is not a
trusted proxy is never taken for the owner's: behind a reverse proxy on this machine that the
operator forgot to list in `trusted_proxies`, every visitor would otherwise come from loopback.
"""

from __future__ import annotations

from aiohttp import hdrs, web

from server.http.forwarded import client_address, parse_address
from server.keys import SETTINGS

_PROXY_HEADERS = (hdrs.FORWARDED, hdrs.X_FORWARDED_FOR)


def _untrusted_proxy(request: web.Request) -> bool:
    """Proxy headers from a peer that is not a trusted proxy."""
    if not any(name in request.headers for name in _PROXY_HEADERS):
        return False
    peer = parse_address(request.remote) if request.remote else None
    networks = request.app[SETTINGS].trusted_proxies
    return peer is None or not any(peer in network for network in networks)


def from_this_machine(request: web.Request) -> bool:
    if _untrusted_proxy(request):
        return False
    address = client_address(request)
    client = parse_address(address) if address else None
    if client is None:
        return False
    if client.is_loopback:
        return True
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not isinstance(sockname, tuple) or not sockname:
        return False
    local = parse_address(str(sockname[0]))
    return local is not None and not local.is_unspecified and local == client
