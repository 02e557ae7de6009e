"""Forwarded headers are believed only from trusted proxies, and bad ones never break a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from server.http.forwarded import client_address, request_host, request_scheme
from server.keys import SETTINGS
from server.settings import Settings, parse_networks


async def _who(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "address": client_address(request),
            "scheme": request_scheme(request),
            "host": request_host(request),
        }
    )


async def _client(aiohttp_client: Any, tmp_path: Path, *trusted: str) -> TestClient:
    app = web.Application()
    app[SETTINGS] = Settings(data_dir=tmp_path, trusted_proxies=parse_networks(list(trusted)))
    app.router.add_get("/who", _who)
    client: TestClient = await aiohttp_client(app)
    return client


async def _ask(client: TestClient, headers: dict[str, str] | list[tuple[str, str]]) -> Any:
    response = await client.get("/who", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


SPOOF = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "Forwarded": 'for=198.51.100.9;proto=https;host="evil.example"',
}


async def test_without_trusted_proxies_forwarded_headers_are_ignored(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, tmp_path)
    seen = await _ask(client, SPOOF)
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": f"127.0.0.1:{client.port}"}


async def test_a_peer_outside_trusted_proxies_is_not_believed(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, tmp_path, "192.0.2.0/24", "::1")
    seen = await _ask(client, SPOOF)
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": f"127.0.0.1:{client.port}"}


@pytest.mark.parametrize(
    ("chain", "client_is"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client may write anything on the left; the proxy appends what it saw on the right.
        ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Hops that are trusted proxies themselves are skipped.
        ("203.0.113.7, 127.0.0.5, 127.0.0.1", "203.0.113.7"),
        ("203.0.113.7:5123", "203.0.113.7"),
        ("2001:db8::7", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        # Every hop trusted: the furthest one is the client.
        ("127.0.0.9, 127.0.0.1", "127.0.0.9"),
    ],
)
async def test_x_forwarded_for_rightmost_untrusted_address(
    aiohttp_client: Any, tmp_path: Path, chain: str, client_is: str
) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.0/8")
    seen = await _ask(client, {"X-Forwarded-For": chain})
    assert seen["address"] == client_is
    assert seen["scheme"] == "http"


async def test_x_forwarded_for_over_several_header_lines(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.1")
    seen = await _ask(
        client, [("X-Forwarded-For", "198.51.100.1"), ("X-Forwarded-For", "203.0.113.7")]
    )
    assert seen["address"] == "203.0.113.7"


async def test_trusted_proxy_says_scheme_and_host(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.1")
    seen = await _ask(
        client,
        {
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "podium.example:8443",
        },
    )
    assert seen == {"address": "203.0.113.7", "scheme": "https", "host": "podium.example:8443"}


async def test_proto_without_an_address_chain(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.1")
    seen = await _ask(client, {"X-Forwarded-Proto": "HTTPS"})
    assert seen["address"] == "127.0.0.1"
    assert seen["scheme"] == "https"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "for=192.0.2.60;proto=https;host=podium.example",
            ("192.0.2.60", "https", "podium.example"),
        ),
        ('for="[2001:db8:cafe::17]:4711"', ("2001:db8:cafe::17", "http", None)),
        ('For="192.0.2.60:8080";Proto=https', ("192.0.2.60", "https", None)),
        # Each proxy adds an element; the client's element is the rightmost untrusted one.
        (
            "for=198.51.100.1;proto=http, for=192.0.2.60;proto=https, for=127.0.0.7;proto=http",
            ("192.0.2.60", "https", None),
        ),
    ],
)
async def test_forwarded_header(
    aiohttp_client: Any, tmp_path: Path, header: str, expected: tuple[str, str, str | None]
) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.0/8")
    seen = await _ask(client, {"Forwarded": header, "X-Forwarded-For": "203.0.113.99"})
    address, scheme, host = expected
    assert seen["address"] == address  # Forwarded wins over X-Forwarded-For
    assert seen["scheme"] == scheme
    assert seen["host"] == (host or f"127.0.0.1:{client.port}")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-For": "unknown"},
        {"X-Forwarded-For": "203.0.113.7, not an address"},
        {"X-Forwarded-For": ",,,"},
        {"X-Forwarded-For": "999.1.1.1"},
        {"X-Forwarded-For": "[2001:db8::1"},
        {"X-Forwarded-For": "203.0.113.7" * 500},
        {"X-Forwarded-For": "ünïcödé"},
        {"Forwarded": "for=unknown"},
        {"Forwarded": 'for="_hidden";proto=https'},
        {"Forwarded": "for=;;;==,,"},
        {"Forwarded": 'for="\\'},
        {"X-Forwarded-Proto": "javascript"},
        {"X-Forwarded-Host": "evil.example/path?x"},
        {"X-Forwarded-Host": "a" * 300},
        {"X-Forwarded-Host": "user@evil.example"},
    ],
)
async def test_malformed_headers_fall_back_to_the_peer(
    aiohttp_client: Any, tmp_path: Path, headers: dict[str, str]
) -> None:
    client = await _client(aiohttp_client, tmp_path, "127.0.0.1")
    seen = await _ask(client, headers)
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": f"127.0.0.1:{client.port}"}
