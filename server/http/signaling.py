"""The signaling WebSocket at /api/v1/ws."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from server.errors import ApiError
from server.http.forwarded import request_host, request_scheme
from server.keys import SETTINGS, SIGNALING
from server.signaling.connection import SignalingConnection

routes = web.RouteTableDef()

HEARTBEAT_SECONDS = 20.0
# Frames up to this size reach the codec, which answers "too_large" past 64 KiB; larger ones
# close the connection without being buffered.
MAX_FRAME_BYTES = 1024 * 1024


_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _origin(scheme: str, netloc: str) -> str:
    """scheme://host[:port] compared as browsers write it: lower case, no default port."""
    scheme, netloc = scheme.lower(), netloc.lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return f"{scheme}://{netloc}"


def _same_origin(request: web.Request) -> bool:
    """Browsers send Origin; only pages of this server may open its socket. Apps send none.

    This server is where the client reached it: the scheme and host a trusted proxy reports
    (else the connection's own), or the configured public_url.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    if not parts.scheme or not parts.netloc:
        return False  # "null" (sandboxed pages, file://) and other opaque origins
    given = _origin(parts.scheme, parts.netloc)
    if given == _origin(request_scheme(request), request_host(request)):
        return True
    public_url = request.app[SETTINGS].public_url
    if not public_url:
        return False
    try:
        public = urlsplit(public_url)
    except ValueError:
        return False
    return given == _origin(public.scheme, public.netloc)


@routes.get("/api/v1/ws")
async def signaling(request: web.Request) -> web.StreamResponse:
    if not _same_origin(request):
        raise ApiError(403, "forbidden_origin", "this origin may not open a signaling connection")
    # No permessage-deflate: the connection writes its own uncompressed frames (outgoing.py).
    ws = web.WebSocketResponse(
        heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_FRAME_BYTES, compress=False
    )
    await ws.prepare(request)
    transport = request.transport
    if transport is None:  # the client went away during the upgrade
        return ws
    await SignalingConnection(ws, transport, request.app[SIGNALING]).run()
    return ws
