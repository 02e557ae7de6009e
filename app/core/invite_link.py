"""Invite links: podium://join?server=..&code=..&pin=.. and https://SERVER/j/CODE[?pin=..]."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from app.core.client_settings import validate_server_url
from protocol.pins import parse_pin

APP_SCHEME = "podium"
MAX_LINK_LENGTH = 2048
# Join codes are letters, digits and dashes (the server normalises case and dashes).
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_PAGE_PATH = re.compile(r"(?P<base>.*)/j/(?P<code>[^/]+)/?")


@dataclass(frozen=True)
class Invite:
    """Where the meeting is, its join code, and the server certificate's pin if the link has one."""

    server: str
    code: str
    pin: str | None = None

    def app_link(self) -> str:
        """The podium:// form of this invite (what a second launch hands to the running app)."""
        query = {"server": self.server, "code": self.code}
        if self.pin:
            query["pin"] = self.pin
        return f"{APP_SCHEME}://join?{urlencode(query, safe=':/')}"


def invite_page_url(server: str, code: str, pin: str | None) -> str:
    """The https://SERVER/j/CODE link people send each other (with ?pin= when pinned)."""
    url = f"{server.rstrip('/')}/j/{quote(code, safe='-')}"
    return f"{url}?pin={pin}" if pin and server.lower().startswith("https://") else url


def parse_invite(text: str) -> Invite:
    """An invite from either form of link; ValueError with a readable reason when it is not one."""
    link = text.strip()
    if not link:
        raise ValueError("The invite link is empty.")
    if len(link) > MAX_LINK_LENGTH:
        raise ValueError(f"The invite link is too long (over {MAX_LINK_LENGTH} characters).")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in link):
        raise ValueError("The invite link contains spaces or control characters.")
    parts = urlsplit(link)
    scheme = parts.scheme.lower()
    if scheme == APP_SCHEME:
        return _parse_app_link(parts.netloc, parts.path, parts.query)
    if scheme in ("http", "https"):
        return _parse_page_link(link)
    raise ValueError(
        "This is not a Podium invite link: it should start with podium://join or https://."
    )


def _parse_app_link(netloc: str, path: str, query: str) -> Invite:
    if netloc.lower() != "join" or path not in ("", "/"):
        raise ValueError("A podium:// invite link starts with podium://join?")
    params = _single_params(query)
    if "server" not in params:
        raise ValueError("The invite link does not say which server the meeting is on.")
    try:
        server = validate_server_url(params["server"])
    except ValueError as exc:
        raise ValueError(f"The invite link's server address is not valid: {exc}") from None
    return Invite(server, _code(params.get("code", "")), _pin(server, params.get("pin")))


def _parse_page_link(link: str) -> Invite:
    parts = urlsplit(link)
    match = _PAGE_PATH.fullmatch(parts.path)
    if match is None:
        raise ValueError("This web address is not a Podium invite link (…/j/CODE).")
    if parts.fragment:
        raise ValueError("The invite link cannot contain '#'.")
    params = _single_params(parts.query)
    base = f"{parts.scheme}://{parts.netloc}{match['base']}"
    try:
        server = validate_server_url(base)
    except ValueError as exc:
        raise ValueError(f"The invite link's server address is not valid: {exc}") from None
    return Invite(server, _code(match["code"]), _pin(server, params.get("pin")))


def _single_params(query: str) -> dict[str, str]:
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError("The invite link's parameters cannot be read.") from None
    for name, values in parsed.items():
        if len(values) > 1:
            raise ValueError(f"The invite link gives '{name}' more than once.")
    return {name: values[0] for name, values in parsed.items()}


def _code(text: str) -> str:
    if not text:
        raise ValueError("The invite link has no meeting code.")
    if not _CODE.fullmatch(text):
        raise ValueError("The invite link's meeting code is not valid.")
    return text.lower()


def _pin(server: str, text: str | None) -> str | None:
    if text is None:
        return None
    try:
        pin = parse_pin(text)
    except ValueError:
        raise ValueError(
            "The invite link's certificate fingerprint (pin) is not valid: it should be"
            " sha256: followed by 64 hexadecimal digits."
        ) from None
    # A pin means nothing without TLS; an http:// server is used as it is.
    return pin if server.startswith("https://") else None
