"""The consent ledger through the real app: everything starts withdrawn, double opt-in, events."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.http.accounts import iso
from server.keys import MAIL_SENDER, POLICY
from server.settings import Settings
from tests.server.conftest import Clock, bearer, login, register
from tests.server.privacy.conftest import SmtpRelay
from tests.server.privacy.consent_helpers import (
    body_of,
    consents,
    link_path,
    outbox,
    put_consent,
    state,
)

PURPOSES = ["newsletter", "usage_statistics", "testimonial_publication", "organiser_contact"]


@pytest.fixture
async def client(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> TestClient:
    return await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))


@pytest.fixture
async def token(client: TestClient) -> str:
    await register(client)
    return await login(client)


async def test_every_purpose_starts_withdrawn(client: TestClient, token: str) -> None:
    listed = await consents(client, token)
    assert [c["purpose"] for c in listed["consents"]] == PURPOSES
    for consent in listed["consents"]:
        assert consent == {
            "purpose": consent["purpose"],
            "granted": False,
            "pending": False,
            "changed_at": None,
            "source": None,
            "policy_version": None,
        }
    assert listed["events"] == []


async def test_newsletter_takes_effect_only_after_the_emailed_link_is_confirmed(
    client: TestClient, token: str, smtp: SmtpRelay, clock: Clock
) -> None:
    await client.app[POLICY].publish("2027-01", clock.now - 86400, "The first policy.")
    assert "2027-01" in body_of(await smtp.next_message())  # the policy announcement
    answer = await put_consent(client, token, "newsletter", granted=True)
    assert (answer["granted"], answer["pending"]) == (False, True)
    assert (await consents(client, token))["events"] == []

    message = await smtp.next_message()
    assert message["To"] == "alice@example.org"
    assert "List-Unsubscribe" not in message  # it answers the user's own request: service mail
    path = link_path(message, "/consents/confirm/")
    assert f"{client.make_url(path)}" in body_of(message)  # the link points at this server

    # Following the link (as a mail scanner would) only shows the page with its button.
    page = await client.get(path)
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert html.count("<button") == 1 and 'method="post"' in html
    assert (await state(client, token, "newsletter"))["pending"] is True
    assert (await state(client, token, "newsletter"))["granted"] is False

    clock.advance(30)
    confirmed = await client.post(path)
    assert confirmed.status == 200 and "You are subscribed" in await confirmed.text()
    newsletter = await state(client, token, "newsletter")
    assert (newsletter["granted"], newsletter["pending"]) == (True, False)
    events = (await consents(client, token))["events"]
    assert events == [
        {
            "purpose": "newsletter",
            "granted": True,
            "policy_version": "2027-01",
            "source": "email",
            "at": iso(clock.now),
        }
    ]

    # The link works once; using it again changes nothing.
    again = await client.post(path)
    assert again.status == 410 and again.content_type == "text/html"
    assert len((await consents(client, token))["events"]) == 1


async def test_asking_twice_in_a_minute_mails_one_link_and_only_the_newest_works(
    client: TestClient, token: str, smtp: SmtpRelay, clock: Clock
) -> None:
    await put_consent(client, token, "newsletter", granted=True)
    first = link_path(await smtp.next_message(), "/consents/confirm/")
    await put_consent(client, token, "newsletter", granted=True)
    assert await client.app[MAIL_SENDER].deliver_due() == 0
    assert len(await outbox(client)) == 1

    clock.advance(61)
    await put_consent(client, token, "newsletter", granted=True)
    second = link_path(await smtp.next_message(), "/consents/confirm/")
    assert second != first
    assert (await client.post(first)).status == 404
    assert (await client.post(second)).status == 200
    assert (await state(client, token, "newsletter"))["granted"] is True


async def test_other_purposes_take_effect_at_once_and_every_change_is_an_event(
    client: TestClient, token: str, clock: Clock
) -> None:
    await client.app[POLICY].publish("v1", clock.now, "First.")
    granted = await put_consent(client, token, "usage_statistics", granted=True, source="web")
    assert granted == {
        "purpose": "usage_statistics",
        "granted": True,
        "pending": False,
        "changed_at": iso(clock.now),
        "source": "web",
        "policy_version": "v1",
    }
    clock.advance(3600)
    await client.app[POLICY].publish("v2", clock.now, "Second.")
    withdrawn = await put_consent(client, token, "usage_statistics", granted=False)
    assert (withdrawn["granted"], withdrawn["source"]) == (False, "app")
    # Saying the same again is not a change, so it is not recorded.
    await put_consent(client, token, "usage_statistics", granted=False)
    events = (await consents(client, token))["events"]
    assert [(e["granted"], e["source"], e["policy_version"]) for e in events] == [
        (True, "web", "v1"),
        (False, "app", "v2"),
    ]
    assert events[1]["at"] == iso(clock.now)


async def test_withdrawing_the_newsletter_is_one_call(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await put_consent(client, token, "newsletter", granted=True)
    assert (await client.post(link_path(await smtp.next_message(), "/consents/"))).status == 200
    answer = await put_consent(client, token, "newsletter", granted=False)
    assert answer["granted"] is False
    assert (await state(client, token, "newsletter"))["granted"] is False
    events = (await consents(client, token))["events"]
    assert [(e["granted"], e["source"]) for e in events] == [(True, "email"), (False, "app")]


async def test_withdrawing_while_pending_kills_the_link(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await put_consent(client, token, "newsletter", granted=True)
    path = link_path(await smtp.next_message(), "/consents/confirm/")
    await put_consent(client, token, "newsletter", granted=False)
    assert (await state(client, token, "newsletter"))["pending"] is False
    response = await client.post(path)
    assert response.status == 404 and response.content_type == "text/html"
    assert (await state(client, token, "newsletter"))["granted"] is False
    assert (await consents(client, token))["events"] == []


async def test_a_confirmation_link_expires_after_seven_days(
    client: TestClient, token: str, smtp: SmtpRelay, clock: Clock
) -> None:
    await put_consent(client, token, "newsletter", granted=True)
    path = link_path(await smtp.next_message(), "/consents/confirm/")
    clock.advance(7 * 86400)
    assert (await client.get(path)).status == 410
    assert (await client.post(path)).status == 410
    newsletter = await state(client, token, "newsletter")
    assert (newsletter["granted"], newsletter["pending"]) == (False, False)


async def test_bad_requests_get_clear_errors_and_change_nothing(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    auth = bearer(token)
    cases: list[tuple[str, Any, int]] = [
        ("/api/v1/me/consents/marketing", {"granted": True}, 404),
        ("/api/v1/me/consents/newsletter", "granted", 400),
        ("/api/v1/me/consents/newsletter", {}, 422),
        ("/api/v1/me/consents/newsletter", {"granted": "yes"}, 422),
        ("/api/v1/me/consents/newsletter", {"granted": 1}, 422),
        ("/api/v1/me/consents/newsletter", {"granted": True, "source": "email"}, 422),
        ("/api/v1/me/consents/newsletter", {"granted": True, "extra": 1}, 422),
    ]
    for path, body, status in cases:
        response = await client.put(path, json=body, headers=auth)
        assert response.status == status, (path, body, await response.text())
        assert set((await response.json())["error"]) >= {"code", "message"}
    not_json = await client.put("/api/v1/me/consents/newsletter", data=b"{granted", headers=auth)
    assert not_json.status == 400
    assert (await client.get("/api/v1/me/consents")).status == 401
    anonymous = await client.put("/api/v1/me/consents/newsletter", json={"granted": True})
    assert anonymous.status == 401
    assert (await consents(client, token))["events"] == []
    assert not any(c["pending"] for c in (await consents(client, token))["consents"])
    assert await outbox(client) == []


async def test_one_users_consents_are_their_own(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await register(client, username="bob", email="bob@example.org")
    bob = await login(client, "bob")
    await put_consent(client, token, "usage_statistics", granted=True)
    await put_consent(client, bob, "newsletter", granted=True)
    assert (await smtp.next_message())["To"] == "bob@example.org"
    assert [e["purpose"] for e in (await consents(client, token))["events"]] == ["usage_statistics"]
    assert (await consents(client, bob))["events"] == []
    assert (await state(client, token, "newsletter"))["pending"] is False
