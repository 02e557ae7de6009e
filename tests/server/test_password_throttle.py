"""The password throttle: per account whatever the spelling, shared by every password check,
kept in the store across restarts, and exact under concurrent guesses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import requests
from aiohttp.test_utils import TestClient

from server.accounts.gate import Standing
from server.accounts.throttle import TRUST_SECONDS, PasswordThrottle, address_key
from server.store.database import Database
from server.store.throttle import ThrottleStore
from tests.server.conftest import ALICE, Clock, bearer, login, register
from tests.server.live_server import live_server

WRONG = "not-the-password"
SESSIONS = "/api/v1/sessions"


@asynccontextmanager
async def from_address(client: TestClient, host: str) -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client whose connections come from `host` (any 127.x.y.z is this machine)."""
    connector = aiohttp.TCPConnector(local_addr=(host, 0))
    async with aiohttp.ClientSession(str(client.make_url("")), connector=connector) as http:
        yield http


async def attempt(client: TestClient, host: str, login_name: str, password: str) -> Any:
    body = {"login": login_name, "password": password}
    async with from_address(client, host) as http, http.post(SESSIONS, json=body) as response:
        await response.read()
        return response


async def test_five_guesses_per_account_whichever_spelling_and_address(
    client: TestClient, clock: Clock
) -> None:
    await register(client)
    spellings = ["alice", "alice@example.org", "ALICE", "Alice@Example.org", " alice "]
    for n, spelling in enumerate(spellings):
        response = await attempt(client, f"127.0.0.{n + 2}", spelling, WRONG)
        assert response.status == 401
    # A sixth address, the right password: the account has had its five guesses.
    refused = await attempt(client, "127.0.0.20", "alice", ALICE["password"])
    assert refused.status == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    clock.advance(15 * 60 + 1)
    assert (await attempt(client, "127.0.0.20", "alice", ALICE["password"])).status == 201


async def test_unknown_logins_count_per_login_without_case(client: TestClient) -> None:
    for n, spelling in enumerate(["ghost", "Ghost", "GHOST ", "ghost", "gHoSt"]):
        assert (await attempt(client, f"127.0.1.{n + 2}", spelling, WRONG)).status == 401
    assert (await attempt(client, "127.0.1.20", "ghost", WRONG)).status == 429
    # Another unknown login from a fresh address is not held up by the first.
    assert (await attempt(client, "127.0.1.21", "phantom", WRONG)).status == 401


async def test_every_password_check_shares_the_counter(client: TestClient) -> None:
    alice = await register(client)
    token = await login(client)
    auth = bearer(token)
    # One failure of each kind of password check, and a second wrong login: five in all.
    assert (await client.post(SESSIONS, json={"login": "alice", "password": WRONG})).status == 401
    response = await client.post(
        "/api/v1/accounts/cancel-deletion", json={"login": "alice", "password": WRONG}
    )
    assert response.status == 401
    assert (await client.delete("/api/v1/me", headers=auth, json={"password": WRONG})).status == 403
    response = await client.post(
        "/api/v1/me/password",
        headers=auth,
        json={"current_password": WRONG, "new_password": "a-brand-new-secret-9"},
    )
    assert response.status == 403
    assert (await attempt(client, "127.0.2.2", "alice@example.org", WRONG)).status == 401

    # Now even the right password is refused, by every check, with a time to wait.
    for response in (
        await client.delete("/api/v1/me", headers=auth, json={"password": ALICE["password"]}),
        await client.post(
            "/api/v1/me/password",
            headers=auth,
            json={"current_password": ALICE["password"], "new_password": "a-brand-new-secret-9"},
        ),
        await attempt(client, "127.0.2.3", "alice", ALICE["password"]),
    ):
        assert response.status == 429
        assert int(response.headers["Retry-After"]) > 0
        assert (await response.json())["error"]["code"] == "too_many_attempts"
    # Nothing happened: the account is there, not pending deletion, with the old password.
    me = await client.get("/api/v1/me", headers=auth)
    assert me.status == 200 and (await me.json())["id"] == alice["id"]


async def test_concurrent_guesses_cannot_pass_the_limit(client: TestClient) -> None:
    await register(client)
    answers = await asyncio.gather(
        *(attempt(client, f"127.0.3.{n + 2}", "alice", WRONG) for n in range(12))
    )
    statuses = sorted(response.status for response in answers)
    assert statuses.count(401) == 5 and statuses.count(429) == 7


async def test_a_successful_login_is_not_counted(client: TestClient) -> None:
    await register(client)
    for _ in range(8):
        assert await login(client)
    assert (await client.post(SESSIONS, json={"login": "alice", "password": WRONG})).status == 401


def test_the_count_survives_a_server_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as url:
        requests.post(f"{url}/api/v1/accounts", json=ALICE, timeout=30).raise_for_status()
        for _ in range(5):
            wrong = {"login": "alice", "password": WRONG}
            assert requests.post(f"{url}{SESSIONS}", json=wrong, timeout=30).status_code == 401
    with live_server(data) as url:
        right = {"login": "alice", "password": ALICE["password"]}
        response = requests.post(f"{url}{SESSIONS}", json=right, timeout=30)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0


async def test_standing_orders_checks_by_what_each_address_did(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db", bytes(32))
    try:
        clock = Clock()
        throttle = PasswordThrottle(ThrottleStore(db), 5, 900, clock)
        first = await throttle.begin(1, None, "10.0.0.1")
        assert first.standing is Standing.UNKNOWN
        throttle.done(first, matched=True)
        assert (await throttle.begin(1, None, "10.0.0.1")).standing is Standing.TRUSTED
        # Trust is for that account from that address: not for another login from there.
        other = await throttle.begin(None, "someone-else", "10.0.0.1")
        assert other.standing is Standing.UNKNOWN
        await throttle.failed(other)
        assert (await throttle.begin(3, None, "10.0.0.1")).standing is Standing.SUSPECT
        assert (await throttle.begin(None, "x", "2001:db8::1")).standing is Standing.UNKNOWN
        clock.advance(TRUST_SECONDS)
        assert (await throttle.begin(1, None, "10.0.0.1")).standing is Standing.UNKNOWN
    finally:
        await db.close()


def test_ipv6_addresses_are_counted_by_their_64() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key(None) is None


async def test_people_behind_one_router_log_in_at_the_same_moment(client: TestClient) -> None:
    people = [f"member{n}" for n in range(6)]
    for name in people:
        await register(client, username=name, email=f"{name}@example.org")
    answers = await asyncio.gather(
        *(attempt(client, "127.0.3.2", name, ALICE["password"]) for name in people)
    )
    assert [answer.status for answer in answers] == [201] * len(people), [
        a.headers for a in answers
    ]
