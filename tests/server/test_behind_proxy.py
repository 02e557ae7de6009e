"""What the server makes of forwarded headers: the Origin check, HSTS, throttles and links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import SETTINGS
from server.mail.links import request_base_url
from server.settings import Settings, parse_networks
from tests.server.conftest import Clock

LOOPBACK = parse_networks(["127.0.0.1"])
SESSIONS = "/api/v1/sessions"


async def _server(aiohttp_client: Any, tmp_path: Path, **settings: Any) -> TestClient:
    values = {"data_dir": tmp_path / "data", "key_source": "file", **settings}
    client: TestClient = await aiohttp_client(create_app(Settings(**values), clock=Clock()))
    return client


async def _ws_status(client: TestClient, origin: str, **headers: str) -> int:
    """The status the signaling socket's upgrade gets: 101 when it opens."""
    try:
        ws = await client.ws_connect("/api/v1/ws", headers={"Origin": origin, **headers})
    except aiohttp.WSServerHandshakeError as error:
        return error.status
    await ws.close()
    return 101


PROXIED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "podium.example"}


async def test_origin_of_a_tls_proxy_is_accepted_from_a_trusted_proxy(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _server(aiohttp_client, tmp_path, trusted_proxies=LOOPBACK)
    assert await _ws_status(client, "https://podium.example", **PROXIED_HTTPS) == 101
    assert await _ws_status(client, "https://evil.example", **PROXIED_HTTPS) == 403
    # The proxy said https: the browser's page was not on plain http.
    assert await _ws_status(client, "http://podium.example", **PROXIED_HTTPS) == 403


async def test_forwarded_scheme_is_not_believed_from_others(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _server(aiohttp_client, tmp_path)
    assert await _ws_status(client, "https://podium.example", **PROXIED_HTTPS) == 403
    # Its own origin still works, as before.
    assert await _ws_status(client, f"http://127.0.0.1:{client.port}") == 101


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        ("https://podium.example", 101),
        ("https://PODIUM.example:443", 101),
        ("http://podium.example", 403),
        ("https://podium.example:8443", 403),
        ("https://evil.example", 403),
        ("null", 403),
        ("http://[::1", 403),
        ("", 403),
    ],
)
async def test_an_origin_equal_to_public_url_is_accepted(
    aiohttp_client: Any, tmp_path: Path, origin: str, status: int
) -> None:
    client = await _server(aiohttp_client, tmp_path, public_url="https://podium.example/podium")
    assert await _ws_status(client, origin) == status


async def test_hsts_when_a_trusted_proxy_says_https(aiohttp_client: Any, tmp_path: Path) -> None:
    trusting = await _server(aiohttp_client, tmp_path / "a", trusted_proxies=LOOPBACK)
    response = await trusting.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    response = await trusting.get("/api/v1/health", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in response.headers
    other = await _server(aiohttp_client, tmp_path / "b")
    response = await other.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


async def _guess(client: TestClient, login: str, forwarded_for: str) -> int:
    body = {"login": login, "password": "not-the-password"}
    response = await client.post(SESSIONS, json=body, headers={"X-Forwarded-For": forwarded_for})
    return response.status


THROTTLE = {"login_max_failures_per_address": 3, "password_refusal_delay_seconds": 0.0}


async def test_password_throttle_counts_by_forwarded_address(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _server(aiohttp_client, tmp_path, trusted_proxies=LOOPBACK, **THROTTLE)
    assert [await _guess(client, f"ghost{n}", "203.0.113.1") for n in range(3)] == [401] * 3
    assert await _guess(client, "ghost3", "203.0.113.1") == 429
    # Another client behind the same proxy has its own count.
    assert await _guess(client, "ghost4", "203.0.113.2") == 401


async def test_without_trusted_proxies_a_forged_address_does_not_reset_the_count(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _server(aiohttp_client, tmp_path, **THROTTLE)
    assert [await _guess(client, f"ghost{n}", f"203.0.113.{n}") for n in range(3)] == [401] * 3
    assert await _guess(client, "ghost3", "203.0.113.9") == 429


async def _base_url(request: web.Request) -> web.Response:
    return web.Response(text=request_base_url(request, request.app[SETTINGS]))


async def _link_client(aiohttp_client: Any, settings: Settings) -> TestClient:
    app = web.Application()
    app[SETTINGS] = settings
    app.router.add_get("/base", _base_url)
    client: TestClient = await aiohttp_client(app)
    return client


async def test_links_take_the_trusted_scheme_but_never_a_forwarded_host(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    trusting = await _link_client(aiohttp_client, Settings(tmp_path, trusted_proxies=LOOPBACK))
    response = await trusting.get("/base", headers={**headers, "Host": "evil.example"})
    assert await response.text() == f"https://127.0.0.1:{trusting.port}"
    other = await _link_client(aiohttp_client, Settings(tmp_path))
    response = await other.get("/base", headers={**headers, "Host": "evil.example"})
    assert await response.text() == f"http://127.0.0.1:{other.port}"
    public = Settings(tmp_path, trusted_proxies=LOOPBACK, public_url="https://podium.example")
    configured = await _link_client(aiohttp_client, public)
    response = await configured.get("/base", headers=headers)
    assert await response.text() == "https://podium.example"
