"""Whether a request comes from this machine: for `[accounts] registration = "local"`.

The client address (a trusted proxy's word for it, server/http/forwarded.py) is this machine's
when it is a loopback address, or the very address the connection arrived on: the owner's app
may reach its own server by the machine's network address. Linux refuses packets from outside
that claim one of the machine's own addresses as their source, and TCP needs the handshake, so
no other host can pass for it.
"""

from __future__ import annotations

from aiohttp import web

from server.http.forwarded import client_address, parse_address


def from_this_machine(request: web.Request) -> bool:
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
