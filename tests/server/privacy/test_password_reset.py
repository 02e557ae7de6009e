"""Forgot password through the real app: mailed over real SMTP, single use, 30 minutes, no tell."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import DATABASE, MAIL_SENDER
from server.settings import Settings
from tests.server.conftest import ALICE, Clock, bearer, login, register
from tests.server.privacy.conftest import SmtpRelay
from tests.server.privacy.consent_helpers import body_of, link_path
from tests.server.signaling.conftest import People

NEW_PASSWORD = "through-the-looking-glass-7"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
async def client(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> TestClient:
    return await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))


async def ask(client: TestClient, login_text: str, **headers: str) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/api/v1/password-resets", json={"login": login_text}, headers=headers
    )
    return response.status, await response.json()


async def mailed_link(client: TestClient, smtp: SmtpRelay) -> str:
    await client.app[MAIL_SENDER].deliver_due()
    message = await smtp.next_message()
    assert message["To"] == ALICE["email"]
    assert "30 minutes" in body_of(message)
    return link_path(message, "/reset/")


async def reset(client: TestClient, path: str, password: str) -> tuple[int, Any]:
    token = path.rsplit("/", 1)[1]
    response = await client.post(f"/api/v1/password-resets/{token}", json={"password": password})
    body = None if response.status == 204 else await response.json()
    return response.status, body


async def test_the_answer_is_the_same_whether_or_not_the_account_exists(
    client: TestClient, smtp: SmtpRelay
) -> None:
    await register(client)
    known = await ask(client, "ALICE@example.org")  # e-mail, any case
    unknown = await ask(client, "nobody@example.org")
    assert known == unknown == (202, {"mail": True, "expires_in_seconds": 1800})
    await client.app[MAIL_SENDER].deliver_due()
    arrived = [await smtp.next_message(), *smtp.received_so_far()]
    assert [m["To"] for m in arrived] == [ALICE["email"]]  # only the real account got mail
    assert arrived[0]["List-Unsubscribe"] is None  # service mail
    # The unknown login's writes were undone: one link and one mail are stored, Alice's.
    stored = await client.app[DATABASE].run(
        lambda conn: (
            conn.execute("SELECT count(*) FROM password_resets").fetchone()[0],
            [r[0] for r in conn.execute("SELECT recipient FROM outbox")],
        )
    )
    assert stored == (1, [ALICE["email"]])


async def test_the_link_sets_the_password_once_and_ends_every_session(
    client: TestClient, smtp: SmtpRelay
) -> None:
    people = People(client)
    token = await people.user("alice")
    peer = await people.peer(token)
    other = await login(client)
    status, _ = await ask(client, "alice")
    assert status == 202
    path = await mailed_link(client, smtp)

    # The page shows a labelled form and changes nothing; a scanner fetching it spends nothing.
    page = await client.get(path)
    html = await page.text()
    assert page.status == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert '<label for="password">' in html and 'id="password"' in html
    assert '<label for="password_repeat">' in html and "<script" not in html
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 200

    weak, body = await reset(client, path, "short")
    assert weak == 422 and "password" in body["error"]["fields"]
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 200  # nothing changed

    assert await reset(client, path, NEW_PASSWORD) == (204, None)
    for session in (token, other):
        assert (await client.get("/api/v1/me", headers=bearer(session))).status == 401
    assert await peer.closed() == (4002, "the password was changed; log in again")
    again = await client.post(
        "/api/v1/sessions", json={"login": "alice", "password": ALICE["password"]}
    )
    assert again.status == 401
    await login(client, "alice", NEW_PASSWORD)

    status, body = await reset(client, path, "another-good-password-9")
    assert status == 410 and body["error"]["code"] == "reset_link_used"
    used = await client.get(path)
    assert used.status == 410 and "has been used" in await used.text()


async def test_the_link_expires_after_30_minutes(
    client: TestClient, smtp: SmtpRelay, clock: Clock
) -> None:
    await register(client)
    await ask(client, "alice")
    path = await mailed_link(client, smtp)
    clock.advance(30 * 60)
    status, body = await reset(client, path, NEW_PASSWORD)
    assert status == 410 and body["error"]["code"] == "reset_link_expired"
    page = await client.get(path)
    assert page.status == 410 and "expired" in await page.text()
    await login(client)  # the old password still works


async def test_the_page_form_works_without_javascript(client: TestClient, smtp: SmtpRelay) -> None:
    await register(client)
    await ask(client, "alice")
    path = await mailed_link(client, smtp)
    mismatch = await client.post(
        path, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD + "x"}
    )
    assert mismatch.status == 422 and "not the same" in await mismatch.text()
    common = await client.post(path, data={"password": "password", "password_repeat": "password"})
    assert common.status == 422 and "cannot be used" in await common.text()
    done = await client.post(path, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status == 200 and "Your password is changed" in await done.text()
    assert done.headers["Content-Security-Policy"].startswith("default-src 'none'")
    await login(client, "alice", NEW_PASSWORD)
    spent = await client.post(
        path, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    )
    assert spent.status == 410


async def test_unknown_and_malformed_links_get_clear_errors(client: TestClient) -> None:
    for token in ("x" * 43, "not-a-token", "%3Cscript%3E"):
        response = await client.post(
            f"/api/v1/password-resets/{token}", json={"password": NEW_PASSWORD}
        )
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "reset_link_unknown"
        page = await client.get(f"/reset/{token}")
        assert page.status == 404 and "<script>" not in await page.text()
    for body in ({}, {"login": ""}, {"login": 5}, {"login": "a" * 400}):
        response = await client.post("/api/v1/password-resets", json=body)
        assert response.status == 422
    response = await client.post("/api/v1/password-resets", data=b"nope")
    assert response.status == 400


async def test_requests_are_throttled_per_address_and_per_account(
    client: TestClient, smtp: SmtpRelay
) -> None:
    await register(client)
    for _ in range(3):
        assert (await ask(client, "alice"))[0] == 202
    # The fourth for the same account answers the same, but no more mail goes out.
    assert (await ask(client, "alice"))[0] == 202
    await client.app[MAIL_SENDER].deliver_due()
    assert len([await smtp.next_message(), *smtp.received_so_far()]) == 3
    for _ in range(6):
        assert (await ask(client, "someone-else"))[0] == 202
    status, body = await ask(client, "someone-else")  # the address's 11th
    assert status == 429 and body["error"]["code"] == "too_many_resets"


async def test_only_the_hash_of_a_token_is_stored(client: TestClient, smtp: SmtpRelay) -> None:
    await register(client)
    await ask(client, "alice")
    token = (await mailed_link(client, smtp)).rsplit("/", 1)[1]
    rows = await client.app[DATABASE].run(
        lambda conn: [tuple(r) for r in conn.execute("SELECT * FROM password_resets")]
    )
    assert len(rows) == 1 and token.encode() not in repr(rows).encode()


async def test_without_a_relay_the_server_says_so_and_queues_nothing(
    aiohttp_client: Any, settings: Settings
) -> None:
    client = await aiohttp_client(create_app(settings))
    await register(client)
    info = await client.get("/api/v1/server-info")
    assert await info.json() == {"mail": False}
    assert await ask(client, "alice") == (202, {"mail": False, "expires_in_seconds": 1800})
    count = await client.app[DATABASE].run(
        lambda conn: conn.execute("SELECT count(*) FROM password_resets").fetchone()[0]
    )
    assert count == 0


def admin_reset_link(data_dir: Path, config: Path, user: str) -> subprocess.CompletedProcess[str]:
    server = [sys.executable, "-m", "server", "--data-dir", str(data_dir), "--config", str(config)]
    return subprocess.run(
        [*server, "admin", "reset-link", user],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


async def test_admin_reset_link_prints_a_working_link(
    aiohttp_client: Any, settings: Settings, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(settings))
    await register(client)
    await client.close()  # the command opens the database itself
    config = tmp_path / "server.toml"
    config.write_text('[server]\nkey_source = "file"\npublic_url = "https://podium.example.org"\n')

    done = await asyncio.to_thread(admin_reset_link, settings.data_dir, config, "ALICE")
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip()
    assert re.fullmatch(r"https://podium\.example\.org/reset/[A-Za-z0-9_-]{43}", link), link
    assert "works once" in done.stderr

    client = await aiohttp_client(create_app(settings))
    assert await reset(client, link.removeprefix("https://podium.example.org"), NEW_PASSWORD) == (
        204,
        None,
    )
    await login(client, "alice", NEW_PASSWORD)
    missing = await asyncio.to_thread(admin_reset_link, settings.data_dir, config, "nobody")
    assert missing.returncode == 1 and "no account" in missing.stderr
