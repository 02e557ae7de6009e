"""The one error type handlers and services raise; the error middleware renders it as JSON."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields) if fields else None
        self.headers = dict(headers) if headers else {}

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}


def validation_failed(fields: Mapping[str, str]) -> ApiError:
    return ApiError(422, "validation_failed", "some fields are not valid", fields=fields)


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "log in first: the session is missing or has expired")
