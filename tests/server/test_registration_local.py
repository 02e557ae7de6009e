"""registration = "local": only the server's own machine registers; everyone else is told why."""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings, parse_networks
from tests.netns.lab import missing
from tests.server.conftest import ALICE, Clock, login, register

REMOTE = {"X-Forwarded-For": "203.0.113.9"}  # a client a trusted proxy on loopback speaks for
BOB = {**ALICE, "username": "bob", "email": "bob@example.org", "first_name": "Bob"}


def local_settings(tmp_path: Path, registration: str = "local") -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        key_source="file",
        registration=registration,
        trusted_proxies=parse_networks(["127.0.0.1"]),
    )


@pytest.fixture
async def local(aiohttp_client: Any, tmp_path: Path, clock: Clock) -> TestClient:
    return await aiohttp_client(create_app(local_settings(tmp_path), clock=clock))


async def fields(client: TestClient, **headers: str) -> dict[str, Any]:
    response = await client.get("/api/v1/accounts/fields", headers=headers)
    assert response.status == 200
    body = await response.json()
    return {"registration": body["registration"], "can_register": body["can_register"]}


async def test_the_owner_registers_from_this_machine(local: TestClient) -> None:
    assert await fields(local) == {"registration": "local", "can_register": True}
    await register(local)
    await login(local)


async def test_anyone_else_is_refused_and_told_to_ask_for_an_invite(local: TestClient) -> None:
    assert await fields(local, **REMOTE) == {"registration": "local", "can_register": False}
    for body in (BOB, {"nonsense": True}):
        response = await local.post("/api/v1/accounts", json=body, headers=REMOTE)
        assert response.status == 403
        error = (await response.json())["error"]
        assert error["code"] == "registration_closed"
        assert "ask the owner for an invite" in error["message"]
    # Nothing was stored: the owner can take that username still.
    response = await local.post("/api/v1/sessions", json={"login": "bob", "password": "x"})
    assert response.status == 401
    await register(local, **{k: BOB[k] for k in ("username", "email", "first_name")})


async def test_a_proxy_nobody_said_to_trust_does_not_make_its_visitors_the_owner(
    aiohttp_client: Any, tmp_path: Path, clock: Clock
) -> None:
    # A reverse proxy on this machine, left out of trusted_proxies: its requests come from
    # loopback, but they carry its forwarding headers, so they are not the owner's.
    settings = Settings(data_dir=tmp_path / "data", key_source="file", registration="local")
    client = await aiohttp_client(create_app(settings, clock=clock))
    for headers in (REMOTE, {"Forwarded": "for=203.0.113.9;proto=https"}):
        assert await fields(client, **headers) == {"registration": "local", "can_register": False}
        response = await client.post("/api/v1/accounts", json=BOB, headers=headers)
        assert response.status == 403
    await register(client)  # the owner's own app sends no such header


async def test_existing_accounts_log_in_from_anywhere(local: TestClient) -> None:
    await register(local)
    response = await local.post(
        "/api/v1/sessions",
        json={"login": "alice", "password": ALICE["password"]},
        headers=REMOTE,
    )
    assert response.status == 201, await response.text()


async def test_open_registration_takes_anyone(
    aiohttp_client: Any, tmp_path: Path, clock: Clock
) -> None:
    client = await aiohttp_client(create_app(local_settings(tmp_path, "open"), clock=clock))
    assert await fields(client, **REMOTE) == {"registration": "open", "can_register": True}
    response = await client.post("/api/v1/accounts", json=BOB, headers=REMOTE)
    assert response.status == 201, await response.text()


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def other_machine() -> Iterator[str]:
    """A network namespace at 198.51.100.2 wired to this one at 198.51.100.1; its name."""
    why = missing()
    if why is not None:
        pytest.skip(why)
    suffix = secrets.token_hex(3)
    name, here, there = f"podium-reg-{suffix}", f"prg{suffix}a", f"prg{suffix}b"
    try:
        _ip("netns", "add", name)
        _ip("link", "add", here, "type", "veth", "peer", "name", there)
        _ip("link", "set", there, "netns", name)
        _ip("addr", "add", "198.51.100.1/24", "dev", here)
        _ip("link", "set", here, "up")
        _ip("-n", name, "addr", "add", "198.51.100.2/24", "dev", there)
        _ip("-n", name, "link", "set", there, "up")
        _ip("-n", name, "link", "set", "lo", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
        subprocess.run(["ip", "link", "del", here], capture_output=True)


REMOTE_REGISTER = """
import json, sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(),
                                 headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        print(json.dumps([response.status, json.load(response)]))
except urllib.error.HTTPError as error:
    print(json.dumps([error.code, json.load(error)]))
"""


async def test_a_real_remote_machine_is_refused_and_this_machines_address_is_not(
    aiohttp_client: Any, tmp_path: Path, clock: Clock, other_machine: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", key_source="file", registration="local")
    client = await aiohttp_client(
        create_app(settings, clock=clock), server_kwargs={"host": "198.51.100.1"}
    )
    url = f"http://198.51.100.1:{client.server.port}/api/v1/accounts"
    process = await asyncio.create_subprocess_exec(
        "ip",
        "netns",
        "exec",
        other_machine,
        sys.executable,
        "-c",
        REMOTE_REGISTER,
        url,
        json.dumps(BOB),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    status, body = json.loads(out)
    assert (status, body["error"]["code"]) == (403, "registration_closed")
    # The owner's app reaching its own server by the machine's network address registers.
    await register(client)
