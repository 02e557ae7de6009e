"""The invite page /j/{code}: one page for every code, an app link, nothing loaded, no script."""

from __future__ import annotations

import asyncio
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import MEETINGS
from server.settings import Settings
from tests.server.conftest import Clock, bearer, login, register

PIN = "sha256:" + "0123456789abcdef" * 4
SUBJECT = "Secret merger talks"
BUTTON_BLUE = (0x2F, 0x5B, 0xD3)  # the "Open in Podium" button's background in the stylesheet


class Links(HTMLParser):
    """Every element's attributes, and the text of each link, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._text.strip(), self._href))
            self._href = None


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


async def host_meeting(client: TestClient) -> dict[str, Any]:
    await register(client)
    token = await login(client)
    response = await client.post(
        "/api/v1/meetings", headers=bearer(token), json={"subject": SUBJECT}
    )
    assert response.status == 201
    return await response.json()


async def page(client: TestClient, code: str) -> tuple[int, str, Any]:
    response = await client.get(f"/j/{quote(code, safe='')}")
    return response.status, await response.text(), response.headers


@pytest.fixture
async def pinned(aiohttp_client: Any, settings: Settings, clock: Clock) -> TestClient:
    """A server with a self-signed certificate's pin (served over plain HTTP in the test)."""
    return await aiohttp_client(create_app(settings, clock=clock, tls_pin=PIN))


async def test_every_code_gets_the_same_page_that_tells_nothing(pinned: TestClient) -> None:
    meeting = await host_meeting(pinned)
    good = meeting["join_code"]
    ended = (await host_meeting_again(pinned))["join_code"]
    unknown = "zzzz-zzzz-zzzz"
    pages = {code: await page(pinned, code) for code in (good, ended, unknown)}
    bodies = set()
    for code, (status, html, headers) in pages.items():
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-store"
        bodies.add(html.replace(code, "CODE"))
        for secret in (SUBJECT, "Alice", "Liddell", "alice", meeting["id"]):
            assert secret not in html
    assert len(bodies) == 1  # byte for byte the same but for the code


async def host_meeting_again(client: TestClient) -> dict[str, Any]:
    """A second meeting of Alice's, ended."""
    token = await login(client)
    response = await client.post("/api/v1/meetings", headers=bearer(token), json={"subject": "X"})
    meeting = await response.json()
    await client.app[MEETINGS].end(meeting["id"])
    return dict(meeting)


async def test_open_in_podium_links_the_app_with_server_code_and_pin(pinned: TestClient) -> None:
    meeting = await host_meeting(pinned)
    _, html, _ = await page(pinned, meeting["join_code"].upper())
    base = f"http://127.0.0.1:{pinned.server.port}"
    hrefs = dict(parsed(html).links)
    link = urlsplit(hrefs["Open in Podium"])
    assert (link.scheme, link.netloc) == ("podium", "join")
    assert parse_qs(link.query, strict_parsing=True) == {
        "server": [base],
        "code": [meeting["join_code"]],
        "pin": [PIN],
    }
    assert PIN in html  # shown too, for someone who compares it by eye


async def test_without_a_pin_the_link_has_none(client: TestClient) -> None:
    _, html, _ = await page(client, "k7mq-x2pd-93hw")
    link = urlsplit(dict(parsed(html).links)["Open in Podium"])
    assert parse_qs(link.query) == {
        "server": [f"http://127.0.0.1:{client.server.port}"],
        "code": ["k7mq-x2pd-93hw"],
    }
    assert "sha256:" not in html


async def test_the_page_loads_nothing_runs_nothing_and_ignores_the_host_header(
    pinned: TestClient,
) -> None:
    response = await pinned.get("/j/k7mq-x2pd-93hw", headers={"Host": "evil.example"})
    html = await response.text()
    assert "evil.example" not in html
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "script-src" not in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'none'" in csp
    links = parsed(html)
    assert not [tag for tag, _ in links.tags if tag in ("script", "img", "iframe", "link", "form")]
    for _, attrs in links.tags:
        assert not any(name.startswith("on") or name in ("src", "style") for name in attrs)
    assert [href.split(":")[0] for _, href in links.links] == ["podium"]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("K7MQ X2PD 93HW", "k7mq-x2pd-93hw"),
        ("k7mqx2pd93hw", "k7mq-x2pd-93hw"),
        ('"><script>alert(1)</script>', "scri-ptal-ert1-scri-pt"),
        ("é&amp;ü\u202e", "amp"),
        ("a" * 500, "-".join(["aaaa"] * 8)),
        ("\x00\r\nab12", "ab12"),
    ],
)
async def test_codes_that_are_not_code_shaped_are_normalised_safely(
    client: TestClient, typed: str, shown: str
) -> None:
    status, html, _ = await page(client, typed)
    assert status == 200
    assert f'<strong class="code">{shown}</strong>' in html
    assert "<script" not in html and "\u202e" not in html
    link = urlsplit(dict(parsed(html).links)["Open in Podium"])
    assert parse_qs(link.query)["code"] == [shown]


async def test_the_page_renders_in_chromium_as_designed(pinned: TestClient, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test-deps installs it)")
    url = f"http://127.0.0.1:{pinned.server.port}/j/k7mq-x2pd-93hw"
    dom, log = await run_chromium(chromium, tmp_path, "--dump-dom", url)
    links = parsed(dom)
    assert ("Open in Podium", app_link(pinned)) in links.links
    shot = tmp_path / "invite.png"
    _, log2 = await run_chromium(
        chromium, tmp_path, f"--screenshot={shot}", "--window-size=900,1000", url
    )
    # The stylesheet applied (its CSP hash is right): the button's blue is on the screen ...
    width, height, pixels = png_pixels(shot.read_bytes())
    blue = sum(
        1
        for pixel in pixels
        if all(abs(a - b) <= 2 for a, b in zip(pixel, BUTTON_BLUE, strict=True))
    )
    assert blue > 5000, f"the button is not drawn ({blue} blue pixels of {width}x{height})"
    # ... and the browser refused nothing on the page.
    for text in (log, log2):
        console = [line for line in text.splitlines() if ":CONSOLE" in line]
        assert not console, console


def app_link(client: TestClient) -> str:
    base = f"http://127.0.0.1:{client.server.port}"
    return f"podium://join?server={base}&code=k7mq-x2pd-93hw&pin={PIN}"


async def run_chromium(chromium: str, tmp_path: Path, *args: str) -> tuple[str, str]:
    """Chromium's stdout and log; it fetches the page from the test server meanwhile."""
    process = await asyncio.create_subprocess_exec(
        chromium,
        "--headless",
        "--no-sandbox",  # the tests run as root; the page is ours
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={tmp_path / 'chromium'}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode(), err.decode(errors="replace")


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, RGB pixels) of an 8-bit RGB or RGBA, non-interlaced PNG (Chromium's)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        pixels.extend((line[i], line[i + 1], line[i + 2]) for i in range(0, stride, channels))
        previous = line
    return width, height, pixels


def test_the_png_reader_reads_what_it_is_given() -> None:
    """The screenshot check above is only as good as this reader."""
    row = bytes([0]) + bytes(BUTTON_BLUE) + bytes([255, 255, 255])
    ihdr = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + b"\0\0\0\0"

    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )
    assert png_pixels(data) == (2, 1, [BUTTON_BLUE, (255, 255, 255)])
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", PIN)
