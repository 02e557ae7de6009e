"""Reading a JSON object from a request body, with clear errors for anything else."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from protocol import strict_json
from server.errors import ApiError, validation_failed


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object: 400 `invalid_json` if refused, 422 for text not Unicode."""
    raw = await request.read()
    try:
        data = strict_json.loads(raw)
    except strict_json.JsonRefused as exc:
        raise ApiError(400, "invalid_json", f"the request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    # Checked here once for every endpoint: lone surrogates cannot be stored, hashed or sent on.
    where = strict_json.invalid_text_path(data)
    if where is not None:
        raise validation_failed({where: "must be valid Unicode text"})
    return data
