"""Invite links: meetings carry theirs, built from public_url or where the request came in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings
from tests.server.conftest import Clock, bearer, login, register

PIN = "sha256:" + "0123456789abcdef" * 4


async def hosting(client: TestClient) -> tuple[str, dict[str, Any]]:
    await register(client)
    token = await login(client)
    response = await client.post("/api/v1/meetings", headers=bearer(token), json={"subject": "S"})
    assert response.status == 201, await response.text()
    return token, await response.json()


async def listed(client: TestClient, token: str, **headers: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/meetings", headers={**bearer(token), **headers})
    assert response.status == 200
    return list((await response.json())["meetings"])


async def test_a_meeting_carries_its_invite_link_to_the_address_it_was_asked_on(
    client: TestClient,
) -> None:
    token, meeting = await hosting(client)
    expected = f"http://127.0.0.1:{client.server.port}/j/{meeting['join_code']}"
    assert meeting["invite_url"] == expected
    assert [m["invite_url"] for m in await listed(client, token)] == [expected]
    # Never the Host header: a client could point the link anywhere with it.
    spoofed = await listed(client, token, Host="evil.example")
    assert [m["invite_url"] for m in spoofed] == [expected]


async def test_a_self_signed_servers_link_carries_its_pin(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    client = await aiohttp_client(create_app(settings, clock=clock, tls_pin=PIN))
    token, meeting = await hosting(client)
    expected = f"http://127.0.0.1:{client.server.port}/j/{meeting['join_code']}?pin={PIN}"
    assert meeting["invite_url"] == expected
    assert [m["invite_url"] for m in await listed(client, token)] == [expected]


async def test_public_url_names_the_server_in_links(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    public = replace(settings, public_url="https://podium.example.org")
    client = await aiohttp_client(create_app(public, clock=clock, tls_pin=PIN))
    _, meeting = await hosting(client)
    assert meeting["invite_url"] == (
        f"https://podium.example.org/j/{meeting['join_code']}?pin={PIN}"
    )
