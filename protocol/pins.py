"""Certificate pins as invite links and the app write them: "sha256:" and 64 hex digits."""

from __future__ import annotations

import hashlib
import re

PIN_PREFIX = "sha256:"
_PIN = re.compile(r"sha256:([0-9a-f]{64})")


def pin_of_certificate(der: bytes) -> str:
    """The pin of a DER-encoded certificate: the SHA-256 of all its bytes."""
    return PIN_PREFIX + hashlib.sha256(der).hexdigest()


def parse_pin(text: str) -> str:
    """A pin in its one written form; accepts upper case and colons. ValueError if not a pin."""
    cleaned = text.strip().lower().replace(":", "")
    if cleaned.startswith("sha256"):
        cleaned = cleaned[len("sha256") :]
    pin = PIN_PREFIX + cleaned
    if not _PIN.fullmatch(pin):
        raise ValueError("a certificate pin is sha256: followed by 64 hexadecimal digits")
    return pin


def pin_digest(pin: str) -> bytes:
    """The 32 bytes of a pin (for aiohttp.Fingerprint)."""
    return bytes.fromhex(parse_pin(pin)[len(PIN_PREFIX) :])
