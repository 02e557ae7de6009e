"""TLS for off-loopback serving: the operator's certificate, or a self-signed one made once."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from protocol.pins import pin_of_certificate
from server.private_files import private_dir, private_file, write_private


def certificate_pin(cert_path: Path) -> str:
    """The pin ("sha256:...") of the first certificate in a PEM file."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return pin_of_certificate(cert.public_bytes(serialization.Encoding.DER))


def certificate_names(host: str, public_url: str | None) -> list[str]:
    """The names a self-signed certificate covers: the listening address, or for a wildcard
    one this machine's loopback names, and public_url's host."""
    names = ["localhost", "127.0.0.1"] if host in ("", "0.0.0.0", "::") else [host]
    public_host = urlsplit(public_url).hostname if public_url else None
    if public_host and public_host not in names:
        names.append(public_host)
    return names


def ensure_self_signed(directory: Path, host: str | Sequence[str]) -> tuple[Path, Path]:
    """The paths of a self-signed certificate and key for these names, made on first use.

    Kept afterwards even when the names change: clients pin the certificate itself.
    """
    cert_path = directory / "cert.pem"
    key_path = directory / "key.pem"
    private_dir(directory)
    if cert_path.exists() and key_path.exists():
        private_file(cert_path)  # made 0644 by older versions
        private_file(key_path)
        return cert_path, key_path
    names = [host] if isinstance(host, str) else list(host)
    key = ec.generate_private_key(ec.SECP256R1())
    common = names[0] if names and names[0] else "podium"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])
    alts = [_general_name(n) for n in names if n]
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(alts), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(key_path, key_pem)
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


# TLS 1.2 suites: forward-secret key exchange and AEAD ciphers only (no CBC, no SHA-1 MACs).
# TLS 1.3 has only AEAD suites, and OpenSSL keeps its defaults for those apart from this list.
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL"


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """TLS 1.2 (AEAD suites only) or TLS 1.3, with the certificate and key given."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    context.load_cert_chain(cert, key)
    return context
