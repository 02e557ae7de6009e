"""Invite links in both forms, the many ways a link can be wrong, and the server's own links."""

from __future__ import annotations

import html
import re
from pathlib import Path

import aiohttp
import pytest

from app.core.api import ApiClient
from app.core.invite_link import MAX_LINK_LENGTH, Invite, invite_page_url, parse_invite
from app.core.tls_trust import ssl_option
from tests.app.core.test_api_client import PASSWORD, account
from tests.app.core.tls_servers import self_signed_server

PIN = "sha256:" + "0f" * 32
CODE = "abcd-efgh-jkmn"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            f"podium://join?server=https://podium.example.org&code={CODE}&pin={PIN}",
            Invite("https://podium.example.org", CODE, PIN),
        ),
        (
            f"podium://join?server=https%3A%2F%2F192.0.2.7%3A8443&code={CODE}&pin={PIN.upper()}",
            Invite("https://192.0.2.7:8443", CODE, PIN),
        ),
        (
            f"podium://join/?server=http://127.0.0.1:5000&code={CODE.upper()}",
            Invite("http://127.0.0.1:5000", CODE, None),
        ),
        (f"https://podium.example.org/j/{CODE}", Invite("https://podium.example.org", CODE)),
        (
            f"https://192.0.2.7:8443/j/{CODE}?pin={PIN}",
            Invite("https://192.0.2.7:8443", CODE, PIN),
        ),
        (
            f"  https://example.org/podium/j/{CODE}/  ",
            Invite("https://example.org/podium", CODE),
        ),
        # A pin means nothing on plain HTTP: the server is used as it is, no pin kept.
        (f"http://127.0.0.1:5000/j/{CODE}?pin={PIN}", Invite("http://127.0.0.1:5000", CODE)),
    ],
)
def test_good_links_are_read(link: str, expected: Invite) -> None:
    assert parse_invite(link) == expected


def test_an_invite_round_trips_through_its_app_link_and_page_url() -> None:
    invite = Invite("https://192.0.2.7:8443/base", CODE, PIN)
    assert parse_invite(invite.app_link()) == invite
    assert parse_invite(invite_page_url(invite.server, CODE, PIN)) == invite
    assert invite_page_url("http://127.0.0.1:1", CODE, PIN) == f"http://127.0.0.1:1/j/{CODE}"


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("", "empty"),
        ("javascript:alert(1)", "not a Podium invite link"),
        ("ftp://example.org/j/abcd", "not a Podium invite link"),
        ("file:///etc/passwd", "not a Podium invite link"),
        ("mailto:a@example.org", "not a Podium invite link"),
        (f"podium://leave?server=https://x.org&code={CODE}", "podium://join"),
        (f"podium://join/extra?server=https://x.org&code={CODE}", "podium://join"),
        (f"podium://join?code={CODE}", "which server"),
        ("podium://join?server=https://x.org", "no meeting code"),
        ("podium://join?server=https://x.org&code=", "no meeting code"),
        ("https://x.org/j/", "not a Podium invite link"),
        ("https://x.org/meetings/abcd", "not a Podium invite link"),
        (f"podium://join?server=javascript:alert(1)&code={CODE}", "server address"),
        (f"podium://join?server=ftp://x.org&code={CODE}", "server address"),
        (f"podium://join?server=x.org&code={CODE}", "server address"),
        (f"podium://join?server=https://u:p@x.org&code={CODE}", "server address"),
        (f"podium://join?server=https://x.org:99999&code={CODE}", "server address"),
        (f"https://user@x.org/j/{CODE}", "server address"),
        ("podium://join?server=https://x.org&code=<script>", "code is not valid"),
        ("https://x.org/j/abcd%2F..", "code is not valid"),
        ("https://x.org/j/" + "a" * 65, "code is not valid"),
        (f"podium://join?server=https://x.org&code={CODE}&pin=sha256:abc", "pin"),
        (f"podium://join?server=https://x.org&code={CODE}&pin=md5:{'0' * 32}", "pin"),
        (f"https://x.org/j/{CODE}?pin=", "pin"),
        (f"podium://join?server=https://x.org&server=https://y.org&code={CODE}", "more than once"),
        (f"https://x.org/j/{CODE}#frag", "'#'"),
        (f"https://x.org/j/{CODE} extra", "spaces"),
        (f"https://x.org/j/{CODE}\x00", "control"),
        ("https://x.org/j/abcd?" + "a=b&" * MAX_LINK_LENGTH, "too long"),
    ],
)
def test_bad_links_give_a_readable_reason(link: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_invite(link)
    assert reason in str(caught.value)


async def test_the_servers_invite_page_offers_the_same_invite_to_the_app(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        ssl = ssl_option(server.url, server.pin)
        async with ApiClient(server.url, ssl=ssl) as api:
            await api.register(account("ann"))
            api.token = (await api.login("ann", PASSWORD)).token
            meeting = await api.create_meeting("Page")
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{server.url}/j/{meeting.join_code}", ssl=ssl) as page,
        ):
            text = await page.text()
        links = re.findall(r'href="(podium://[^"]+)"', text)
        assert links, text
        from_page = parse_invite(html.unescape(links[0]))
        assert from_page == parse_invite(meeting.invite_url)
        assert from_page == Invite(server.url, meeting.join_code, server.pin)
