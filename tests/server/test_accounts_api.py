"""The accounts API through the real app factory on a temporary SQLCipher database."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.settings import Settings
from tests.server.conftest import ALICE, Clock, bearer, login, register


async def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body = await response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


async def test_health(client: TestClient) -> None:
    response = await client.get("/api/v1/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_openapi_document_is_served(client: TestClient) -> None:
    response = await client.get("/api/v1/openapi.yaml")
    assert response.status == 200
    assert "openapi: 3." in await response.text()


async def test_field_policy_marks_the_default_required_fields(client: TestClient) -> None:
    response = await client.get("/api/v1/accounts/fields")
    fields = {f["name"]: f["required"] for f in (await response.json())["fields"]}
    assert list(fields) == [
        "first_name",
        "last_name",
        "username",
        "email",
        "password",
        "phone",
        "country",
        "address",
        "city",
        "state",
        "zip",
        "company",
        "title",
        "school",
    ]
    assert {name for name, required in fields.items() if required} == {
        "first_name",
        "last_name",
        "username",
        "email",
        "password",
    }


async def test_operator_can_require_more_fields(aiohttp_client: Any, tmp_path: Any) -> None:
    from server.app import create_app
    from server.settings import ALWAYS_REQUIRED

    settings = Settings(
        data_dir=tmp_path, key_source="file", required_fields=ALWAYS_REQUIRED | {"company"}
    )
    client = await aiohttp_client(create_app(settings))
    fields = {
        f["name"]: f["required"]
        for f in (await (await client.get("/api/v1/accounts/fields")).json())["fields"]
    }
    assert fields["company"] is True
    error = await error_of(await client.post("/api/v1/accounts", json=ALICE), 422)
    assert error["fields"] == {"company": "required"}


async def test_register_returns_the_profile_without_the_password(client: TestClient) -> None:
    profile = await register(client, phone="+44 20 7946 0000")
    assert profile["username"] == "alice"
    assert profile["email"] == "alice@example.org"
    assert profile["phone"] == "+44 20 7946 0000"
    assert profile["company"] is None
    assert "password" not in profile and "password_hash" not in profile
    assert ALICE["password"] not in str(profile)


async def test_register_reports_every_bad_field(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/accounts",
        json={
            "first_name": "  ",
            "username": "a",
            "email": "not-an-address",
            "password": "short",
            "phone": "call me",
            "favourite_colour": "blue",
        },
    )
    error = await error_of(response, 422)
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {
        "first_name",
        "last_name",
        "username",
        "email",
        "password",
        "phone",
        "favourite_colour",
    }
    assert error["fields"]["last_name"] == "required"


async def test_register_refuses_common_and_self_describing_passwords(client: TestClient) -> None:
    for password, expected in [
        ("password123", "too common"),
        ("qwertyuiop", "too common"),
        ("alice@example.org", "e-mail address or username"),
        ("x" * 129, "at most 128"),
    ]:
        error = await error_of(
            await client.post("/api/v1/accounts", json={**ALICE, "password": password}), 422
        )
        assert expected in error["fields"]["password"], password
    # Nothing was stored by the refused attempts.
    await register(client)


async def test_register_conflicts_on_email_and_username(client: TestClient) -> None:
    await register(client)
    error = await error_of(
        await client.post(
            "/api/v1/accounts", json={**ALICE, "username": "alice2", "email": "ALICE@example.org"}
        ),
        409,
    )
    assert error["code"] == "email_taken" and "email" in error["fields"]
    error = await error_of(
        await client.post(
            "/api/v1/accounts", json={**ALICE, "username": "Alice", "email": "other@example.org"}
        ),
        409,
    )
    assert error["code"] == "username_taken"


async def test_bad_json_bodies_get_400(client: TestClient) -> None:
    for body in (b"{", b"[1, 2]", b"\xff\xfe", b'"text"'):
        response = await client.post("/api/v1/accounts", data=body)
        assert (await error_of(response, 400))["code"] == "invalid_json"


async def test_oversized_body_gets_413(client: TestClient) -> None:
    response = await client.post("/api/v1/accounts", data=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert (await error_of(response, 413))["code"] == "payload_too_large"


async def test_unknown_path_and_method_get_json_errors(client: TestClient) -> None:
    assert (await error_of(await client.get("/api/v1/nothing-here"), 404))["code"] == "not_found"
    error = await error_of(await client.put("/api/v1/health"), 405)
    assert error["code"] == "method_not_allowed"


async def test_login_by_username_or_email_without_case(client: TestClient) -> None:
    await register(client)
    for name in ("alice", "ALICE@example.org"):
        response = await client.post(
            "/api/v1/sessions", json={"login": name, "password": ALICE["password"]}
        )
        assert response.status == 201
        body = await response.json()
        assert len(body["token"]) >= 43 and body["expires_at"].endswith("Z")


async def test_wrong_login_gets_the_same_401_whether_or_not_the_account_exists(
    client: TestClient,
) -> None:
    await register(client)
    wrong_password = await error_of(
        await client.post("/api/v1/sessions", json={"login": "alice", "password": "nope-nope"}),
        401,
    )
    no_account = await error_of(
        await client.post("/api/v1/sessions", json={"login": "bob", "password": "nope-nope"}), 401
    )
    assert wrong_password == no_account
    missing = await error_of(await client.post("/api/v1/sessions", json={}), 422)
    assert set(missing["fields"]) == {"login", "password"}


async def test_repeated_failures_are_throttled_then_released(
    client: TestClient, clock: Clock
) -> None:
    await register(client)
    for _ in range(5):
        response = await client.post(
            "/api/v1/sessions", json={"login": "alice", "password": "wrong-password"}
        )
        assert response.status == 401
    response = await client.post(
        "/api/v1/sessions", json={"login": "alice", "password": ALICE["password"]}
    )
    error = await error_of(response, 429)
    assert error["code"] == "too_many_attempts"
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    clock.advance(15 * 60 + 1)
    assert await login(client)


async def test_throttle_is_per_address_too(client: TestClient, settings: Settings) -> None:
    # One more unknown account than the address may fail: the address is throttled.
    for n in range(settings.login_max_failures_per_address):
        response = await client.post(
            "/api/v1/sessions", json={"login": f"nobody{n}", "password": "wrong-password"}
        )
        assert response.status == 401
    response = await client.post(
        "/api/v1/sessions", json={"login": "someone-else", "password": "wrong-password"}
    )
    assert response.status == 429


async def test_me_needs_a_valid_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        error = await error_of(await client.get("/api/v1/me", headers=headers), 401)
        assert error["code"] == "unauthorized"


async def test_me_shows_and_patch_edits_the_profile(client: TestClient) -> None:
    await register(client)
    token = await login(client)
    me = await (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert me["first_name"] == "Alice"
    response = await client.patch(
        "/api/v1/me",
        headers=bearer(token),
        json={"city": "Oxford", "company": "Wonderland Ltd", "first_name": "Alicia"},
    )
    assert response.status == 200
    me = await (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert (me["city"], me["company"], me["first_name"]) == ("Oxford", "Wonderland Ltd", "Alicia")
    # Clearing an optional field.
    response = await client.patch("/api/v1/me", headers=bearer(token), json={"company": None})
    assert (await response.json())["company"] is None


async def test_bad_patch_changes_nothing(client: TestClient) -> None:
    await register(client)
    await register(client, username="bob", email="bob@example.org")
    token = await login(client)
    before = await (await client.get("/api/v1/me", headers=bearer(token))).json()
    for body, status in [
        ({"first_name": "", "city": "Paris"}, 422),
        ({"email": "bad"}, 422),
        ({"password": "new-password-1"}, 422),
        ({"username": "BOB"}, 409),
        ({"email": "bob@example.org"}, 409),
        ({"zip": 12345}, 422),
    ]:
        await error_of(await client.patch("/api/v1/me", headers=bearer(token), json=body), status)
    after = await (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert after == before


async def test_change_password_ends_other_sessions(client: TestClient) -> None:
    await register(client)
    here = await login(client)
    elsewhere = await login(client)
    error = await error_of(
        await client.post(
            "/api/v1/me/password",
            headers=bearer(here),
            json={"current_password": "wrong-one", "new_password": "new-secret-99"},
        ),
        403,
    )
    assert error["code"] == "wrong_password"
    error = await error_of(
        await client.post(
            "/api/v1/me/password",
            headers=bearer(here),
            json={"current_password": ALICE["password"], "new_password": "123456789"},
        ),
        422,
    )
    assert "new_password" in error["fields"]
    response = await client.post(
        "/api/v1/me/password",
        headers=bearer(here),
        json={"current_password": ALICE["password"], "new_password": "new-secret-99"},
    )
    assert response.status == 204
    assert (await client.get("/api/v1/me", headers=bearer(here))).status == 200
    assert (await client.get("/api/v1/me", headers=bearer(elsewhere))).status == 401
    response = await client.post(
        "/api/v1/sessions", json={"login": "alice", "password": ALICE["password"]}
    )
    assert response.status == 401
    assert await login(client, password="new-secret-99")


async def test_logout_ends_the_token_at_once(client: TestClient) -> None:
    await register(client)
    token = await login(client)
    other = await login(client)
    assert (await client.delete("/api/v1/sessions/current", headers=bearer(token))).status == 204
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401
    assert (await client.delete("/api/v1/sessions/current", headers=bearer(token))).status == 401
    assert (await client.get("/api/v1/me", headers=bearer(other))).status == 200


async def test_sessions_expire_when_idle_and_absolutely(
    client: TestClient, clock: Clock, settings: Settings
) -> None:
    await register(client)
    token = await login(client)
    clock.advance(settings.session_idle_seconds + 1)
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401

    token = await login(client)
    # Kept busy, the session still ends at its absolute expiry.
    step = settings.session_idle_seconds / 2
    elapsed = 0.0
    while elapsed + step < settings.session_absolute_seconds:
        clock.advance(step)
        elapsed += step
        assert (await client.get("/api/v1/me", headers=bearer(token))).status == 200
    clock.advance(settings.session_absolute_seconds - elapsed)
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401


async def test_errors_carry_security_headers_and_no_trace(client: TestClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Traceback" not in await response.text()
