"""HTTP handlers for forgotten passwords: ask for a link, then set a new password with it."""

from __future__ import annotations

from aiohttp import web

from server.domain_errors import invalid_fields
from server.http.forwarded import client_address
from server.http.json_body import read_json_object
from server.keys import PASSWORD_RESETS, SETTINGS
from server.mail.links import request_base_url

routes = web.RouteTableDef()


@routes.post("/api/v1/password-resets")
async def request_reset(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    answer = await request.app[PASSWORD_RESETS].request(
        data.get("login"),
        client_address(request),
        request_base_url(request, request.app[SETTINGS]),
    )
    # The same body for every login: it tells nothing about whether an account exists.
    return web.json_response(
        {"mail": answer.mail, "expires_in_seconds": answer.expires_in}, status=202
    )


@routes.post("/api/v1/password-resets/{token}")
async def reset_password(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    unknown = {name: "unknown field" for name in data if name != "password"}
    if unknown:
        raise invalid_fields(unknown)
    await request.app[PASSWORD_RESETS].reset(request.match_info["token"], data.get("password"))
    return web.Response(status=204)
