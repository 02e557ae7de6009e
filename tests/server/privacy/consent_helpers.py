"""Helpers for the consent, mail, unsubscribe and policy tests."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from aiohttp.test_utils import TestClient
from yarl import URL

from server.keys import MAIL
from server.store.outbox import OutboxRecord
from tests.server.conftest import bearer
from tests.server.privacy.conftest import SmtpRelay

_LINK = re.compile(r"https?://[^\s<>]*[^\s<>.,;:!?)]")  # without closing punctuation


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def link_path(message: EmailMessage, prefix: str) -> str:
    """The path of the one link in the message's body that starts with `prefix`."""
    paths = [URL(link).path for link in _LINK.findall(body_of(message))]
    matching = [path for path in paths if path.startswith(prefix)]
    assert len(matching) == 1, paths
    return matching[0]


def unsubscribe_path(message: EmailMessage) -> str:
    """The path in the List-Unsubscribe header, checked against the link in the body."""
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<") and header.endswith(">"), header
    path = URL(header[1:-1]).path
    assert link_path(message, "/unsubscribe/") == path
    return path


async def consents(client: TestClient, token: str) -> dict[str, Any]:
    response = await client.get("/api/v1/me/consents", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def state(client: TestClient, token: str, purpose: str) -> dict[str, Any]:
    found = [c for c in (await consents(client, token))["consents"] if c["purpose"] == purpose]
    assert len(found) == 1
    return found[0]


async def put_consent(client: TestClient, token: str, purpose: str, **body: Any) -> dict[str, Any]:
    response = await client.put(f"/api/v1/me/consents/{purpose}", json=body, headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def subscribe(client: TestClient, smtp: SmtpRelay, token: str) -> str:
    """Ask for the newsletter and confirm it through the e-mailed link; returns the link's path."""
    await put_consent(client, token, "newsletter", granted=True)
    path = link_path(await smtp.next_message(), "/consents/confirm/")
    response = await client.post(path)
    assert response.status == 200, await response.text()
    return path


async def outbox(client: TestClient) -> list[OutboxRecord]:
    return await client.app[MAIL].store.messages()
