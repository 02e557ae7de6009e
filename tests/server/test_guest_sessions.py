"""Guest sessions over REST: an invite holder gets a session for one meeting and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.accounts.guests import BAD_CODES_PER_ADDRESS, GUEST_SESSION_SECONDS
from server.app import create_app
from server.http.accounts import iso
from server.keys import DATABASE, MEETINGS
from server.settings import Settings, parse_networks
from server.store.guests import GuestStore
from tests.server.conftest import Clock, bearer, login, register


async def host_meeting(client: TestClient, subject: str = "Town hall") -> dict[str, Any]:
    await register(client)
    token = await login(client)
    response = await client.post(
        "/api/v1/meetings", headers=bearer(token), json={"subject": subject}
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def new_guest(
    client: TestClient, code: str, name: str = "Gus Guest", **headers: str
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/guest-sessions", json={"code": code, "display_name": name}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def guests_stored(client: TestClient) -> int:
    return await GuestStore(client.app[DATABASE]).count()


async def error_of(response: Any) -> tuple[int, str]:
    body = await response.json()
    return response.status, body["error"]["code"]


async def test_an_invite_holder_gets_a_session_for_that_meeting(
    client: TestClient, clock: Clock
) -> None:
    meeting = await host_meeting(client)
    # Typed as people type codes: any case, spaces instead of dashes.
    typed = meeting["join_code"].upper().replace("-", " ")
    guest = await new_guest(client, typed, name="  Gus Guest  ")
    assert set(guest) == {"token", "user_id", "display_name", "meeting", "expires_at"}
    assert guest["display_name"] == "Gus Guest"
    assert guest["user_id"] < 0  # never an account's id
    assert guest["meeting"] == {
        "id": meeting["id"],
        "subject": "Town hall",
        "join_code": meeting["join_code"],
    }
    assert guest["expires_at"] == iso(clock.now + GUEST_SESSION_SECONDS)
    other = await new_guest(client, meeting["join_code"], name="Gus Guest")
    assert other["user_id"] != guest["user_id"] and other["token"] != guest["token"]
    assert await guests_stored(client) == 2


async def test_a_guest_token_is_refused_wherever_an_account_is_needed(client: TestClient) -> None:
    meeting = await host_meeting(client)
    guest = await new_guest(client, meeting["join_code"])
    auth = bearer(guest["token"])
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/v1/me", None),
        ("PATCH", "/api/v1/me", {"first_name": "Mallory"}),
        ("DELETE", "/api/v1/me", {"password": "x"}),
        ("POST", "/api/v1/me/password", {"current_password": "x", "new_password": "y" * 12}),
        ("GET", "/api/v1/meetings", None),
        ("POST", "/api/v1/meetings", {"subject": "Mine now"}),
        ("GET", "/api/v1/me/export", None),
        ("GET", "/api/v1/me/consents", None),
        ("GET", "/api/v1/contacts", None),
        ("POST", "/api/v1/contacts", {"first_name": "X", "email": "x@example.org"}),
        ("GET", "/api/v1/me/public-profile", None),
        ("DELETE", "/api/v1/sessions/current", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, headers=auth, json=body)
        assert await error_of(response) == (403, "guest_not_allowed"), (method, path)
    # Nothing was made in the guest's name, and the guest session still works for its meeting.
    host = await login(client)
    listed = await (await client.get("/api/v1/meetings", headers=bearer(host))).json()
    assert [m["subject"] for m in listed["meetings"]] == ["Town hall"]
    assert await guests_stored(client) == 1
    # A token that is nobody's is still a plain 401.
    response = await client.get("/api/v1/me", headers=bearer("not-a-token"))
    assert await error_of(response) == (401, "unauthorized")


async def test_unknown_codes_are_404_and_ended_meetings_410(client: TestClient) -> None:
    meeting = await host_meeting(client)
    for code in ("aaaa-bbbb-cccc", "x" * 500, "!!!"):
        response = await client.post(
            "/api/v1/guest-sessions", json={"code": code, "display_name": "Gus"}
        )
        assert await error_of(response) == (404, "meeting_not_found"), code
    await client.app[MEETINGS].end(meeting["id"])
    response = await client.post(
        "/api/v1/guest-sessions", json={"code": meeting["join_code"], "display_name": "Gus"}
    )
    assert await error_of(response) == (410, "meeting_ended")
    assert await guests_stored(client) == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"code": "c", "display_name": ""}, "display_name", "required"),
        ({"code": "c", "display_name": "   "}, "display_name", "required"),
        ({"code": "  ", "display_name": "Gus"}, "code", "required"),
        ({"code": "c"}, "display_name", "required"),
        ({"code": "c", "display_name": 7}, "display_name", "must be a string"),
        ({"code": "c", "display_name": "x" * 65}, "display_name", "at most 64 characters"),
        (
            {"code": "c", "display_name": "Gus\u202eeman"},
            "display_name",
            "must not contain invisible or text-direction characters",
        ),
        (
            {"code": "c", "display_name": "\u200b"},
            "display_name",
            "must not contain invisible or text-direction characters",
        ),
        (
            {"code": "c", "display_name": "Gus\nGuest"},
            "display_name",
            "must not contain control characters",
        ),
        ({"display_name": "Gus"}, "code", "required"),
        ({"code": ["a"], "display_name": "Gus"}, "code", "must be a string"),
        ({"code": "c", "display_name": "Gus", "role": "host"}, "role", "unknown field"),
    ],
)
async def test_bad_requests_are_422_and_store_nothing(
    client: TestClient, body: dict[str, Any], field: str, message: str
) -> None:
    meeting = await host_meeting(client)
    if body.get("code") == "c":
        body = {**body, "code": meeting["join_code"]}
    response = await client.post("/api/v1/guest-sessions", json=body)
    assert response.status == 422, await response.text()
    assert (await response.json())["error"]["fields"][field] == message
    assert await guests_stored(client) == 0


@pytest.fixture
def proxied(tmp_path: Path) -> Settings:
    """A server behind a proxy on loopback, so tests can speak for several client addresses."""
    return Settings(
        data_dir=tmp_path / "data",
        key_source="file",
        trusted_proxies=parse_networks(["127.0.0.1"]),
    )


async def test_trying_codes_is_throttled_per_address(
    aiohttp_client: Any, proxied: Settings, clock: Clock
) -> None:
    client = await aiohttp_client(create_app(proxied, clock=clock))
    meeting = await host_meeting(client)
    prober = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(BAD_CODES_PER_ADDRESS):
        response = await client.post(
            "/api/v1/guest-sessions",
            json={"code": f"aaaa-bbbb-{n:04d}", "display_name": "Probe"},
            headers=prober,
        )
        assert response.status == 404
    # Now even the right code is refused from there, with how long to wait ...
    response = await client.post(
        "/api/v1/guest-sessions",
        json={"code": meeting["join_code"], "display_name": "Probe"},
        headers=prober,
    )
    assert await error_of(response) == (429, "too_many_guest_attempts")
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    # ... while someone at another address joins, and the prober may again once the window passed.
    await new_guest(client, meeting["join_code"], **{"X-Forwarded-For": "198.51.100.20"})
    clock.advance(15 * 60 + 1)
    await new_guest(client, meeting["join_code"], **prober)


async def test_guest_sessions_made_are_throttled_per_address(
    aiohttp_client: Any, proxied: Settings, clock: Clock
) -> None:
    client = await aiohttp_client(create_app(proxied, clock=clock))
    meeting = await host_meeting(client)
    office = {"X-Forwarded-For": "203.0.113.50"}
    made = 0
    while True:
        response = await client.post(
            "/api/v1/guest-sessions",
            json={"code": meeting["join_code"], "display_name": f"Guest {made}"},
            headers=office,
        )
        if response.status != 201:
            break
        made += 1
        assert made <= 1000, "never throttled"
    assert await error_of(response) == (429, "too_many_guest_attempts")
    assert made == 60  # a whole office behind one router can still join a webinar
    assert await guests_stored(client) == 60


async def test_a_guest_session_expires_and_its_row_goes(client: TestClient, clock: Clock) -> None:
    meeting = await host_meeting(client)
    guest = await new_guest(client, meeting["join_code"])
    clock.advance(GUEST_SESSION_SECONDS)
    # Expired: the token is nobody's now (401, not 403), and the guest is forgotten.
    response = await client.get("/api/v1/me", headers=bearer(guest["token"]))
    assert await error_of(response) == (401, "unauthorized")
    assert await guests_stored(client) == 0
