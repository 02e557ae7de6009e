"""Fixtures that build the real server app on a temporary encrypted database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.settings import Settings


class Clock:
    """A clock tests can move forward, standing in for time.time."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", key_source="file")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, clock: Clock) -> TestClient:
    return await aiohttp_client(create_app(settings, clock=clock))


ALICE = {
    "first_name": "Alice",
    "last_name": "Liddell",
    "username": "alice",
    "email": "alice@example.org",
    "password": "rabbit-hole-42",
}


async def register(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/accounts", json={**ALICE, **overrides})
    assert response.status == 201, await response.text()
    return await response.json()


async def login(client: TestClient, login: str = "alice", password: str = ALICE["password"]) -> str:
    response = await client.post("/api/v1/sessions", json={"login": login, "password": password})
    assert response.status == 201, await response.text()
    return (await response.json())["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
