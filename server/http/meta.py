"""Health and the OpenAPI contract."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


@routes.get("/api/v1/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/api/v1/openapi.yaml")
async def openapi(request: web.Request) -> web.Response:
    return web.Response(
        body=OPENAPI_PATH.read_bytes(), content_type="application/yaml", charset="utf-8"
    )
