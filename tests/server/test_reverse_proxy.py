"""podium-server behind a real TLS-terminating nginx: browsers' WebSockets, throttles by address.

nginx appends the address it saw to X-Forwarded-For ($proxy_add_x_forwarded_for). Clients here
come from different loopback addresses (127.0.0.2, 127.0.0.3), which nginx sees as they are; the
server trusts only 127.0.0.1 (nginx), so whatever such a client writes into X-Forwarded-For or
Forwarded itself is not believed. A client on 127.0.0.1 is, for the server, another trusted proxy,
so what it writes is believed: that is how a chain of proxies passes the client's address on.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from protocol.version import PROTOCOL_VERSION
from server.tls import ensure_self_signed
from tests.server.conftest import ALICE
from tests.server.live_server import live_server
from tests.server.nginx_proxy import free_port, nginx_binary, nginx_proxy

WRONG = "not-the-password"
MAX_PER_ADDRESS = 3
TIMEOUT = aiohttp.ClientTimeout(total=30)


@dataclass(frozen=True)
class Proxied:
    url: str  # https://127.0.0.1:PORT, nginx
    ssl: ssl.SSLContext  # trusts the proxy's test certificate

    @property
    def origin(self) -> str:
        return self.url


def _server_toml(path: Path, proxy_url: str, trusted: bool) -> Path:
    lines = [
        "[accounts]",
        f"max_failures_per_address = {MAX_PER_ADDRESS}",
        "refusal_delay_seconds = 0",
    ]
    if trusted:
        lines += ["[server]", f'public_url = "{proxy_url}"']
        lines += ["[http]", 'trusted_proxies = ["127.0.0.1"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def proxied_server(tmp_path: Path, trusted: bool) -> Iterator[Proxied]:
    """A podium-server on loopback and nginx in front of it, serving https on another port."""
    nginx_binary()  # skips with the reason before anything starts
    port = free_port()
    proxy_url = f"https://127.0.0.1:{port}"
    cert, key = ensure_self_signed(tmp_path / "proxy-tls", ["127.0.0.1"])
    config = _server_toml(tmp_path / "server.toml", proxy_url, trusted)
    with live_server(tmp_path / "data", "--config", str(config)) as server_url:
        upstream = server_url.removeprefix("http://")
        with nginx_proxy(tmp_path / "nginx", port, upstream, cert, key):
            yield Proxied(proxy_url, ssl.create_default_context(cafile=str(cert)))


@pytest.fixture
def trusting(tmp_path: Path) -> Iterator[Proxied]:
    with proxied_server(tmp_path, trusted=True) as proxied:
        yield proxied


@pytest.fixture
def not_trusting(tmp_path: Path) -> Iterator[Proxied]:
    with proxied_server(tmp_path, trusted=False) as proxied:
        yield proxied


@asynccontextmanager
async def client_from(proxied: Proxied, address: str) -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTPS client of the proxy whose connections come from `address` (any 127.x.y.z)."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0), ssl=proxied.ssl)
    async with aiohttp.ClientSession(proxied.url, connector=connector, timeout=TIMEOUT) as http:
        yield http


async def _token(http: aiohttp.ClientSession) -> str:
    async with http.post("/api/v1/accounts", json=ALICE) as response:
        assert response.status == 201, await response.text()
    body = {"login": ALICE["username"], "password": ALICE["password"]}
    async with http.post("/api/v1/sessions", json=body) as response:
        assert response.status == 201, await response.text()
        token: str = (await response.json())["token"]
        return token


async def _guess(http: aiohttp.ClientSession, login: str, **headers: str) -> int:
    body = {"login": login, "password": WRONG}
    async with http.post("/api/v1/sessions", json=body, headers=headers) as response:
        return response.status


def _forged(n: int) -> dict[str, str]:
    """Headers a client might forge to look like a new address at every guess."""
    return {"X-Forwarded-For": f"203.0.113.{n}", "Forwarded": f"for=198.51.100.{n}"}


async def test_a_browser_websocket_opens_through_the_proxy(trusting: Proxied) -> None:
    async with client_from(trusting, "127.0.0.2") as http:
        token = await _token(http)
        async with http.get("/api/v1/health") as response:
            assert response.status == 200
            # The browser's connection is https, though nginx speaks http to the server.
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        async with http.ws_connect("/api/v1/ws", origin=trusting.origin) as ws:
            await ws.send_json(
                {"type": "hello", "id": "h1", "version": PROTOCOL_VERSION, "token": token}
            )
            reply = await ws.receive_json(timeout=15)
            assert reply["type"] == "welcome" and reply["id"] == "h1", reply
            assert reply["name"] == f"{ALICE['first_name']} {ALICE['last_name']}"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect("/api/v1/ws", origin="https://evil.example")
        assert refused.value.status == 403


async def test_the_password_throttle_counts_by_the_forwarded_address(trusting: Proxied) -> None:
    async with client_from(trusting, "127.0.0.2") as http:
        statuses = [await _guess(http, f"ghost{n}", **_forged(n)) for n in range(MAX_PER_ADDRESS)]
        assert statuses == [401] * MAX_PER_ADDRESS
        # Forged headers did not make new addresses: this is still 127.0.0.2, as nginx saw it.
        assert await _guess(http, "ghost-next", **_forged(99)) == 429
    async with client_from(trusting, "127.0.0.3") as http:
        # Another client of the same proxy (the server's peer for both) has its own count.
        assert await _guess(http, "ghost-other") == 401
    async with client_from(trusting, "127.0.0.1") as http:
        # From a trusted address, the address written in X-Forwarded-For is the client's.
        chained = {"X-Forwarded-For": "192.0.2.7"}
        statuses = [await _guess(http, f"far{n}", **chained) for n in range(MAX_PER_ADDRESS)]
        assert statuses == [401] * MAX_PER_ADDRESS
        assert await _guess(http, "far-next", **chained) == 429
        assert await _guess(http, "far-other", **{"X-Forwarded-For": "192.0.2.8"}) == 401


async def test_without_trusted_proxies_forwarded_headers_are_ignored(
    not_trusting: Proxied,
) -> None:
    async with client_from(not_trusting, "127.0.0.2") as http:
        await _token(http)  # a registered user, before this address runs out of guesses
        async with http.get("/api/v1/health") as response:
            assert "Strict-Transport-Security" not in response.headers
        # nginx said https, but nginx is not trusted: the Origin is not this server's.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect("/api/v1/ws", origin=not_trusting.origin)
        assert refused.value.status == 403
        statuses = [await _guess(http, f"ghost{n}", **_forged(n)) for n in range(MAX_PER_ADDRESS)]
        assert statuses == [401] * MAX_PER_ADDRESS
    async with client_from(not_trusting, "127.0.0.3") as http:
        # Every client is nginx's 127.0.0.1 to the server, so they share one count.
        assert await _guess(http, "ghost-other") == 429
