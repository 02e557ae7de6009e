"""HTTP handlers for meetings."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.http.accounts import iso
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import MEETINGS, SETTINGS, TLS_PIN, caller_of
from server.mail.links import request_base_url
from server.meetings.service import invite_url
from server.store.meetings import MeetingRecord

routes = web.RouteTableDef()


def meeting_json(meeting: MeetingRecord, base_url: str, pin: str | None) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "subject": meeting.subject,
        "join_code": meeting.join_code,
        "host_user_id": meeting.host_user_id,
        "created_at": iso(meeting.created_at),
        "ended_at": iso(meeting.ended_at) if meeting.ended_at is not None else None,
        "invite_url": invite_url(base_url, meeting.join_code, pin),
    }


def _link_parts(request: web.Request) -> tuple[str, str | None]:
    """The base URL (public_url, else where this request arrived) and the certificate pin."""
    return request_base_url(request, request.app[SETTINGS]), request.app[TLS_PIN]


@routes.post("/api/v1/meetings")
@authenticated
async def create_meeting(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    meeting = await request.app[MEETINGS].create(caller_of(request).user_id, data)
    return web.json_response(meeting_json(meeting, *_link_parts(request)), status=201)


@routes.get("/api/v1/meetings")
@authenticated
async def my_meetings(request: web.Request) -> web.Response:
    meetings = await request.app[MEETINGS].hosted_by(caller_of(request).user_id)
    base_url, pin = _link_parts(request)
    return web.json_response({"meetings": [meeting_json(m, base_url, pin) for m in meetings]})
