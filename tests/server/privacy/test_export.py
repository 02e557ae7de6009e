"""The data export: a ZIP of all the caller's data, no secrets, at most one per 10 minutes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
import zipfile
from typing import IO, Any

import pytest
from aiohttp.test_utils import TestClient

from server.http.accounts import iso
from server.keys import DATABASE
from server.privacy import export as export_module
from server.store.export import ExportData
from server.store.meetings import ChatRecord, MeetingStore
from server.store.staff import StaffStore
from tests.server.conftest import Clock, bearer, login, register

FILES = {
    "profile.json",
    "consents.json",
    "sessions.json",
    "meetings.json",
    "chat.json",
    "contacts.csv",
    "audit.json",
    "testimonials.json",
    "policy.json",
    "pending_consents.json",
    "README.txt",
}


async def sql(client: TestClient, statement: str, *args: Any) -> list[dict[str, Any]]:
    return await client.server.app[DATABASE].run(
        lambda conn: [dict(row) for row in conn.execute(statement, args)]
    )


async def add_contact(client: TestClient, owner: int, first: str, email: str) -> None:
    await sql(
        client,
        "INSERT INTO contacts (owner_id, first_name, last_name, email, email_key, notes,"
        " created_at, updated_at) VALUES (?, ?, 'Contact', ?, ?, '-1 dangerous', 0, 0)",
        owner,
        first,
        email,
        email.casefold(),
    )


async def add_chat(client: TestClient, meeting: str, seq: int, user: dict[str, Any], body: str):
    await MeetingStore(client.server.app[DATABASE]).add_chat(
        meeting,
        ChatRecord(
            seq,
            f"p-{user['username']}",
            user["id"],
            user["first_name"],
            None,
            body,
            1_800_000_000.0 + seq,
        ),
        keep=100,
    )


async def create_meeting(client: TestClient, token: str, subject: str) -> str:
    response = await client.post(
        "/api/v1/meetings", json={"subject": subject}, headers=bearer(token)
    )
    assert response.status == 201
    return (await response.json())["id"]


async def export(client: TestClient, token: str) -> zipfile.ZipFile:
    response = await client.get("/api/v1/me/export", headers=bearer(token))
    assert response.status == 200, await response.text()
    assert response.content_type == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(await response.read()))


async def world(client: TestClient) -> dict[str, Any]:
    """Alice with data of every kind, and Bob with his own."""
    alice = await register(client, phone="+44 20 7946 0000")
    alice_token = await login(client)
    second_token = await login(client)  # a second device
    bob = await register(
        client, username="bob", email="bob@example.org", first_name="Bob", last_name="Builder"
    )
    bob_token = await login(client, "bob")
    await client.put(
        "/api/v1/me/consents/usage_statistics", json={"granted": True}, headers=bearer(alice_token)
    )
    await client.put(
        "/api/v1/me/consents/usage_statistics", json={"granted": False}, headers=bearer(alice_token)
    )
    await add_contact(client, alice["id"], '=HYPERLINK("http://evil")', "carol@example.org")
    await add_contact(client, bob["id"], "Bobscontact", "dave@example.org")
    alice_meeting = await create_meeting(client, alice_token, "Tea party")
    bob_meeting = await create_meeting(client, bob_token, "Bobs building site")
    await add_chat(client, alice_meeting, 1, alice, "welcome to the tea party")
    await add_chat(client, alice_meeting, 2, bob, "thanks for having me")
    await add_chat(client, bob_meeting, 1, bob, "bobs private planning")
    await add_chat(client, bob_meeting, 2, alice, "alice was in bobs meeting")
    await sql(
        client,
        "INSERT INTO testimonials (user_id, body, display_name, created_at) VALUES (?, ?, ?, 0)",
        alice["id"],
        "Curiouser and curiouser",
        "Alice L.",
    )
    await sql(
        client,
        "INSERT INTO testimonials (user_id, body, display_name, created_at) VALUES (?, ?, ?, 0)",
        bob["id"],
        "Can we fix it",
        "Bob B.",
    )
    return {
        "alice": alice,
        "bob": bob,
        "alice_token": alice_token,
        "second_token": second_token,
        "bob_token": bob_token,
        "alice_meeting": alice_meeting,
        "bob_meeting": bob_meeting,
    }


def contents(archive: zipfile.ZipFile) -> dict[str, bytes]:
    return {name: archive.read(name) for name in archive.namelist()}


async def test_export_holds_every_file(client: TestClient) -> None:
    w = await world(client)
    archive = await export(client, w["alice_token"])
    assert set(archive.namelist()) == FILES
    files = contents(archive)

    profile = json.loads(files["profile.json"])
    assert profile["id"] == w["alice"]["id"] and profile["email"] == "alice@example.org"
    assert profile["phone"] == "+44 20 7946 0000"
    assert profile["created_at"] == "2027-01-15T08:00:00Z"
    assert profile["public_profile"]["enabled"] is False

    consents = json.loads(files["consents.json"])
    assert [(c["purpose"], c["granted"]) for c in consents] == [
        ("usage_statistics", True),
        ("usage_statistics", False),
    ]
    assert all(c["source"] and c["at"] for c in consents)

    sessions = json.loads(files["sessions.json"])
    assert len(sessions) == 2
    assert set(sessions[0]) == {"created_at", "last_used_at", "expires_at", "user_agent", "address"}
    assert sessions[0]["address"] == "127.0.0.1"

    [meeting] = json.loads(files["meetings.json"])
    assert meeting["subject"] == "Tea party"
    assert [m["body"] for m in meeting["chat"]] == [
        "welcome to the tea party",
        "thanks for having me",
    ]
    assert {p["name"] for p in meeting["participants"]} == {"Alice", "Bob"}

    chat = json.loads(files["chat.json"])
    assert sorted(m["body"] for m in chat) == [
        "alice was in bobs meeting",
        "welcome to the tea party",
    ]

    rows = list(csv.DictReader(io.StringIO(files["contacts.csv"].decode())))
    assert len(rows) == 1
    # Formula-looking cells are neutralised for spreadsheets.
    assert rows[0]["first_name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["notes"] == "'-1 dangerous"
    assert rows[0]["email"] == "carol@example.org"

    assert json.loads(files["audit.json"]) == []
    [testimonial] = json.loads(files["testimonials.json"])
    assert testimonial["body"] == "Curiouser and curiouser"
    [accepted] = json.loads(files["policy.json"])  # the bundled default, at registration
    assert (accepted["version"], accepted["source"]) == ("1", "registration")
    assert json.loads(files["pending_consents.json"]) == []
    readme = files["README.txt"].decode()
    for name in FILES - {"README.txt"}:
        assert name in readme


async def test_export_holds_no_password_hash_or_token(client: TestClient) -> None:
    w = await world(client)
    archive_response = await client.get("/api/v1/me/export", headers=bearer(w["alice_token"]))
    raw = await archive_response.read()
    files = contents(zipfile.ZipFile(io.BytesIO(raw)))
    [user] = await sql(client, "SELECT password_hash FROM users WHERE id = ?", w["alice"]["id"])
    sessions = await sql(client, "SELECT token_hash FROM sessions")
    secrets: list[bytes] = [user["password_hash"].encode(), b"$argon2"]
    for token in (w["alice_token"], w["second_token"], w["bob_token"]):
        secrets.append(token.encode())
    for session in sessions:
        secrets += [session["token_hash"], session["token_hash"].hex().encode()]
    assert len(secrets) == 2 + 3 + 2 * 3
    for blob in [raw, *files.values()]:
        for secret in secrets:
            assert secret not in blob
    assert b"password" not in files["profile.json"]
    assert b"token" not in files["sessions.json"]


async def test_export_holds_nothing_of_other_users(client: TestClient) -> None:
    w = await world(client)
    files = contents(await export(client, w["alice_token"]))
    everything = b"".join(files.values())
    for foreign in (
        b"bob@example.org",
        b"Builder",
        b"Bobscontact",
        b"dave@example.org",
        b"bobs private planning",
        b"Bobs building site",
        b"Can we fix it",
    ):
        assert foreign not in everything, foreign
    # Bob's export is his own: none of Alice's profile, contacts or her meeting.
    bobs = b"".join(contents(await export(client, w["bob_token"])).values())
    for foreign in (
        b"alice@example.org",
        b"Liddell",
        b"carol@example.org",
        b"Tea party",
        b"welcome to the tea party",
        b"Curiouser",
    ):
        assert foreign not in bobs, foreign


async def availability(client: TestClient, token: str) -> dict[str, Any]:
    response = await client.get("/api/v1/me/export/availability", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def test_one_export_per_ten_minutes(client: TestClient, clock: Clock) -> None:
    w = await world(client)
    assert await availability(client, w["alice_token"]) == {"available": True, "retry_after": 0}
    await export(client, w["alice_token"])
    clock.advance(9 * 60 + 30)
    # Asking changes nothing: the app asks before it offers a file name.
    for _ in range(2):
        assert await availability(client, w["alice_token"]) == {
            "available": False,
            "retry_after": 30,
        }
    response = await client.get("/api/v1/me/export", headers=bearer(w["alice_token"]))
    assert response.status == 429
    assert response.headers["Retry-After"] == "30"
    assert (await response.json())["error"]["code"] == "export_too_soon"
    # The limit is per user: Bob may export meanwhile.
    await export(client, w["bob_token"])
    clock.advance(30)
    assert (await availability(client, w["alice_token"]))["available"] is True
    await export(client, w["alice_token"])
    assert len(await sql(client, "SELECT * FROM exports WHERE user_id = ?", w["alice"]["id"])) == 1
    assert (await client.get("/api/v1/me/export/availability")).status == 401


async def test_a_pending_newsletter_confirmation_is_in_the_export(
    client: TestClient, clock: Clock
) -> None:
    await register(client)
    token = await login(client)
    response = await client.put(
        "/api/v1/me/consents/newsletter", json={"granted": True}, headers=bearer(token)
    )
    assert response.status == 200, await response.text()
    files = contents(await export(client, token))
    [pending] = json.loads(files["pending_consents.json"])
    assert pending == {
        "purpose": "newsletter",
        "requested_at": iso(clock.now),
        "expires_at": iso(clock.now + 7 * 86400),
    }
    assert "pending_consents.json" in files["README.txt"].decode()


async def test_export_shows_staff_reads(client: TestClient) -> None:
    w = await world(client)
    assert await StaffStore(client.server.app[DATABASE]).grant("bob", "billing", 0.0)
    response = await client.get(
        f"/api/v1/admin/users/{w['alice']['id']}",
        params={"reason": "invoice query"},
        headers=bearer(w["bob_token"]),
    )
    assert response.status == 200
    audit = json.loads(contents(await export(client, w["alice_token"]))["audit.json"])
    assert audit == [
        {
            "at": "2027-01-15T08:00:00Z",
            "staff_username": "bob",
            "staff_roles": ["billing"],
            "reason": "invoice query",
            "fields": ["first_name", "last_name", "billing_address"],
        }
    ]


async def test_export_needs_a_session(client: TestClient) -> None:
    assert (await client.get("/api/v1/me/export")).status == 401


async def test_the_database_serves_others_while_an_export_is_compressed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world(client)
    loop = asyncio.get_running_loop()
    real_build = export_module.build_zip
    seen: dict[str, Any] = {}

    def build_while_bob_writes(data: ExportData, target: IO[bytes], now: float) -> None:
        seen["thread"] = threading.current_thread()
        # Bob writes while Alice's ZIP is being built. Were it built inside the export's
        # transaction, on the database thread or on the event loop, this write could not finish.
        write = add_chat(client, w["bob_meeting"], 3, w["bob"], "written during the export")
        asyncio.run_coroutine_threadsafe(write, loop).result(timeout=30)
        seen["written"] = True
        real_build(data, target, now)

    monkeypatch.setattr(export_module, "build_zip", build_while_bob_writes)
    archive = await export(client, w["alice_token"])
    assert seen["written"] is True
    assert seen["thread"] is not threading.current_thread()
    assert not seen["thread"].name.startswith("podium-db")
    # The export is whole and holds the rows as they were when it was read.
    assert set(archive.namelist()) == FILES
    chat = json.loads(archive.read("chat.json"))
    assert [m["body"] for m in chat] == ["welcome to the tea party", "alice was in bobs meeting"]
    rows = await sql(client, "SELECT body FROM chat_messages WHERE seq = 3")
    assert rows == [{"body": "written during the export"}]
