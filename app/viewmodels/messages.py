"""Turns API errors into sentences for people."""

from __future__ import annotations

from app.core.api import ApiError

_BY_CODE = {
    "invalid_credentials": "The e-mail/username or password is not right.",
    "email_taken": "An account with this e-mail address already exists.",
    "username_taken": "This username is taken; please choose another.",
    "wrong_password": "The current password is not right.",
    "unauthorized": "Your session has ended. Please log in again.",
}


def sentence(text: str) -> str:
    """Capitalised with a full stop, since servers may answer in lower-case fragments."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def field_messages(error: ApiError) -> dict[str, str]:
    """The error's per-field messages, written as sentences."""
    return {name: sentence(message) for name, message in error.fields.items()}


def describe(error: ApiError) -> str:
    """A message for the window: our wording for known codes, else the server's own."""
    if error.unreachable:
        return error.message
    if error.code == "too_many_attempts":
        wait = f" in {error.retry_after} seconds" if error.retry_after else " later"
        return f"Too many attempts. Please try again{wait}."
    if error.code == "validation_failed" and error.fields:
        return "Please correct the marked fields."
    return _BY_CODE.get(error.code) or sentence(error.message) or f"Server error {error.status}."
