"""Errors services raise, free of HTTP: each kind has a default code; the edges map kinds.

server/http/middlewares.py maps a kind to an HTTP status (the one place), and the signaling edge
sends the code and message as a protocol `error`. A service picks the kind by what went wrong and
may give a more precise code (e.g. NotFound("no meeting has this join code", "no_such_meeting")).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class DomainError(Exception):
    """Something a caller asked for cannot be done; `code` is stable, `message` is for people."""

    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        *,
        fields: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        # Per-field messages, for forms; None when the error is not about particular fields.
        self.fields: dict[str, str] | None = dict(fields) if fields else None
        # Further keys of the error object, e.g. the `rows` of a rejected contacts import.
        self.details: dict[str, Any] = dict(details) if details else {}


class Invalid(DomainError):
    """The input breaks a rule; `fields` says which field and why when it is about fields."""

    default_code = "validation_failed"


class NotFound(DomainError):
    """Nothing of that kind exists for this caller (also what is hidden from them)."""

    default_code = "not_found"


class Gone(DomainError):
    """It existed and has ended (a meeting that is over)."""

    default_code = "gone"


class Conflict(DomainError):
    """It clashes with what is stored (a duplicate, or a state that does not allow it)."""

    default_code = "conflict"


class Unauthorized(DomainError):
    """The caller is not known (no session, wrong credentials)."""

    default_code = "unauthorized"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    default_code = "forbidden"


class Throttled(DomainError):
    """Too many attempts; try again after `retry_after` seconds."""

    default_code = "too_many_requests"

    def __init__(self, message: str, code: str | None = None, *, retry_after: int) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class TooLarge(DomainError):
    """The input is bigger than allowed."""

    default_code = "payload_too_large"


class Unavailable(DomainError):
    """The server cannot do it just now; trying again may work."""

    default_code = "unavailable"


def invalid_fields(fields: Mapping[str, str]) -> Invalid:
    """The usual form error: some fields are not valid, each with its reason."""
    return Invalid("some fields are not valid", fields=fields)
