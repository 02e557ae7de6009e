"""Reading a JSON object from a request body, with clear errors for anything else."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from server.errors import ApiError


async def read_json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, "invalid_json", "the request body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    return data
