"""HTTP handlers for the caller's public profile settings."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import PUBLIC_PROFILES, SETTINGS, caller_of
from server.mail.links import request_base_url
from server.profiles.service import OwnSettings

routes = web.RouteTableDef()


def settings_json(request: web.Request, own: OwnSettings) -> dict[str, Any]:
    return {
        "enabled": own.settings.enabled,
        "fields": list(own.settings.fields),
        "bio": own.settings.bio,
        "path": own.path,
        # public_url when set (hosting for others), so the link works for whoever gets it.
        "url": request_base_url(request, request.app[SETTINGS]) + own.path,
    }


@routes.get("/api/v1/me/public-profile")
@authenticated
async def get_settings(request: web.Request) -> web.Response:
    own = await request.app[PUBLIC_PROFILES].own(caller_of(request).user_id)
    return web.json_response(settings_json(request, own))


@routes.put("/api/v1/me/public-profile")
@authenticated
async def put_settings(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    own = await request.app[PUBLIC_PROFILES].save(caller_of(request).user_id, data)
    return web.json_response(settings_json(request, own))
