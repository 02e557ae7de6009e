"""HTTP handler for the caller's data export (a ZIP download)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from server.http.middlewares import authenticated
from server.keys import EXPORTS, caller_of

routes = web.RouteTableDef()


@routes.get("/api/v1/me/export/availability")
@authenticated
async def availability(request: web.Request) -> web.Response:
    wait = await request.app[EXPORTS].wait(caller_of(request))
    return web.json_response({"available": wait == 0, "retry_after": wait})


@routes.get("/api/v1/me/export")
@authenticated
async def export(request: web.Request) -> web.Response:
    archive = await request.app[EXPORTS].export(caller_of(request))
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    # aiohttp writes the buffer out in chunks and closes it when sent.
    return web.Response(
        body=archive,
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="podium-export-{day}.zip"'},
    )
