"""Counting page views (a middleware) and the admins' view of the aggregate usage statistics."""

from __future__ import annotations

import re
from datetime import date

from aiohttp import web

from server.errors import validation_failed
from server.http.forwarded import client_address
from server.http.middlewares import Handler, authenticated
from server.keys import CALLER, STAFF, STATISTICS, caller_of
from server.privacy.statistics import MAX_REPORT_DAYS

routes = web.RouteTableDef()

# Machine traffic and staff pages say nothing about how people use the site.
_NOT_COUNTED = ("/api/v1/health", "/api/v1/ws", "/api/v1/openapi.yaml")
_NOT_COUNTED_PREFIX = "/api/v1/admin/"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _opted_out(request: web.Request) -> bool:
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


def counted_path(request: web.Request) -> str | None:
    """The route's canonical path (/u/{username}, never the raw URL), if this view counts."""
    resource = request.match_info.route.resource
    if request.method != "GET" or resource is None:
        return None
    path = resource.canonical
    if path in _NOT_COUNTED or path.startswith(_NOT_COUNTED_PREFIX):
        return None
    return path


@web.middleware
async def usage_statistics(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count successful page views; innermost, so it sees the caller and the final status."""
    response = await handler(request)
    statistics = request.app[STATISTICS]
    if not statistics.enabled or response.status >= 400 or _opted_out(request):
        return response
    path = counted_path(request)
    if path is None:
        return response
    caller = request.get(CALLER)
    # A logged-in user has said yes or no to usage statistics; without a yes they are not counted.
    if caller is not None and not await statistics.user_consents(caller.user_id):
        return response
    statistics.record(path, client_address(request), request.headers.get("User-Agent"))
    return response


def _date(request: web.Request, name: str, default: date) -> date:
    value = request.query.get(name)
    if value is None:
        return default
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise validation_failed({name: "a date, YYYY-MM-DD"}) from exc


@routes.get("/api/v1/admin/statistics")
@authenticated
async def statistics_report(request: web.Request) -> web.Response:
    await request.app[STAFF].require_role(caller_of(request), "admin")
    statistics = request.app[STATISTICS]
    default_first, default_last = statistics.default_range()
    first = _date(request, "from", default_first)
    last = _date(request, "to", default_last)
    if first > last:
        raise validation_failed({"from": "must not be after to"})
    if (last - first).days >= MAX_REPORT_DAYS:
        raise validation_failed({"to": f"at most {MAX_REPORT_DAYS} days at a time"})
    days = await statistics.report(first, last)
    return web.json_response(
        {
            "enabled": statistics.enabled,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "days": [
                {
                    "day": day.day,
                    "visits": day.visits,
                    "seconds": round(day.seconds),
                    "page_views": dict(day.page_views),
                }
                for day in days
            ],
        }
    )
