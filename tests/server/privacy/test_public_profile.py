"""Public profile pages: off by default, the same 404 as a missing name, only chosen fields."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from typing import Any

from aiohttp.test_utils import TestClient

from server.app import create_app
from server.http.pages import CSP
from server.settings import Settings
from tests.server.conftest import bearer, login, register

SETTINGS_URL = "/api/v1/me/public-profile"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


async def alice(client: TestClient, **profile: Any) -> dict[str, str]:
    await register(
        client, country="United Kingdom", city="Oxford", company="Wonderland Ltd",
        title="Explorer", school="Christ Church", phone="+44 20 7946 0000", **profile,
    )
    return bearer(await login(client))


async def put(client: TestClient, auth: dict[str, str], **settings: Any) -> Any:
    return await client.put(SETTINGS_URL, json=settings, headers=auth)


async def page_of(client: TestClient, path: str) -> tuple[int, bytes, Any]:
    response = await client.get(path)
    return response.status, await response.read(), response.headers


async def test_off_by_default_and_then_the_same_404_as_a_missing_name(client: TestClient) -> None:
    auth = await alice(client)
    settings = await (await client.get(SETTINGS_URL, headers=auth)).json()
    assert settings.pop("url") == f"http://127.0.0.1:{client.port}/u/alice"
    assert settings == {"enabled": False, "fields": [], "bio": None, "path": "/u/alice"}

    private = await page_of(client, "/u/alice")
    missing = await page_of(client, "/u/nobody-by-this-name")
    malformed = await page_of(client, "/u/" + "x" * 300)
    assert private[0] == missing[0] == malformed[0] == 404
    assert private[1] == missing[1] == malformed[1]  # byte for byte
    assert private[2]["Content-Type"] == missing[2]["Content-Type"] == "text/html; charset=utf-8"
    assert b"Alice" not in private[1] and b"alice" not in private[1]

    # Fields chosen but the page off: still nothing.
    response = await put(client, auth, enabled=False, fields=["first_name"], bio="Hello")
    assert response.status == 200
    assert (await page_of(client, "/u/alice"))[1] == missing[1]


async def test_an_enabled_page_shows_only_the_chosen_fields(client: TestClient) -> None:
    auth = await alice(client)
    response = await put(client, auth, enabled=True, fields=["first_name", "city", "title"],
                         bio="Curious.\n\nFollows rabbits.")
    shown = await response.json()
    assert shown.pop("url").endswith("/u/alice")
    assert shown == {
        "enabled": True, "fields": ["first_name", "city", "title"],
        "bio": "Curious.\n\nFollows rabbits.", "path": "/u/alice",
    }
    status, body, headers = await page_of(client, "/u/ALICE")  # the name without case
    html = body.decode()
    assert status == 200
    assert "<h1>Alice</h1>" in html and "Oxford" in html and "Explorer" in html
    assert "<p>Curious.</p><p>Follows rabbits.</p>" in html
    for hidden in ("Liddell", "alice@example.org", "United Kingdom", "Wonderland", "Christ Church",
                   "7946", "@alice"):
        assert hidden not in html, hidden
    assert headers["Content-Security-Policy"] == CSP


async def test_the_page_escapes_everything_and_loads_nothing(client: TestClient) -> None:
    auth = await alice(client, first_name="<script>alert(1)</script>", last_name='"Quote" & Co')
    await put(client, auth, enabled=True, fields=["first_name", "last_name", "username", "company"],
              bio="<img src=x onerror=alert(2)>")
    status, body, headers = await page_of(client, "/u/alice")
    html = body.decode()
    assert status == 200
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;Quote&quot; &amp; Co" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "@alice" in html and "Wonderland Ltd" in html
    # No external resource: no tag with a URL attribute, no URL anywhere in the markup.
    tags = tags_of(html)
    assert {name for name, _ in tags} <= {
        "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "p", "br",
        "dl", "dt", "dd",
    }
    assert not [attrs for _, attrs in tags if {"src", "href", "action", "style"} & set(attrs)]
    assert not re.search(r"https?:|//|url\(", html)
    csp = headers["Content-Security-Policy"]
    assert csp == CSP and "default-src 'none'" in csp and "http" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


async def test_turning_it_off_hides_it_at_once(client: TestClient) -> None:
    auth = await alice(client)
    await put(client, auth, enabled=True, fields=["first_name"])
    assert (await page_of(client, "/u/alice"))[0] == 200
    await put(client, auth, enabled=False, fields=["first_name"])
    assert (await page_of(client, "/u/alice"))[:2] == (await page_of(client, "/u/nobody"))[:2]


async def test_an_account_waiting_for_deletion_has_no_page(client: TestClient) -> None:
    auth = await alice(client)
    await put(client, auth, enabled=True, fields=["first_name"])
    response = await client.delete(
        "/api/v1/me", json={"password": "rabbit-hole-42"}, headers=auth
    )
    assert response.status == 202, await response.text()
    assert (await page_of(client, "/u/alice"))[:2] == (await page_of(client, "/u/nobody"))[:2]


async def test_bad_settings_are_refused_and_change_nothing(client: TestClient) -> None:
    auth = await alice(client)
    await put(client, auth, enabled=True, fields=["city"], bio="Kept")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"fields": ["city"]}, "enabled"),
        ({"enabled": "yes"}, "enabled"),
        ({"enabled": True, "fields": ["email"]}, "fields"),
        ({"enabled": True, "fields": "city"}, "fields"),
        ({"enabled": True, "bio": "x" * 501}, "bio"),
        ({"enabled": True, "bio": 5}, "bio"),
        ({"enabled": True, "bio": "bell\x07"}, "bio"),
        ({"enabled": True, "phone_visible": True}, "phone_visible"),
    ]
    for settings, field in cases:
        response = await put(client, auth, **settings)
        assert response.status == 422, settings
        assert field in (await response.json())["error"]["fields"]
    assert (await client.put(SETTINGS_URL, data="[]", headers=auth)).status == 400
    kept = await (await client.get(SETTINGS_URL, headers=auth)).json()
    kept.pop("url")
    assert kept == {"enabled": True, "fields": ["city"], "bio": "Kept", "path": "/u/alice"}


async def test_settings_need_a_session(client: TestClient) -> None:
    await register(client)
    assert (await client.get(SETTINGS_URL)).status == 401
    assert (await client.put(SETTINGS_URL, json={"enabled": True})).status == 401


async def test_the_link_names_the_address_others_use(
    aiohttp_client: Any, settings: Settings
) -> None:
    # Hosting for others from the app: the app reaches its server on loopback, but the link it
    # shows (to copy and send) must be the public one.
    public = dataclasses.replace(settings, public_url="https://192.0.2.7:8443")
    client = await aiohttp_client(create_app(public))
    auth = await alice(client)
    response = await put(client, auth, enabled=True, fields=["first_name"])
    assert (await response.json())["url"] == "https://192.0.2.7:8443/u/alice"
