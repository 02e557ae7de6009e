"""The signaling WebSocket at /api/v1/ws."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from server.errors import ApiError
from server.keys import SIGNALING
from server.signaling.connection import SignalingConnection

routes = web.RouteTableDef()

HEARTBEAT_SECONDS = 20.0
# Frames up to this size reach the codec, which answers "too_large" past 64 KiB; larger ones
# close the connection without being buffered.
MAX_FRAME_BYTES = 1024 * 1024


def _same_origin(request: web.Request) -> bool:
    """Browsers send Origin; only pages of this server may open its socket. Apps send none."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme == request.scheme and parts.netloc == request.host


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
