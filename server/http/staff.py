"""HTTP handlers for staff reads of a user's data and the user's view of those reads."""

from __future__ import annotations

from aiohttp import web

from server.http.accounts import iso
from server.http.middlewares import authenticated
from server.keys import STAFF, caller_of
from server.privacy.staff import audit_json

routes = web.RouteTableDef()


@routes.get("/api/v1/admin/users/{id}")
@authenticated
async def read_user(request: web.Request) -> web.Response:
    result = await request.app[STAFF].read_user(
        caller_of(request), request.match_info["id"], request.query.get("reason")
    )
    fields = result["fields"]
    if isinstance(fields.get("created_at"), float):
        fields["created_at"] = iso(fields["created_at"])
    return web.json_response(result)


@routes.get("/api/v1/me/audit")
@authenticated
async def my_audit(request: web.Request) -> web.Response:
    entries = await request.app[STAFF].audit_of(caller_of(request))
    return web.json_response({"entries": [audit_json(entry, iso) for entry in entries]})
