"""HTTP handlers for the privacy policy: the public versions, the caller's acceptance."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.http.accounts import iso
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import POLICY, caller_of
from server.privacy.policy import UserPolicy
from server.store.policies import PolicyRecord

routes = web.RouteTableDef()


def policy_json(policy: PolicyRecord | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "version": policy.version,
        "effective_at": iso(policy.effective_at),
        "summary": policy.summary,
    }


def user_policy_json(state: UserPolicy) -> dict[str, Any]:
    return {
        "current": policy_json(state.current),
        "accepted_version": state.accepted.version if state.accepted else None,
        "must_accept": state.must_accept,
        "upcoming": policy_json(state.upcoming),
    }


@routes.get("/api/v1/policy")
async def public_policy(request: web.Request) -> web.Response:
    current, upcoming = await request.app[POLICY].public()
    return web.json_response({"current": policy_json(current), "upcoming": policy_json(upcoming)})


@routes.get("/api/v1/me/policy")
@authenticated
async def my_policy(request: web.Request) -> web.Response:
    state = await request.app[POLICY].for_user(caller_of(request).user_id)
    return web.json_response(user_policy_json(state))


@routes.post("/api/v1/me/policy/accept")
@authenticated
async def accept_policy(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    state = await request.app[POLICY].accept(caller_of(request).user_id, data)
    return web.json_response(user_policy_json(state))
