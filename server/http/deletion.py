"""HTTP handlers for deleting one's own account and for cancelling that during the grace period."""

from __future__ import annotations

from aiohttp import web

from server.http.accounts import iso
from server.http.forwarded import client_address
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import DELETION, caller_of

routes = web.RouteTableDef()


@routes.delete("/api/v1/me")
@authenticated
async def delete_me(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    deletion = request.app[DELETION]
    pending = await deletion.request(
        caller_of(request), data.get("password"), client_address(request)
    )
    return web.json_response(
        {
            "state": "pending_deletion",
            "requested_at": iso(pending.requested_at),
            "erase_after": iso(deletion.erase_after(pending)),
        },
        status=202,
    )


@routes.post("/api/v1/accounts/cancel-deletion")
async def cancel_deletion(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    await request.app[DELETION].cancel(
        data.get("login"), data.get("password"), client_address(request)
    )
    return web.Response(status=204)
