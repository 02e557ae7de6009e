"""ApiError: an HTTP error answer, raised at the HTTP edge (handlers, middlewares) only.

Services raise server.domain_errors instead; the error middleware maps those to statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields) if fields else None
        self.headers = dict(headers) if headers else {}
        self.details = dict(details) if details else {}

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {**self.details, "code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}


def validation_failed(fields: Mapping[str, str]) -> ApiError:
    return ApiError(422, "validation_failed", "some fields are not valid", fields=fields)


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "log in first: the session is missing or has expired")
