"""Middlewares: JSON errors, bearer-token auth, security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from server.domain_errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    Throttled,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from server.errors import ApiError, unauthorized
from server.http.forwarded import request_scheme
from server.keys import ACCOUNTS, CALLER, SETTINGS

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_AUTH_ATTRIBUTE = "podium_requires_auth"

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


# The one place a domain error's kind becomes an HTTP status (the first kind that matches).
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (Invalid, 422),
    (NotFound, 404),
    (Gone, 410),
    (Conflict, 409),
    (Unauthorized, 401),
    (Forbidden, 403),
    (Throttled, 429),
    (TooLarge, 413),
    (Unavailable, 503),
)


def http_error(error: DomainError) -> ApiError:
    """The HTTP answer for a domain error: its kind's status, its code, message and fields."""
    status = next((code for kind, code in _DOMAIN_STATUS if isinstance(error, kind)), 400)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else None
    return ApiError(
        status,
        error.code,
        error.message,
        fields=error.fields,
        headers=headers,
        details=error.details,
    )


def authenticated(handler: Handler) -> Handler:
    """Mark a handler as needing a valid bearer token."""
    setattr(handler, _AUTH_ATTRIBUTE, True)
    return handler


def error_response(error: ApiError) -> web.Response:
    return web.json_response(error.body(), status=error.status, headers=error.headers)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except DomainError as error:
        return error_response(http_error(error))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _STATUS_CODES.get(exc.status, "http_error")
        message = exc.reason.lower() if exc.reason else code.replace("_", " ")
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return error_response(ApiError(exc.status, code, message, headers=headers))
    except Exception:
        # The trace goes to the log, never to the client.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(ApiError(500, "internal_error", "internal server error"))


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    route_handler: Any = request.match_info.route.handler
    if getattr(route_handler, _AUTH_ATTRIBUTE, False):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 256:
            raise unauthorized()
        caller = await request.app[ACCOUNTS].authenticate(token)
        if caller is None:
            raise unauthorized()
        request[CALLER] = caller
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _add_security_headers(request, response)
        raise
    _add_security_headers(request, response)
    return response


def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    headers.setdefault("Cache-Control", "no-store")
    # Also behind a TLS-terminating proxy: the browser's connection is https even if ours is not.
    if request.app[SETTINGS].serves_tls or request_scheme(request) == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


SERVER_NAME = "Podium"


async def server_name(request: web.Request, response: web.StreamResponse) -> None:
    """Name the server without its software versions (aiohttp's default names both)."""
    response.headers["Server"] = SERVER_NAME
