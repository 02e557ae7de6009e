"""The address book API: CRUD, checks, search, and one owner per contact (others get 404)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from server.keys import DATABASE
from tests.server.conftest import bearer, login, register

SERVER = Path(__file__).resolve().parents[3] / "server"

BOB = {"username": "bob", "email": "bob@example.org", "first_name": "Bob"}


async def two_users(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    await register(client)
    await register(client, **BOB)
    return bearer(await login(client)), bearer(await login(client, "bob"))


async def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body = await response.json()
    assert set(body) == {"error"}
    return body["error"]


async def create(client: TestClient, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/contacts", json=fields, headers=auth)
    assert response.status == 201, await response.text()
    return await response.json()


async def contacts_of(client: TestClient, auth: dict[str, str], q: str | None = None) -> list[Any]:
    params = {"q": q} if q is not None else {}
    response = await client.get("/api/v1/contacts", params=params, headers=auth)
    assert response.status == 200, await response.text()
    return (await response.json())["contacts"]


async def test_create_read_update_delete(client: TestClient) -> None:
    alice, _ = await two_users(client)
    made = await create(
        client,
        alice,
        first_name=" Ada ",
        last_name="Lovelace",
        email="ada@example.org",
        phone="+44 20 7946 0001",
        company="Analytical Engines",
        title="Analyst",
        notes="Met at the\nRoyal Society",
    )
    assert made["first_name"] == "Ada"  # one-line fields are trimmed
    assert made["notes"] == "Met at the\nRoyal Society"
    assert set(made) == {
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "title",
        "notes",
        "created_at",
        "updated_at",
    }
    read = await client.get(f"/api/v1/contacts/{made['id']}", headers=alice)
    assert await read.json() == made

    changed = await client.patch(
        f"/api/v1/contacts/{made['id']}",
        json={"company": None, "title": "Countess"},
        headers=alice,
    )
    assert changed.status == 200
    body = await changed.json()
    assert (
        body["company"] is None and body["title"] == "Countess" and body["email"] == made["email"]
    )
    assert await contacts_of(client, alice) == [body]

    deleted = await client.delete(f"/api/v1/contacts/{made['id']}", headers=alice)
    assert deleted.status == 204
    await error_of(await client.get(f"/api/v1/contacts/{made['id']}", headers=alice), 404)
    assert await contacts_of(client, alice) == []


async def test_a_contact_needs_a_name_or_an_email(client: TestClient) -> None:
    alice, _ = await two_users(client)
    error = await error_of(
        await client.post("/api/v1/contacts", json={"company": "Acme"}, headers=alice), 422
    )
    assert set(error["fields"]) == {"first_name", "email"}
    await create(client, alice, email="only@example.org")
    await create(client, alice, last_name="Only")
    made = await create(client, alice, first_name="Solo")
    # Clearing the only name is refused and changes nothing.
    await error_of(
        await client.patch(
            f"/api/v1/contacts/{made['id']}", json={"first_name": ""}, headers=alice
        ),
        422,
    )
    still = await client.get(f"/api/v1/contacts/{made['id']}", headers=alice)
    assert (await still.json())["first_name"] == "Solo"


async def test_fields_are_checked_like_account_fields(client: TestClient) -> None:
    alice, _ = await two_users(client)
    error = await error_of(
        await client.post(
            "/api/v1/contacts",
            json={
                "first_name": "X" * 101,
                "email": "not-an-address",
                "phone": "call me",
                "notes": "n" * 2001,
                "nickname": "x",
                "title": "bad\x00title",
            },
            headers=alice,
        ),
        422,
    )
    assert error["fields"] == {
        "first_name": "at most 100 characters",
        "email": "not a valid e-mail address",
        "phone": "digits, spaces and + ( ) - . / only",
        "notes": "at most 2000 characters",
        "nickname": "unknown field",
        "title": "must not contain control characters",
    }
    await error_of(await client.post("/api/v1/contacts", data="[]", headers=alice), 400)
    assert await contacts_of(client, alice) == []


async def test_one_email_address_once_per_address_book(client: TestClient) -> None:
    alice, bob = await two_users(client)
    await create(client, alice, email="Ada@Example.org")
    error = await error_of(
        await client.post("/api/v1/contacts", json={"email": "ada@example.ORG"}, headers=alice),
        409,
    )
    assert error["code"] == "contact_exists" and "email" in error["fields"]
    other = await create(client, alice, email="grace@example.org")
    await error_of(
        await client.patch(
            f"/api/v1/contacts/{other['id']}", json={"email": "ADA@example.org"}, headers=alice
        ),
        409,
    )
    # Another user's address book is another address book.
    await create(client, bob, email="ada@example.org")


async def test_search_matches_any_field_without_case(client: TestClient) -> None:
    alice, _ = await two_users(client)
    await create(client, alice, first_name="Jürgen", last_name="MÜLLER", company="Bäckerei")
    await create(client, alice, first_name="Grace", email="grace@navy.example")
    await create(client, alice, first_name="Ada", notes="knows Grace")
    assert [c["first_name"] for c in await contacts_of(client, alice, "müller")] == ["Jürgen"]
    assert [c["first_name"] for c in await contacts_of(client, alice, "NAVY")] == ["Grace"]
    assert {c["first_name"] for c in await contacts_of(client, alice, "grace")} == {"Ada", "Grace"}
    assert len(await contacts_of(client, alice, "")) == 3
    assert await contacts_of(client, alice, "nobody") == []


async def test_nobody_reads_changes_or_deletes_another_users_contacts(client: TestClient) -> None:
    alice, bob = await two_users(client)
    mine = await create(client, bob, first_name="Private", email="private@example.org")
    unknown = mine["id"] + 1000
    for contact_id in (mine["id"], unknown):
        url = f"/api/v1/contacts/{contact_id}"
        answers = [
            await client.get(url, headers=alice),
            await client.patch(url, json={"notes": "mine now"}, headers=alice),
            await client.delete(url, headers=alice),
        ]
        bodies = [await error_of(answer, 404) for answer in answers]
        assert all(b == {"code": "not_found", "message": "no such contact"} for b in bodies)
    assert await contacts_of(client, alice) == []
    assert await contacts_of(client, alice, "private") == []
    assert await contacts_of(client, bob) == [mine]  # untouched


async def test_the_address_book_needs_a_session(client: TestClient) -> None:
    await register(client)
    for response in (
        await client.get("/api/v1/contacts"),
        await client.post("/api/v1/contacts", json={"email": "a@example.org"}),
        await client.get("/api/v1/contacts/1"),
        await client.get("/api/v1/contacts/export"),
        await client.post(
            "/api/v1/contacts/import", data="email\n", headers={"Content-Type": "text/csv"}
        ),
    ):
        await error_of(response, 401)


async def test_ids_out_of_range_are_simply_not_found(client: TestClient) -> None:
    alice, _ = await two_users(client)
    for path in ("/api/v1/contacts/0", f"/api/v1/contacts/{2**70}", "/api/v1/contacts/abc"):
        await error_of(await client.get(path, headers=alice), 404)
    await error_of(await client.patch(f"/api/v1/contacts/{2**64}", json={}, headers=alice), 404)


async def test_podium_never_mails_a_contact(client: TestClient) -> None:
    alice, _ = await two_users(client)
    await create(client, alice, first_name="Ada", email="ada@example.org")
    body = "first_name,email\nGrace,grace@navy.example\n"
    response = await client.post(
        "/api/v1/contacts/import", data=body, headers={**alice, "Content-Type": "text/csv"}
    )
    assert response.status == 200
    recipients = await client.server.app[DATABASE].run(
        lambda conn: [row[0] for row in conn.execute("SELECT recipient FROM outbox")]
    )
    assert not [r for r in recipients if "ada@" in r or "grace@" in r]
    # Only the address book's own store and the owner's data export read the table: no mail
    # code can find a contact's address. (Erasing rows elsewhere is fine; reading them is not.)
    readers = sorted(
        path.relative_to(SERVER).as_posix()
        for path in SERVER.rglob("*.py")
        if re.search(r"(?<!DELETE )\bFROM\s+contacts\b|\bJOIN\s+contacts\b", path.read_text())
    )
    assert readers == ["store/contacts.py", "store/export.py"]
