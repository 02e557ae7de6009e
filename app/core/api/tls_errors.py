"""Certificate failures as typed ApiErrors: not trusted (with the pin presented), or changed."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from urllib.parse import urlsplit

import aiohttp

from app.core.api.errors import ApiError
from protocol.pins import PIN_PREFIX, pin_of_certificate

UNTRUSTED_CERTIFICATE = "untrusted_certificate"
CERTIFICATE_CHANGED = "certificate_changed"
_PROBE_TIMEOUT = 10.0


def origin_of(base_url: str) -> str:
    """scheme://host:port of a URL, the port written out, so one server has one name."""
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{host}:{port}"


async def presented_pin(base_url: str) -> str:
    """The pin of the certificate the server at base_url presents, read without trusting it.

    Raises OSError/TimeoutError when there is no TLS server there.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = parts.port or 443
    # Only to read the certificate: nothing is sent over this connection but the handshake.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=context, server_hostname=host or None),
        _PROBE_TIMEOUT,
    )
    del reader
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            raise OSError("the server presented no certificate")
        return pin_of_certificate(der)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()


async def certificate_error(base_url: str, exc: BaseException) -> ApiError | None:
    """The typed error for a certificate failure, or None when exc is something else."""
    if isinstance(exc, aiohttp.ServerFingerprintMismatch):
        return changed_error(base_url, PIN_PREFIX + exc.expected.hex(), PIN_PREFIX + exc.got.hex())
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | ssl.SSLCertVerificationError):
        reason = _verify_reason(exc)
        try:
            pin = await presented_pin(base_url)
        except (OSError, TimeoutError, ssl.SSLError) as probe:
            return ApiError(
                0,
                UNTRUSTED_CERTIFICATE,
                f"The certificate of {base_url} is not trusted ({reason}), and it could not be"
                f" read again ({probe or type(probe).__name__}).",
                details={"pin": None, "reason": reason},
            )
        return ApiError(
            0,
            UNTRUSTED_CERTIFICATE,
            f"The certificate of {base_url} is not trusted by this computer ({reason});"
            f" its fingerprint is {pin}.",
            details={"pin": pin, "reason": reason},
        )
    return None


def changed_error(
    base_url: str, pinned: str, presented: str, expected: str = "the one trusted before"
) -> ApiError:
    """The refusal when a server presents another certificate than the one pinned for it."""
    return ApiError(
        0,
        CERTIFICATE_CHANGED,
        f"The identity of {base_url} has changed: it presents a certificate ({presented}) other"
        f" than {expected} ({pinned}). Someone may be intercepting the connection (an attack),"
        " so Podium will not connect.",
        details={"pinned": pinned, "presented": presented},
    )


def _verify_reason(exc: BaseException) -> str:
    inner = getattr(exc, "certificate_error", exc)
    message = getattr(inner, "verify_message", "") or getattr(inner, "reason", "")
    return str(message or "certificate verify failed")
