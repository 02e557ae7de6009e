"""Which server certificates the app trusts: the system's, or one pinned per server origin."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import aiohttp

from app.core.api.errors import UNREACHABLE, ApiError
from app.core.api.tls_errors import changed_error, origin_of, presented_pin
from app.core.api.transport import SslOption
from app.core.json_file import read_json, write_json
from protocol.pins import parse_pin, pin_digest

PINS_FILE = "certificate_pins.json"

_log = logging.getLogger(__name__)


def ssl_option(base_url: str, pin: str | None) -> SslOption:
    """aiohttp's `ssl=` for a server: its pin when one is known, else the system's trust."""
    if pin is None or not base_url.lower().startswith("https://"):
        return True
    return aiohttp.Fingerprint(pin_digest(pin))


def grouped_fingerprint(pin: str) -> str:
    """A pin as people compare it: "SHA-256" and the hex in pairs, eight pairs a line."""
    digits = parse_pin(pin).split(":", 1)[1].upper()
    pairs = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    lines = [":".join(pairs[i : i + 8]) for i in range(0, len(pairs), 8)]
    return "\n".join(lines)


class PinStore:
    """Server origin → pin, in a JSON file in the app's config folder."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / PINS_FILE

    def load(self) -> dict[str, str]:
        """Every pin kept; an unreadable file counts as none (and is said in the log)."""
        raw = read_json(self.path)
        pins = raw.get("pins") if isinstance(raw, dict) else None
        if not isinstance(pins, dict):
            return {}
        kept: dict[str, str] = {}
        for origin, pin in pins.items():
            with contextlib.suppress(ValueError, AttributeError):
                kept[str(origin)] = parse_pin(pin)
        return kept

    def get(self, origin: str) -> str | None:
        """The pin of one origin, or None."""
        return self.load().get(origin)

    def put(self, origin: str, pin: str) -> None:
        """Pin an origin's certificate (replacing any earlier pin)."""
        pins = self.load()
        pins[origin] = parse_pin(pin)
        self._save(pins)

    def forget(self, origin: str) -> bool:
        """Drop an origin's pin; False when it had none."""
        pins = self.load()
        if pins.pop(origin, None) is None:
            return False
        self._save(pins)
        return True

    def _save(self, pins: dict[str, str]) -> None:
        write_json(self.path, {"pins": dict(sorted(pins.items()))})


class TlsTrust:
    """The app's one answer to "do we trust this server's certificate?"."""

    def __init__(self, store: PinStore) -> None:
        self.store = store

    def pin_for(self, base_url: str) -> str | None:
        """The pin kept for the server at base_url."""
        return self.store.get(origin_of(base_url))

    def ssl_for(self, base_url: str) -> SslOption:
        """The `ssl=` value for Transport, SignalingClient and Call talking to base_url."""
        return ssl_option(base_url, self.pin_for(base_url))

    def trust(self, base_url: str, pin: str) -> None:
        """Pin the certificate the user confirmed (or an invite link named) for base_url."""
        self.store.put(origin_of(base_url), pin)

    def forget(self, base_url: str) -> bool:
        """Forget base_url's pin, e.g. after its operator replaced the certificate."""
        return self.store.forget(origin_of(base_url))

    async def accept_invite_pin(self, base_url: str, pin: str | None) -> None:
        """Pin an invite link's pin when the server presents exactly that certificate.

        A pin already kept wins (the connection checks it); a server presenting another
        certificate than the invite names raises ApiError certificate_changed.
        """
        if pin is None or not base_url.lower().startswith("https://"):
            return
        if self.pin_for(base_url) is not None:
            return
        try:
            presented = await presented_pin(base_url)
        except (OSError, TimeoutError) as exc:
            raise ApiError(
                0, UNREACHABLE, f"Cannot reach the server at {base_url} ({exc or 'no answer'})."
            ) from exc
        if presented != parse_pin(pin):
            raise changed_error(base_url, parse_pin(pin), presented, "the one in the invite link")
        self.trust(base_url, presented)
