"""Staff reads of user data: refused without a role, least privilege with one, always audited."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from server.keys import DATABASE
from server.settings import Settings
from server.store.accounts import PROFILE_COLUMNS
from server.store.staff import StaffStore
from tests.server.conftest import Clock, bearer, login, register

SUPPORT_FIELDS = {"first_name", "last_name", "email", "username", "account_state"}
BILLING_FIELDS = {"first_name", "last_name", "billing_address"}


async def grant(client: TestClient, username: str, role: str) -> None:
    assert await StaffStore(client.server.app[DATABASE]).grant(username, role, 0.0)


async def audit_rows(client: TestClient) -> list[dict[str, Any]]:
    return await client.server.app[DATABASE].run(
        lambda conn: [dict(row) for row in conn.execute("SELECT * FROM audit_log ORDER BY id")]
    )


async def people(client: TestClient) -> tuple[dict[str, Any], str, dict[str, Any], str]:
    """Alice (the subject, with a billing address) and Sam (staff to be); their tokens."""
    alice = await register(client, phone="+44 20 7946 0000", company="Wonderland Ltd")
    await client.server.app[DATABASE].run(
        lambda conn: conn.execute(
            "UPDATE users SET billing_address = '1 Rabbit Hole, Oxford' WHERE id = ?",
            (alice["id"],),
        )
    )
    sam = await register(
        client, username="sam", email="sam@example.org", first_name="Sam", last_name="Staff"
    )
    return alice, await login(client), sam, await login(client, "sam")


async def read(client: TestClient, token: str, user_id: object, reason: str | None) -> Any:
    params = {} if reason is None else {"reason": reason}
    return await client.get(f"/api/v1/admin/users/{user_id}", params=params, headers=bearer(token))


async def test_a_read_without_a_role_is_refused_and_not_audited(client: TestClient) -> None:
    alice, _, _, sam_token = await people(client)
    response = await read(client, sam_token, alice["id"], "customer called about billing")
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "forbidden"
    assert await audit_rows(client) == []


async def test_no_session_is_401(client: TestClient) -> None:
    alice, _, _, _ = await people(client)
    response = await client.get(f"/api/v1/admin/users/{alice['id']}?reason=because")
    assert response.status == 401


async def test_support_sees_only_support_fields_and_the_read_is_audited(
    client: TestClient, clock: Clock
) -> None:
    alice, alice_token, sam, sam_token = await people(client)
    await grant(client, "sam", "support")
    response = await read(client, sam_token, alice["id"], "  ticket 4711: cannot log in ")
    assert response.status == 200
    body = await response.json()
    assert body == {
        "id": alice["id"],
        "roles": ["support"],
        "fields": {
            "first_name": "Alice",
            "last_name": "Liddell",
            "email": "alice@example.org",
            "username": "alice",
            "account_state": "active",
        },
    }
    [row] = await audit_rows(client)
    assert row["subject_user_id"] == alice["id"] and row["staff_user_id"] == sam["id"]
    assert row["staff_role"] == "support" and row["reason"] == "ticket 4711: cannot log in"
    assert set(json.loads(row["fields"])) == SUPPORT_FIELDS
    assert row["at"] == clock.now

    mine = await (await client.get("/api/v1/me/audit", headers=bearer(alice_token))).json()
    assert mine == {
        "entries": [
            {
                "at": "2027-01-15T08:00:00Z",
                "staff_username": "sam",
                "staff_roles": ["support"],
                "reason": "ticket 4711: cannot log in",
                "fields": ["first_name", "last_name", "email", "username", "account_state"],
            }
        ]
    }
    # The staff member's own audit is theirs only: nobody read Sam's data.
    theirs = await (await client.get("/api/v1/me/audit", headers=bearer(sam_token))).json()
    assert theirs == {"entries": []}

    export = await client.get("/api/v1/me/export", headers=bearer(alice_token))
    assert export.status == 200
    with zipfile.ZipFile(io.BytesIO(await export.read())) as archive:
        assert json.loads(archive.read("audit.json")) == mine["entries"]


async def test_billing_sees_name_and_billing_address_only(client: TestClient) -> None:
    alice, _, _, sam_token = await people(client)
    await grant(client, "sam", "billing")
    body = await (await read(client, sam_token, alice["id"], "invoice 12 bounced")).json()
    assert body["fields"] == {
        "first_name": "Alice",
        "last_name": "Liddell",
        "billing_address": "1 Rabbit Hole, Oxford",
    }
    [row] = await audit_rows(client)
    assert set(json.loads(row["fields"])) == BILLING_FIELDS


async def test_admin_sees_the_profile_but_never_a_password_hash(client: TestClient) -> None:
    alice, _, _, sam_token = await people(client)
    await grant(client, "sam", "admin")
    response = await read(client, sam_token, alice["id"], "abuse report 99")
    text = await response.text()
    fields = json.loads(text)["fields"]
    assert fields["phone"] == "+44 20 7946 0000" and fields["company"] == "Wonderland Ltd"
    assert fields["created_at"] == "2027-01-15T08:00:00Z" and fields["account_state"] == "active"
    assert set(fields) == {*PROFILE_COLUMNS, "created_at", "account_state"}
    assert "billing_address" not in fields  # that is billing's business
    assert "password" not in text and "argon2" not in text and "token" not in text


async def test_several_roles_see_the_union(client: TestClient) -> None:
    alice, _, _, sam_token = await people(client)
    await grant(client, "sam", "support")
    await grant(client, "sam", "billing")
    body = await (await read(client, sam_token, alice["id"], "refund for ticket 12")).json()
    assert body["roles"] == ["billing", "support"]
    assert set(body["fields"]) == SUPPORT_FIELDS | BILLING_FIELDS
    [row] = await audit_rows(client)
    assert row["staff_role"] == "billing,support"


async def test_reason_is_required(client: TestClient) -> None:
    alice, _, _, sam_token = await people(client)
    await grant(client, "sam", "support")
    for reason in (None, "", "  ab  ", "x" * 501):
        response = await read(client, sam_token, alice["id"], reason)
        assert response.status == 422, reason
        assert "reason" in (await response.json())["error"]["fields"]
    assert await audit_rows(client) == []


async def test_unknown_user_is_404_and_not_audited(client: TestClient) -> None:
    _, _, _, sam_token = await people(client)
    await grant(client, "sam", "support")
    for user_id in (999, "0", "abc", "99999999999999999999999"):
        response = await read(client, sam_token, user_id, "looking for someone")
        assert response.status == 404, user_id
    assert await audit_rows(client) == []


async def test_state_shows_a_pending_deletion(client: TestClient) -> None:
    alice, alice_token, _, sam_token = await people(client)
    await grant(client, "sam", "support")
    response = await client.delete(
        "/api/v1/me", json={"password": "rabbit-hole-42"}, headers=bearer(alice_token)
    )
    assert response.status == 202
    body = await (await read(client, sam_token, alice["id"], "deletion question")).json()
    assert body["fields"]["account_state"] == "pending_deletion"


def admin(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = data_dir.parent / "server.toml"
    config.write_text('[server]\nkey_source = "file"\n')
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


async def test_grant_and_revoke_role_commands(client: TestClient, settings: Settings) -> None:
    alice, _, _, sam_token = await people(client)
    granted = admin(settings.data_dir, "grant-role", "--user", "Sam", "--role", "support")
    assert granted.returncode == 0, granted.stderr
    assert "sam now has the support role" in granted.stdout.lower()
    again = admin(settings.data_dir, "grant-role", "--user", "sam", "--role", "support")
    assert "already had" in again.stdout
    assert (await read(client, sam_token, alice["id"], "checking the grant")).status == 200

    revoked = admin(settings.data_dir, "revoke-role", "--user", "sam", "--role", "support")
    assert revoked.returncode == 0 and "no longer has" in revoked.stdout
    assert (await read(client, sam_token, alice["id"], "checking the revoke")).status == 403

    nobody = admin(settings.data_dir, "grant-role", "--user", "nobody", "--role", "admin")
    assert nobody.returncode == 1 and "no account" in nobody.stderr
    bad_role = admin(settings.data_dir, "grant-role", "--user", "sam", "--role", "root")
    assert bad_role.returncode == 2
