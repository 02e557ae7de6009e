"""The `Server` header names Podium, never the software versions it runs on."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from server.http.middlewares import SERVER_NAME


def no_versions(value: str) -> None:
    assert value == SERVER_NAME
    assert "aiohttp" not in value.lower() and "python" not in value.lower()


async def test_every_kind_of_answer_names_no_version(client: TestClient) -> None:
    for path, status in (
        ("/api/v1/health", 200),  # a handler's answer
        ("/api/v1/me", 401),  # an error mapped by the middleware
        ("/no/such/page", 404),  # the router's own
        ("/api/v1/openapi.yaml", 200),
    ):
        response = await client.get(path)
        assert response.status == status, path
        no_versions(response.headers["Server"])
    # A WebSocket upgrade is prepared inside its handler, before any middleware could edit it.
    async with client.ws_connect("/api/v1/ws") as ws:
        assert ws._response.status == 101
        no_versions(ws._response.headers["Server"])
