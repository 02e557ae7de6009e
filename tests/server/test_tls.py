"""TLS off loopback: AEAD suites only on TLS 1.2, and the certificate and key kept private."""

from __future__ import annotations

import socket
import ssl
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from server.tls import ensure_self_signed
from tests.server.live_server import live_server


def handshake(url: str, cert: Path, version: ssl.TLSVersion, ciphers: str | None) -> str:
    """Connect with a client limited to `version` (and `ciphers`); the suite agreed on."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    context = ssl.create_default_context(cafile=str(cert))
    context.minimum_version = context.maximum_version = version
    if ciphers is not None:
        context.set_ciphers(ciphers)
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        cipher = tls.cipher()
        assert cipher is not None
        return cipher[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_tls12_offers_aead_suites_only_and_tls13_works(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[tls]\nalways = true\n")
    with live_server(tmp_path / "data", "--config", str(config)) as url:
        cert = tmp_path / "data" / "tls" / "cert.pem"
        tls12 = ssl.TLSVersion.TLSv1_2
        for cbc in ("ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384", "AES128-SHA"):
            with pytest.raises(ssl.SSLError):
                handshake(url, cert, tls12, cbc)
        for aead in ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"):
            assert handshake(url, cert, tls12, aead) == aead
        # A client that offers everything it knows on TLS 1.2 still gets an AEAD suite.
        assert handshake(url, cert, tls12, "ALL") in {
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-CHACHA20-POLY1305",
        }
        assert handshake(url, cert, ssl.TLSVersion.TLSv1_3, None).startswith("TLS_")
    tls_dir = tmp_path / "data" / "tls"
    assert mode(tls_dir) == 0o700
    assert mode(tls_dir / "cert.pem") == 0o600 and mode(tls_dir / "key.pem") == 0o600


def test_a_certificate_left_readable_by_others_is_made_private(tmp_path: Path) -> None:
    cert, key = ensure_self_signed(tmp_path / "tls", "127.0.0.1")
    before = cert.read_bytes()
    for path in (tmp_path / "tls", cert, key):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert ensure_self_signed(tmp_path / "tls", "127.0.0.1") == (cert, key)
    assert cert.read_bytes() == before  # kept, not made anew
    assert (mode(tmp_path / "tls"), mode(cert), mode(key)) == (0o700, 0o600, 0o600)
