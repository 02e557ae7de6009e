"""How API errors read in the window."""

from __future__ import annotations

from app.core.api import UNREACHABLE, ApiError
from app.viewmodels.messages import describe, field_messages, sentence


def test_server_fragments_become_sentences() -> None:
    assert sentence("required") == "Required."
    assert sentence("at least 8 characters.") == "At least 8 characters."
    assert sentence("  ") == ""


def test_known_codes_get_our_wording() -> None:
    error = ApiError(401, "invalid_credentials", "wrong login or password")
    assert describe(error) == "The e-mail/username or password is not right."


def test_too_many_attempts_says_how_long_to_wait() -> None:
    error = ApiError(429, "too_many_attempts", "slow down", retry_after=30)
    assert describe(error) == "Too many attempts. Please try again in 30 seconds."
    assert "later" in describe(ApiError(429, "too_many_attempts", "slow down"))


def test_validation_points_at_the_fields() -> None:
    error = ApiError(422, "validation_failed", "x", {"email": "not a valid e-mail address"})
    assert describe(error) == "Please correct the marked fields."
    assert field_messages(error) == {"email": "Not a valid e-mail address."}


def test_unreachable_keeps_the_address_in_the_message() -> None:
    error = ApiError(0, UNREACHABLE, "Cannot reach the server at http://h:1 (refused).")
    assert describe(error) == error.message


def test_unknown_codes_show_the_servers_message() -> None:
    assert describe(ApiError(500, "internal", "something broke")) == "Something broke."
    assert describe(ApiError(502, "http_502", "")) == "Server error 502."
