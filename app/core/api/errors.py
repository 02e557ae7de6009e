"""The error every API call raises: an answer from the server, or no answer at all."""

from __future__ import annotations

from typing import Any

# Codes for failures that never reached the server, so callers can tell them from server answers.
UNREACHABLE = "unreachable"
BAD_RESPONSE = "bad_response"


class ApiError(Exception):
    """An error answer from the server, or a failure to reach it (status 0)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        self.retry_after = retry_after
        # Other keys of the error object, e.g. `rows` of a rejected contacts import.
        self.details: dict[str, Any] = dict(details or {})

    @property
    def unreachable(self) -> bool:
        """True when the request never got an answer from the server."""
        return self.status == 0

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r}, {self.message!r}, {self.fields!r})"
