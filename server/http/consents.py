"""HTTP handlers for the caller's consents: list them, grant or withdraw one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from server.errors import validation_failed
from server.http.accounts import iso
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import CONSENTS, SETTINGS, caller_of
from server.mail.links import request_base_url
from server.privacy.consents import PurposeState, require_purpose
from server.store.consents import ConsentEvent

routes = web.RouteTableDef()
API_SOURCES = ("app", "web")


def parse_change(data: Mapping[str, Any]) -> tuple[bool, str]:
    """`{granted: bool, source?: "app"|"web"}` from a request body, or a 422."""
    errors = {name: "unknown field" for name in data if name not in ("granted", "source")}
    granted = data.get("granted")
    if not isinstance(granted, bool):
        errors["granted"] = "required: true or false"
    source = data.get("source", "app")
    if source not in API_SOURCES:
        errors["source"] = "must be app or web"
    if errors:
        raise validation_failed(errors)
    assert isinstance(granted, bool)
    return granted, str(source)


def purpose_json(state: PurposeState) -> dict[str, Any]:
    return {
        "purpose": state.purpose,
        "granted": state.granted,
        "pending": state.pending,
        "changed_at": iso(state.changed_at) if state.changed_at is not None else None,
        "source": state.source,
        "policy_version": state.policy_version,
    }


def event_json(event: ConsentEvent) -> dict[str, Any]:
    return {
        "purpose": event.purpose,
        "granted": event.granted,
        "policy_version": event.policy_version,
        "source": event.source,
        "at": iso(event.at),
    }


@routes.get("/api/v1/me/consents")
@authenticated
async def list_consents(request: web.Request) -> web.Response:
    overview = await request.app[CONSENTS].overview(caller_of(request).user_id)
    return web.json_response(
        {
            "consents": [purpose_json(state) for state in overview.purposes],
            "events": [event_json(event) for event in overview.events],
        }
    )


@routes.put("/api/v1/me/consents/{purpose}")
@authenticated
async def change_consent(request: web.Request) -> web.Response:
    purpose = request.match_info["purpose"]
    require_purpose(purpose)
    granted, source = parse_change(await read_json_object(request))
    state = await request.app[CONSENTS].change(
        caller_of(request).user_id,
        purpose,
        granted,
        source,
        request_base_url(request, request.app[SETTINGS]),
    )
    return web.json_response(purpose_json(state))
