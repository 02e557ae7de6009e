"""HTTP handlers for testimonials: the author's own, and the admin's review queue."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.http.accounts import iso
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import TESTIMONIALS, caller_of
from server.store.testimonials import TestimonialRecord

routes = web.RouteTableDef()

_MAX_ID = 2**63 - 1


def _when(timestamp: float | None) -> str | None:
    return iso(timestamp) if timestamp is not None else None


def testimonial_json(record: TestimonialRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "body": record.body,
        "display_name": record.display_name,
        "status": record.status,
        "published": record.published,
        "created_at": iso(record.created_at),
        "approved_at": _when(record.approved_at),
        "withdrawn_at": _when(record.withdrawn_at),
    }


def review_json(record: TestimonialRecord) -> dict[str, Any]:
    return {**testimonial_json(record), "user_id": record.user_id, "consent": record.consent}


def _testimonial_id(request: web.Request) -> int:
    """The id in the path; one beyond SQLite's range becomes 0, which names no testimonial."""
    value = int(request.match_info["id"])
    return value if value <= _MAX_ID else 0


@routes.post("/api/v1/me/testimonials")
@authenticated
async def submit(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    record = await request.app[TESTIMONIALS].submit(caller_of(request).user_id, data)
    return web.json_response(testimonial_json(record), status=201)


@routes.get("/api/v1/me/testimonials")
@authenticated
async def mine(request: web.Request) -> web.Response:
    records = await request.app[TESTIMONIALS].mine(caller_of(request).user_id)
    return web.json_response({"testimonials": [testimonial_json(r) for r in records]})


@routes.delete(r"/api/v1/me/testimonials/{id:\d+}")
@authenticated
async def withdraw(request: web.Request) -> web.Response:
    await request.app[TESTIMONIALS].withdraw(caller_of(request).user_id, _testimonial_id(request))
    return web.Response(status=204)


@routes.get("/api/v1/admin/testimonials")
@authenticated
async def for_review(request: web.Request) -> web.Response:
    records = await request.app[TESTIMONIALS].for_review(
        caller_of(request).user_id, request.query.get("status")
    )
    return web.json_response({"testimonials": [review_json(r) for r in records]})


@routes.post(r"/api/v1/admin/testimonials/{id:\d+}/approve")
@authenticated
async def approve(request: web.Request) -> web.Response:
    record = await request.app[TESTIMONIALS].approve(
        caller_of(request).user_id, _testimonial_id(request)
    )
    return web.json_response(review_json(record))
