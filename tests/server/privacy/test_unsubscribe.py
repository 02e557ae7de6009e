"""One-click unsubscribe (RFC 8058) and the tokens behind e-mailed links."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import CONSENT_MAIL, DATABASE
from server.settings import Settings
from tests.server.conftest import Clock, login, register
from tests.server.privacy.conftest import SmtpRelay
from tests.server.privacy.consent_helpers import (
    consents,
    link_path,
    outbox,
    put_consent,
    state,
    subscribe,
    unsubscribe_path,
)

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
async def client(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> TestClient:
    return await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))


@pytest.fixture
async def token(client: TestClient) -> str:
    await register(client)
    return await login(client)


async def newsletter_to(client: TestClient, smtp: SmtpRelay, count: int) -> dict[str, str]:
    """Send a newsletter; {recipient: unsubscribe path} of the `count` messages that arrive."""
    assert await client.app[CONSENT_MAIL].send_newsletter("Podium news", "What is new.") == count
    paths = {}
    for _ in range(count):
        message = await smtp.next_message()
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        paths[str(message["To"])] = unsubscribe_path(message)
    return paths


async def one_click(client: TestClient, path: str) -> aiohttp.ClientResponse:
    """POST as a mail client does: the RFC 8058 form body, no cookie, no authorization."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        response = await session.post(client.make_url(path), data=ONE_CLICK)
        await response.read()
        return response


async def test_unsubscribe_is_one_post_without_login(
    client: TestClient, token: str, smtp: SmtpRelay, clock: Clock
) -> None:
    await subscribe(client, smtp, token)
    path = (await newsletter_to(client, smtp, 1))["alice@example.org"]
    clock.advance(60)
    response = await one_click(client, path)
    assert response.status == 200 and response.content_type == "text/html"
    assert "You are unsubscribed" in await response.text()
    assert (await state(client, token, "newsletter"))["granted"] is False
    last = (await consents(client, token))["events"][-1]
    assert (last["purpose"], last["granted"], last["source"]) == ("newsletter", False, "email")

    # Repeating it is harmless: the same page, no new event.
    again = await one_click(client, path)
    assert again.status == 200 and "You are unsubscribed" in await again.text()
    assert len((await consents(client, token))["events"]) == 2
    # And the next newsletter does not go to her.
    assert await client.app[CONSENT_MAIL].send_newsletter("More news", "x") == 0


async def test_the_unsubscribe_page_has_one_button_and_changes_nothing(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await subscribe(client, smtp, token)
    path = (await newsletter_to(client, smtp, 1))["alice@example.org"]
    page = await client.get(path)
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert html.count("<button") == 1
    assert re.search(r'<form method="post" action="/unsubscribe/[A-Za-z0-9_-]{43}">', html)
    assert "script" not in html.lower()
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert (await state(client, token, "newsletter"))["granted"] is True
    # The page's own button posts the same form as a mail client.
    assert (await client.post(path, data=ONE_CLICK)).status == 200
    assert (await state(client, token, "newsletter"))["granted"] is False


async def test_an_unknown_token_gets_the_404_page(client: TestClient) -> None:
    for path in (
        "/unsubscribe/" + "A" * 43,
        "/unsubscribe/short",
        "/unsubscribe/" + "x" * 300,
        "/consents/confirm/" + "B" * 43,
    ):
        for method in ("GET", "POST"):
            response = await client.request(method, path, data=ONE_CLICK)
            assert response.status == 404, (method, path)
            assert response.content_type == "text/html"
            assert "Not found" in await response.text()


async def test_tokens_are_single_purpose(client: TestClient, token: str, smtp: SmtpRelay) -> None:
    await put_consent(client, token, "newsletter", granted=True)
    confirm = link_path(await smtp.next_message(), "/consents/confirm/")
    confirm_token = confirm.rsplit("/", 1)[1]
    # A confirmation token does not unsubscribe...
    assert (await client.post(f"/unsubscribe/{confirm_token}", data=ONE_CLICK)).status == 404
    assert (await client.post(confirm)).status == 200
    unsubscribe = (await newsletter_to(client, smtp, 1))["alice@example.org"]
    unsubscribe_token = unsubscribe.rsplit("/", 1)[1]
    # ...and an unsubscribe token confirms nothing.
    assert (await client.get(f"/consents/confirm/{unsubscribe_token}")).status == 404
    assert (await client.post(f"/consents/confirm/{unsubscribe_token}")).status == 404
    assert (await state(client, token, "newsletter"))["granted"] is True
    events = (await consents(client, token))["events"]
    assert [(e["granted"], e["source"]) for e in events] == [(True, "email")]


async def test_tokens_are_per_recipient_unguessable_and_stored_only_hashed(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await register(client, username="bob", email="bob@example.org")
    bob = await login(client, "bob")
    await subscribe(client, smtp, token)
    await subscribe(client, smtp, bob)
    paths = await newsletter_to(client, smtp, 2)
    alice_token = paths["alice@example.org"].rsplit("/", 1)[1]
    bob_token = paths["bob@example.org"].rsplit("/", 1)[1]
    assert alice_token != bob_token
    for raw in (alice_token, bob_token):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", raw)  # 256 random bits, URL-safe

    stored = await client.app[DATABASE].run(
        lambda conn: [
            bytes(row[0]) for row in conn.execute("SELECT token_hash FROM consent_tokens")
        ]
    )
    assert hashlib.sha256(alice_token.encode()).digest() in stored
    assert all(alice_token.encode() not in value for value in stored)
    mails = await outbox(client)
    assert all(alice_token not in m.body for m in mails)  # the link is added only when sent

    # A near miss of Alice's token is not a token; Bob's link is only Bob's.
    flipped = alice_token[:-1] + ("A" if alice_token[-1] != "A" else "B")
    assert (await one_click(client, f"/unsubscribe/{flipped}")).status == 404
    assert (await one_click(client, paths["bob@example.org"])).status == 200
    assert (await state(client, bob, "newsletter"))["granted"] is False
    assert (await state(client, token, "newsletter"))["granted"] is True


async def test_the_newsletter_goes_only_to_confirmed_subscribers(
    client: TestClient, token: str, smtp: SmtpRelay
) -> None:
    await register(client, username="bob", email="bob@example.org")
    await register(client, username="carol", email="carol@example.org")
    bob = await login(client, "bob")
    await subscribe(client, smtp, token)
    await put_consent(client, bob, "newsletter", granted=True)  # pending: never confirmed
    await smtp.next_message()
    paths = await newsletter_to(client, smtp, 1)
    assert list(paths) == ["alice@example.org"]
    newsletters = [m for m in await outbox(client) if not m.essential]
    assert [(m.recipient, m.subject) for m in newsletters] == [("alice@example.org", "Podium news")]
