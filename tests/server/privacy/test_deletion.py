"""Account deletion: re-authenticated, sessions end at once, cancellable, then erased for good."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import DATABASE, DELETION
from server.settings import Settings
from server.store.keystore import database_path
from server.store.meetings import ChatRecord, MeetingStore
from tests.server.conftest import ALICE, Clock, bearer, login, register
from tests.server.privacy.conftest import SmtpRelay

DAY = 86400.0
PASSWORD = ALICE["password"]


async def sql(client: TestClient, statement: str, *args: Any) -> list[dict[str, Any]]:
    return await client.server.app[DATABASE].run(
        lambda conn: [dict(row) for row in conn.execute(statement, args)]
    )


async def delete_me(client: TestClient, token: str, body: Any) -> Any:
    return await client.delete("/api/v1/me", json=body, headers=bearer(token))


async def error_code(response: Any, status: int) -> str:
    assert response.status == status, await response.text()
    return (await response.json())["error"]["code"]


async def test_wrong_password_is_refused_and_nothing_changes(client: TestClient) -> None:
    alice = await register(client)
    token = await login(client)
    assert (
        await error_code(await delete_me(client, token, {"password": "not-it-at-all"}), 403)
        == "wrong_password"
    )
    assert await error_code(await delete_me(client, token, {}), 422) == "validation_failed"
    assert await error_code(await delete_me(client, token, {"password": 42}), 422)
    bad_json = await client.delete("/api/v1/me", data=b"[", headers=bearer(token))
    assert await error_code(bad_json, 400) == "invalid_json"
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 200
    [row] = await sql(client, "SELECT deletion_requested_at FROM users WHERE id = ?", alice["id"])
    assert row["deletion_requested_at"] is None
    assert (await client.delete("/api/v1/me", json={"password": PASSWORD})).status == 401


async def test_deletion_ends_every_session_and_login_offers_to_cancel(
    client: TestClient, clock: Clock
) -> None:
    await register(client)
    token, other = await login(client), await login(client)
    response = await delete_me(client, token, {"password": PASSWORD})
    assert response.status == 202
    assert await response.json() == {
        "state": "pending_deletion",
        "requested_at": "2027-01-15T08:00:00Z",
        "erase_after": "2027-01-22T08:00:00Z",
    }
    for used in (token, other):
        assert (await client.get("/api/v1/me", headers=bearer(used))).status == 401
    assert await sql(client, "SELECT * FROM sessions") == []

    refused = await client.post("/api/v1/sessions", json={"login": "alice", "password": PASSWORD})
    assert await error_code(refused, 403) == "account_pending_deletion"
    message = (await refused.json())["error"]["message"]
    assert "cancel" in message and "2027-01-22 08:00 UTC" in message
    # Without the password nobody learns that the account is pending deletion.
    wrong = await client.post("/api/v1/sessions", json={"login": "alice", "password": "guess-1234"})
    assert await error_code(wrong, 401) == "invalid_credentials"

    cancel = "/api/v1/accounts/cancel-deletion"
    bad = await client.post(cancel, json={"login": "alice", "password": "guess-1234"})
    assert await error_code(bad, 401) == "invalid_credentials"
    assert await error_code(await client.post(cancel, json={"login": "alice"}), 422)
    clock.advance(6 * DAY)
    assert (await client.post(cancel, json={"login": "ALICE", "password": PASSWORD})).status == 204
    token = await login(client)
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 200
    again = await client.post(cancel, json={"login": "alice", "password": PASSWORD})
    assert await error_code(again, 409) == "not_pending_deletion"
    # Cancelled means kept: the purge long after the grace leaves the account alone.
    assert await client.server.app[DELETION].purge(clock.now + 30 * DAY) == 0


async def test_a_confirmation_email_goes_out(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> None:
    client = await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))
    await register(client)
    token = await login(client)
    assert (await delete_me(client, token, {"password": PASSWORD})).status == 202
    message = await smtp.next_message()
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "Your Podium account is to be deleted"
    assert "List-Unsubscribe" not in message  # service mail
    body = message.get_content()
    assert "2027-01-22 08:00 UTC" in body and "cancel" in body
    assert PASSWORD not in body


async def populate(client: TestClient) -> dict[str, Any]:
    """Alice with data of every kind; Bob, in whose meeting she chatted and who chatted in hers."""
    alice = await register(client, city="Quuxtown")
    token = await login(client)
    bob = await register(
        client, username="bob", email="bob@example.org", first_name="Bob", last_name="Builder"
    )
    bob_token = await login(client, "bob")
    await client.put(
        "/api/v1/me/consents/usage_statistics", json={"granted": True}, headers=bearer(token)
    )
    await sql(
        client,
        "INSERT INTO contacts (owner_id, first_name, email, email_key, created_at, updated_at)"
        " VALUES (?, 'Carol', 'carol@example.org', 'carol@example.org', 0, 0)",
        alice["id"],
    )
    meetings = MeetingStore(client.server.app[DATABASE])
    ids = {}
    for owner_token, subject in ((token, "Tea party"), (bob_token, "Site visit")):
        response = await client.post(
            "/api/v1/meetings", json={"subject": subject}, headers=bearer(owner_token)
        )
        ids[subject] = (await response.json())["id"]
    for meeting, seq, user, body in (
        (ids["Tea party"], 1, alice, "alice in her own meeting"),
        (ids["Tea party"], 2, bob, "bob at the tea party"),
        (ids["Site visit"], 1, bob, "bob on his site"),
        (ids["Site visit"], 2, alice, "alice on bobs site"),
    ):
        await meetings.add_chat(
            meeting,
            ChatRecord(seq, f"p{user['id']}", user["id"], user["first_name"], None, body, 0.0),
            100,
        )
    return {"alice": alice, "token": token, "bob": bob, "bob_token": bob_token, **ids}


async def rows_containing(client: TestClient, needle: str) -> list[str]:
    """Every table whose rows hold `needle` anywhere, as text or bytes."""

    def work(conn: Any) -> list[str]:
        found = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    if (isinstance(cell, str) and needle.casefold() in cell.casefold()) or (
                        isinstance(cell, bytes) and needle.encode() in cell
                    ):
                        found.append(table)
        return found

    return await client.server.app[DATABASE].run(work)


async def test_purge_after_the_grace_period_erases_the_account(
    client: TestClient, clock: Clock, settings: Settings
) -> None:
    w = await populate(client)
    alice_id = w["alice"]["id"]
    assert set(await rows_containing(client, "alice@example.org")) == {"users"}
    assert (await delete_me(client, w["token"], {"password": PASSWORD})).status == 202
    deletion = client.server.app[DELETION]

    clock.advance(7 * DAY - 1)
    assert await deletion.purge() == 0
    assert len(await sql(client, "SELECT * FROM users WHERE id = ?", alice_id)) == 1
    clock.advance(1)
    assert await deletion.purge() == 1

    wal = Path(f"{database_path(settings.data_dir)}-wal")
    # Checkpointed: erased rows do not linger in the WAL.
    assert await asyncio.to_thread(os.path.getsize, wal) == 0
    for table, column in (
        ("users", "id"),
        ("sessions", "user_id"),
        ("contacts", "owner_id"),
        ("consent_events", "user_id"),
        ("meetings", "host_user_id"),
        ("outbox", "user_id"),
        ("exports", "user_id"),
    ):
        assert await sql(client, f"SELECT * FROM {table} WHERE {column} = ?", alice_id) == []
    for needle in (
        "alice@example.org",
        "Liddell",
        "Quuxtown",
        "carol@example.org",
        "Tea party",
        "alice in her own meeting",
        "bob at the tea party",
    ):
        assert await rows_containing(client, needle) == [], needle
    # What she said in Bob's meeting stays his, under "Deleted user".
    chat = await sql(
        client, "SELECT * FROM chat_messages WHERE meeting_id = ? ORDER BY seq", w["Site visit"]
    )
    assert [(m["sender_name"], m["sender_user_id"], m["body"]) for m in chat] == [
        ("Bob", w["bob"]["id"], "bob on his site"),
        ("Deleted user", None, "alice on bobs site"),
    ]
    refused = await client.post("/api/v1/sessions", json={"login": "alice", "password": PASSWORD})
    assert await error_code(refused, 401) == "invalid_credentials"
    # Bob is untouched.
    assert (await client.get("/api/v1/me", headers=bearer(w["bob_token"]))).status == 200
    # The e-mail address is free again.
    await register(client)


async def test_the_server_purges_on_its_own(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    first = await aiohttp_client(create_app(settings, clock=clock))
    await register(first)
    token = await login(first)
    assert (await delete_me(first, token, {"password": PASSWORD})).status == 202
    await first.close()
    clock.advance(8 * DAY)
    # The purge runs when the server starts, then hourly.
    second = await aiohttp_client(create_app(settings, clock=clock))
    for _ in range(500):
        if not await sql(second, "SELECT id FROM users"):
            break
        await asyncio.sleep(0.02)
    assert await sql(second, "SELECT id FROM users") == []


def admin(data_dir: Path, *args: str, grace_days: float = 7) -> subprocess.CompletedProcess[str]:
    config = data_dir.parent / "server.toml"
    config.write_text(
        f'[server]\nkey_source = "file"\n[privacy]\ndeletion_grace_days = {grace_days}\n'
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "--data-dir",
            str(data_dir),
            "--config",
            str(config),
            "admin",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_admin_commands_list_and_purge(aiohttp_client: Any, settings: Settings) -> None:
    client = await aiohttp_client(create_app(settings, clock=time.time))
    alice = await register(client)
    await register(client, username="bob", email="bob@example.org")
    token = await login(client)
    assert (await delete_me(client, token, {"password": PASSWORD})).status == 202

    listed = admin(settings.data_dir, "pending-deletions")
    assert listed.returncode == 0, listed.stderr
    [_header, line] = listed.stdout.strip().splitlines()
    assert line.split()[:2] == [str(alice["id"]), "alice"]
    assert "alice@example.org" not in listed.stdout and "Liddell" not in listed.stdout

    kept = admin(settings.data_dir, "purge-deleted")
    assert kept.returncode == 0 and "erased 0 account(s)" in kept.stdout
    purged = admin(settings.data_dir, "purge-deleted", grace_days=0)
    assert purged.returncode == 0, purged.stderr
    assert "erased 1 account(s)" in purged.stdout
    assert [row["username"] for row in await sql(client, "SELECT username FROM users")] == ["bob"]
    assert "no account is pending deletion" in admin(settings.data_dir, "pending-deletions").stdout
