"""HTTP handlers for accounts, sessions and the caller's own profile: parse, call, answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from server.http.forwarded import client_address
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.http.this_machine import from_this_machine
from server.keys import ACCOUNTS, PASSWORD_RESETS, POLICY, caller_of
from server.store.accounts import UserRecord

routes = web.RouteTableDef()


def iso(timestamp: float) -> str:
    return (
        datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def profile_json(user: UserRecord) -> dict[str, Any]:
    return {"id": user.id, **user.profile, "created_at": iso(user.created_at)}


@routes.get("/api/v1/accounts/fields")
async def field_policy(request: web.Request) -> web.Response:
    accounts = request.app[ACCOUNTS]
    return web.json_response(
        {
            "fields": accounts.policy.describe(),
            "registration": accounts.registration,
            "can_register": accounts.may_register(from_this_machine(request)),
        }
    )


@routes.get("/api/v1/server-info")
async def server_info(request: web.Request) -> web.Response:
    # Whether this server can send e-mail at all: without a relay the app says so wherever it
    # would have mailed something (a reset link, a newsletter confirmation).
    return web.json_response({"mail": request.app[PASSWORD_RESETS].mail})


@routes.post("/api/v1/accounts")
async def register(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    # The policy version the form showed; checked before anything is stored.
    version = data.pop("policy_version", None)
    local = from_this_machine(request)
    if request.app[ACCOUNTS].may_register(local):
        await request.app[POLICY].check_registration(version)
    user = await request.app[ACCOUNTS].register(data, from_this_machine=local)
    await request.app[POLICY].record_registration(user.id, version)
    return web.json_response(profile_json(user), status=201)


@routes.post("/api/v1/sessions")
async def login(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    new = await request.app[ACCOUNTS].login(
        data.get("login"),
        data.get("password"),
        client_address(request),
        request.headers.get("User-Agent"),
    )
    return web.json_response(
        {"token": new.token, "expires_at": iso(new.session.expires_at)}, status=201
    )


@routes.delete("/api/v1/sessions/current")
@authenticated
async def logout(request: web.Request) -> web.Response:
    await request.app[ACCOUNTS].logout(caller_of(request))
    return web.Response(status=204)


@routes.get("/api/v1/me")
@authenticated
async def get_me(request: web.Request) -> web.Response:
    user = await request.app[ACCOUNTS].profile(caller_of(request))
    return web.json_response(profile_json(user))


@routes.patch("/api/v1/me")
@authenticated
async def patch_me(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    user = await request.app[ACCOUNTS].update_profile(caller_of(request), data)
    return web.json_response(profile_json(user))


@routes.post("/api/v1/me/password")
@authenticated
async def change_password(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    await request.app[ACCOUNTS].change_password(
        caller_of(request),
        data.get("current_password"),
        data.get("new_password"),
        client_address(request),
    )
    return web.Response(status=204)
