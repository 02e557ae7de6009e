"""The HTTP edge's one mapping from domain errors to statuses and JSON error bodies."""

from __future__ import annotations

import pytest

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
    invalid_fields,
)
from server.http.middlewares import http_error


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (Invalid("bad"), 422, "validation_failed"),
        (NotFound("no such contact"), 404, "not_found"),
        (NotFound("no meeting has this join code", "no_such_meeting"), 404, "no_such_meeting"),
        (Gone("this meeting has ended", "meeting_ended"), 410, "meeting_ended"),
        (Conflict("taken", "contact_exists"), 409, "contact_exists"),
        (Unauthorized("wrong login or password", "bad_login"), 401, "bad_login"),
        (Forbidden("this needs the admin role"), 403, "forbidden"),
        (TooLarge("too many rows", "too_many_rows"), 413, "too_many_rows"),
        (Unavailable("try again", "busy"), 503, "busy"),
        (DomainError("something else"), 400, "error"),
    ],
)
def test_each_kind_has_its_status_and_keeps_its_code(
    error: DomainError, status: int, code: str
) -> None:
    answer = http_error(error)
    assert (answer.status, answer.code, answer.message) == (status, code, error.message)
    assert answer.body() == {"error": {"code": code, "message": error.message}}


def test_field_errors_and_details_reach_the_body() -> None:
    answer = http_error(invalid_fields({"email": "not an e-mail address"}))
    assert answer.body() == {
        "error": {
            "code": "validation_failed",
            "message": "some fields are not valid",
            "fields": {"email": "not an e-mail address"},
        }
    }
    rejected = http_error(Invalid("3 rows have errors", "import_rejected", details={"rows": [2]}))
    assert rejected.body()["error"] == {
        "rows": [2],
        "code": "import_rejected",
        "message": "3 rows have errors",
    }


def test_a_throttle_says_when_to_come_back() -> None:
    answer = http_error(Throttled("too many attempts", retry_after=30))
    assert answer.status == 429
    assert answer.headers == {"Retry-After": "30"}


def test_a_precise_code_keeps_its_fields_and_retry_after() -> None:
    taken = http_error(
        Conflict(
            "this username is already registered",
            "username_taken",
            fields={"username": "this username is already registered"},
        )
    )
    assert (taken.status, taken.code) == (409, "username_taken")
    assert taken.fields == {"username": "this username is already registered"}
    too_soon = http_error(Throttled("one export per 10 minutes", "export_too_soon", retry_after=7))
    assert (too_soon.status, too_soon.code, too_soon.headers) == (
        429,
        "export_too_soon",
        {"Retry-After": "7"},
    )
