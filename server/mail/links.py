"""The base URL for links in e-mail: the configured public_url, else where this server listens.

Never the request's Host header: a client could set it to any site and have the server mail a
link there.
"""

from __future__ import annotations

from aiohttp import web

from server.http.forwarded import request_scheme
from server.settings import Settings


def _origin(scheme: str, host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"


def configured_base_url(settings: Settings) -> str:
    """public_url, else the address in the settings (for admin commands, which serve nothing)."""
    if settings.public_url:
        return settings.public_url
    return _origin("https" if settings.serves_tls else "http", settings.host, settings.port)


def request_base_url(request: web.Request, settings: Settings) -> str:
    """public_url, else the local address and port this request arrived on.

    The scheme is the one a trusted proxy reports (a TLS-terminating one says https); the host
    is never a forwarded or Host header, which the client chooses.
    """
    if settings.public_url:
        return settings.public_url
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not sockname or not isinstance(sockname, tuple):
        return configured_base_url(settings)
    return _origin(request_scheme(request), str(sockname[0]), int(sockname[1]))
