"""POST /api/v1/guest-sessions: an invite holder joins one meeting as a guest, no account."""

from __future__ import annotations

from aiohttp import web

from server.accounts.service import guest_caller
from server.http.accounts import iso
from server.http.forwarded import client_address
from server.http.json_body import read_json_object
from server.keys import GUESTS

routes = web.RouteTableDef()


@routes.post("/api/v1/guest-sessions")
async def create_guest_session(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    new = await request.app[GUESTS].create(data, client_address(request))
    meeting = new.meeting
    return web.json_response(
        {
            "token": new.token,
            "user_id": guest_caller(new.guest).user_id,
            "display_name": new.guest.display_name,
            "meeting": {
                "id": meeting.id,
                "subject": meeting.subject,
                "join_code": meeting.join_code,
            },
            "expires_at": iso(new.guest.expires_at),
        },
        status=201,
    )
