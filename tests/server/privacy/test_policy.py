"""Policy versions: publish-policy through the real CLI, the notice, acceptance after the date."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.admin.publish_policy import parse_effective
from server.app import create_app
from server.http.accounts import iso
from server.keys import DATABASE, MAIL_SENDER, POLICY
from server.privacy.policy import PolicyError
from server.settings import Settings
from tests.server.conftest import ALICE, Clock, bearer, login, register
from tests.server.privacy.conftest import SmtpRelay
from tests.server.privacy.consent_helpers import body_of, outbox

REPO = Path(__file__).resolve().parents[3]
EFFECTIVE = "2027-02-01"  # two weeks after the test clock's start (2027-01-15)
EFFECTIVE_AT = datetime(2027, 2, 1, tzinfo=UTC).timestamp()


def write_config(tmp_path: Path, smtp: SmtpRelay) -> Path:
    config = tmp_path / "server.toml"
    config.write_text(
        '[server]\nkey_source = "file"\npublic_url = "https://podium.example.org"\n'
        f'[mail]\nhost = "{smtp.host}"\nport = {smtp.port}\nstarttls = false\n'
    )
    return config


async def admin(data_dir: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "server", "--data-dir", str(data_dir), "--config"]
    return await asyncio.to_thread(
        subprocess.run,
        [*command, str(config), "admin", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


async def my_policy(client: TestClient, token: str) -> dict[str, Any]:
    response = await client.get("/api/v1/me/policy", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def test_publish_policy_command_mails_everyone_then_acceptance_is_asked_and_recorded(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay, tmp_path: Path
) -> None:
    first = await aiohttp_client(create_app(settings, clock=clock))
    await register(first)
    await register(first, username="bob", email="bob@example.org")
    await first.close()

    config = write_config(tmp_path, smtp)
    summary = tmp_path / "summary.txt"
    summary.write_text("We now keep chat history for 30 days.\n", encoding="utf-8")
    args = ["publish-policy", "--version", "2027-02", "--effective", EFFECTIVE]
    result = await admin(settings.data_dir, config, *args, "--summary", str(summary))
    assert result.returncode == 0, result.stderr
    assert "published policy 2027-02, effective 2027-02-01" in result.stdout
    assert "2 member(s) e-mailed" in result.stdout
    duplicate = await admin(settings.data_dir, config, *args, "--summary", str(summary))
    assert duplicate.returncode == 1 and "already published" in duplicate.stderr

    # The server (with its relay) delivers what the command queued.
    client = await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))
    mails = [await smtp.next_message(), await smtp.next_message()]
    assert sorted(str(m["To"]) for m in mails) == ["alice@example.org", "bob@example.org"]
    for mail in mails:
        assert mail["Subject"] == "Privacy policy change on 2027-02-01"
        assert "We now keep chat history for 30 days." in body_of(mail)
        assert "2027-02-01" in body_of(mail)
        assert "List-Unsubscribe" not in mail  # a policy change is service mail

    # Before the date: a notice of the upcoming version, nothing to accept yet.
    alice = await login(client)
    public = await (await client.get("/api/v1/policy")).json()
    upcoming = {
        "version": "2027-02",
        "effective_at": "2027-02-01T00:00:00Z",
        "summary": "We now keep chat history for 30 days.",
    }
    # A fresh server put its bundled policy in force; registering accepted it.
    bundled = public["current"]
    assert bundled["version"] == "1" and "What is stored" in bundled["summary"]
    assert public == {"current": bundled, "upcoming": upcoming}
    assert await my_policy(client, alice) == {
        "current": bundled,
        "accepted_version": "1",
        "must_accept": False,
        "upcoming": upcoming,
    }

    # After it: the app must ask, until the user accepts.
    clock.now = EFFECTIVE_AT + 1
    alice = await login(client)  # the old session idled out in the meantime
    state = await my_policy(client, alice)
    assert (state["current"], state["upcoming"], state["must_accept"]) == (upcoming, None, True)
    accepted = await client.post(
        "/api/v1/me/policy/accept", json={"version": "2027-02"}, headers=bearer(alice)
    )
    assert accepted.status == 200, await accepted.text()
    assert (await accepted.json())["must_accept"] is False
    assert (await my_policy(client, alice))["accepted_version"] == "2027-02"
    assert (await my_policy(client, await login(client, "bob")))["must_accept"] is True
    rows = await client.app[DATABASE].run(
        lambda conn: conn.execute(
            "SELECT u.username, a.version, a.accepted_at, a.source FROM policy_acceptances a"
            " JOIN users u ON u.id = a.user_id WHERE a.version != '1'"
        ).fetchall()
    )
    assert [tuple(row) for row in rows] == [("alice", "2027-02", clock.now, "app")]


async def test_send_newsletter_command_reaches_confirmed_subscribers(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay, tmp_path: Path
) -> None:
    first = await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))
    await register(first)
    await register(first, username="bob", email="bob@example.org")
    alice = await login(first)
    await first.put("/api/v1/me/consents/newsletter", json={"granted": True}, headers=bearer(alice))
    confirm = body_of(await smtp.next_message()).split("/consents/confirm/")[1].split()[0]
    assert (await first.post(f"/consents/confirm/{confirm}")).status == 200
    await first.close()

    body = tmp_path / "news.txt"
    body.write_text("Podium 2.0 is out.\n", encoding="utf-8")
    config = write_config(tmp_path, smtp)
    result = await admin(
        settings.data_dir, config, "send-newsletter", "--subject", "News", "--body", str(body)
    )
    assert result.returncode == 0, result.stderr
    assert "newsletter queued for 1 subscriber(s)" in result.stdout

    second = await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))
    message = await smtp.next_message()
    assert (message["To"], message["Subject"]) == ("alice@example.org", "News")
    assert message["List-Unsubscribe"].startswith("<https://podium.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Podium 2.0 is out." in body_of(message)
    await second.app[MAIL_SENDER].deliver_due()
    assert all(m.sent_at is not None for m in await outbox(second))


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, clock: Clock) -> TestClient:
    return await aiohttp_client(create_app(settings, clock=clock))


async def test_registration_accepts_the_version_in_force(client: TestClient, clock: Clock) -> None:
    await register(client, username="early", email="early@example.org")
    await client.app[POLICY].publish("v1", clock.now + 100, "One.")
    clock.advance(200)
    await register(client)
    alice = await login(client)
    assert await my_policy(client, alice) == {
        "current": {"version": "v1", "effective_at": iso(clock.now - 100), "summary": "One."},
        "accepted_version": "v1",
        "must_accept": False,
        "upcoming": None,
    }
    # "early" accepted the bundled default when registering: a published version outranks it.
    early = await my_policy(client, await login(client, "early"))
    assert (early["accepted_version"], early["must_accept"]) == ("1", True)
    sources = await client.app[DATABASE].run(
        lambda conn: [
            tuple(r) for r in conn.execute("SELECT version, source FROM policy_acceptances")
        ]
    )
    assert sorted(sources) == [("1", "registration"), ("v1", "registration")]


async def test_accepting_an_upcoming_version_early_covers_it(
    client: TestClient, clock: Clock
) -> None:
    await client.app[POLICY].publish("v1", clock.now - 10, "One.")
    await register(client)
    alice = await login(client)
    await client.app[POLICY].publish("v2", clock.now + 3600, "Two.")
    state = await my_policy(client, alice)
    assert (state["accepted_version"], state["must_accept"]) == ("v1", False)
    assert state["upcoming"]["version"] == "v2"
    response = await client.post(
        "/api/v1/me/policy/accept", json={"version": "v2", "source": "web"}, headers=bearer(alice)
    )
    assert response.status == 200
    clock.advance(7200)
    state = await my_policy(client, alice)
    assert (state["current"]["version"], state["accepted_version"]) == ("v2", "v2")
    assert state["must_accept"] is False


async def test_bad_acceptances_are_refused_and_change_nothing(
    client: TestClient, clock: Clock
) -> None:
    await client.app[POLICY].publish("v1", clock.now - 10, "One.")
    await register(client, username="early", email="early@example.org")
    await client.app[POLICY].publish("v2", clock.now - 5, "Two.")
    token = await login(client, "early")
    auth = bearer(token)
    for body, status in (
        ({"version": "v9"}, 422),
        ({}, 422),
        ({"version": 2}, 422),
        ({"version": "v2", "source": "registration"}, 422),
        ({"version": "v2", "extra": True}, 422),
        ([], 400),
    ):
        response = await client.post("/api/v1/me/policy/accept", json=body, headers=auth)
        assert response.status == status, (body, await response.text())
    assert (await client.post("/api/v1/me/policy/accept", json={"version": "v2"})).status == 401
    assert (await client.get("/api/v1/me/policy")).status == 401
    state = await my_policy(client, token)
    assert (state["accepted_version"], state["must_accept"]) == ("v1", True)


async def test_publish_refuses_bad_versions(client: TestClient, clock: Clock) -> None:
    policy = client.app[POLICY]
    await policy.publish("v1", clock.now, "One.")
    for version, summary, problem in (
        ("v1", "Again.", "already published"),
        ("", "Empty version.", "version"),
        ("x" * 65, "Long version.", "version"),
        ("v2", "   ", "empty"),
    ):
        with pytest.raises(PolicyError, match=problem):
            await policy.publish(version, clock.now, summary)
    public = await (await client.get("/api/v1/policy")).json()
    assert public["current"]["version"] == "v1"


def test_effective_dates_are_iso_8601_in_utc() -> None:
    assert parse_effective("2027-02-01") == EFFECTIVE_AT
    assert parse_effective("2027-02-01T00:00:00") == EFFECTIVE_AT
    assert parse_effective("2027-02-01T01:00:00+01:00") == EFFECTIVE_AT
    assert parse_effective("2027-02-01T00:00Z") == EFFECTIVE_AT
    for bad in ("tomorrow", "2027-13-01", "01/02/2027", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_effective(bad)


async def test_a_fresh_server_has_the_bundled_policy_and_registration_accepts_what_it_showed(
    client: TestClient, clock: Clock
) -> None:
    public = await (await client.get("/api/v1/policy")).json()
    bundled = public["current"]
    assert bundled["version"] == "1" and public["upcoming"] is None
    shipped = (REPO / "resources" / "privacy-policy.txt").read_text(encoding="utf-8").strip()
    assert bundled["summary"] == shipped

    # A version other than the one in force is refused before anything is stored.
    stale = await client.post("/api/v1/accounts", json={**ALICE, "policy_version": "0"})
    assert stale.status == 422
    assert "policy_version" in (await stale.json())["error"]["fields"]
    nobody = await client.post("/api/v1/sessions", json={"login": "alice", "password": "x"})
    assert nobody.status == 401
    await register(client, policy_version="1")
    alice = await login(client)
    assert (await my_policy(client, alice))["accepted_version"] == "1"

    # Any version the operator publishes takes the default's place, even one dated earlier.
    await client.app[POLICY].publish("2020-01", clock.now - 86400 * 365, "The operator's own.")
    state = await my_policy(client, alice)
    assert (state["current"]["version"], state["must_accept"]) == ("2020-01", True)
    # A restart does not bring the default back.
    await client.app[POLICY].install_default("again")
    assert (await my_policy(client, alice))["current"]["version"] == "2020-01"
