"""ApiClient against a real server child: the account flow and how errors are mapped."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from app.core.api import UNREACHABLE, ApiClient, ApiError
from app.core.bundled_server import BundledServer

PASSWORD = "correct horse battery"
NEW_PASSWORD = "another staple 2024"


def account(name: str = "ann", **extra: str) -> dict[str, Any]:
    """A valid registration body."""
    return {
        "first_name": "Ann",
        "last_name": "Lee",
        "username": name,
        "email": f"{name}@example.org",
        "password": PASSWORD,
        **extra,
    }


@pytest.fixture
async def api(bundled_server: BundledServer) -> Any:
    assert bundled_server.base_url is not None
    async with ApiClient(bundled_server.base_url) as client:
        yield client


async def test_field_policy_lists_fields_in_display_order(api: ApiClient) -> None:
    fields = await api.account_fields()
    names = [field.name for field in fields]
    assert names[:5] == ["first_name", "last_name", "username", "email", "password"]
    assert {"phone", "country", "school"} <= set(names)
    by_name = {field.name: field for field in fields}
    assert by_name["email"].required and by_name["email"].kind == "email"
    assert by_name["password"].kind == "password"
    assert not by_name["phone"].required


async def test_register_login_edit_change_password_logout(
    api: ApiClient, bundled_server: BundledServer
) -> None:
    created = await api.register(account(phone="+44 20 7946 0000"))
    assert created.get("username") == "ann"
    assert created.get("phone") == "+44 20 7946 0000"
    assert "password" not in created.values
    assert created.created_at

    session = await api.login("ann@example.org", PASSWORD)
    assert session.token and api.token == session.token
    me = await api.me()
    assert me.id == created.id

    updated = await api.update_me({"city": "Leeds", "phone": None})
    assert updated.get("city") == "Leeds"
    assert updated.get("phone") == ""
    assert (await api.me()).get("city") == "Leeds"

    await api.change_password(PASSWORD, NEW_PASSWORD)
    assert (await api.me()).id == created.id  # the current session survives the change

    await api.logout()
    assert api.token is None
    async with ApiClient(str(bundled_server.base_url)) as other:
        with pytest.raises(ApiError) as old:
            await other.login("ann", PASSWORD)
        assert old.value.status == 401
        assert old.value.code == "invalid_credentials"
        await other.login("ann", NEW_PASSWORD)


async def test_validation_errors_carry_per_field_messages(api: ApiClient) -> None:
    with pytest.raises(ApiError) as caught:
        await api.register({"first_name": "Ann", "email": "not-an-address"})
    error = caught.value
    assert error.status == 422
    assert error.code == "validation_failed"
    assert {"last_name", "username", "email", "password"} <= set(error.fields)
    assert "first_name" not in error.fields


async def test_taken_username_is_a_409_naming_the_field(api: ApiClient) -> None:
    await api.register(account())
    with pytest.raises(ApiError) as caught:
        await api.register(account(email="other@example.org"))
    assert caught.value.status == 409
    assert caught.value.code == "username_taken"
    assert "username" in caught.value.fields


async def test_me_without_a_session_is_401(api: ApiClient) -> None:
    with pytest.raises(ApiError) as caught:
        await api.me()
    assert caught.value.status == 401
    assert caught.value.code == "unauthorized"


async def test_wrong_current_password_is_403(api: ApiClient) -> None:
    await api.register(account())
    await api.login("ann", PASSWORD)
    with pytest.raises(ApiError) as caught:
        await api.change_password("not my password", NEW_PASSWORD)
    assert (caught.value.status, caught.value.code) == (403, "wrong_password")
    with pytest.raises(ApiError) as weak:
        await api.change_password(PASSWORD, "x")
    assert weak.value.status == 422
    assert "new_password" in weak.value.fields


async def test_a_closed_port_is_an_unreachable_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ApiClient(f"http://127.0.0.1:{port}", timeout=5) as api:
        with pytest.raises(ApiError) as caught:
            await api.health()
    assert caught.value.status == 0
    assert caught.value.code == UNREACHABLE
    assert caught.value.unreachable
    assert f"127.0.0.1:{port}" in caught.value.message
