"""The fields of a contact and how each value is checked (the account field rules, reused)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.accounts.fields import SPECS, FieldSpec
from server.text_rules import TextKind, text_problem

CONTACT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "notes",
)
NOTES_MAX = 2000

# Names, e-mail and phone are checked exactly as on an account; notes are free text.
_SPECS: dict[str, FieldSpec] = {
    **{name: SPECS[name] for name in CONTACT_FIELDS if name != "notes"},
    "notes": FieldSpec("notes", "Notes", "text", NOTES_MAX),
}
# Notes may span lines (TextKind.MULTILINE); every other field is one line, checked as a name.

Contact = dict[str, str | None]


def check_value(name: str, value: str) -> str | None:
    """The problem with `value` for field `name`, or None when it is fine."""
    spec = _SPECS[name]
    if len(value) > spec.max_length:
        return f"at most {spec.max_length} characters"
    problem = text_problem(value, TextKind.MULTILINE if name == "notes" else TextKind.NAME)
    if problem:
        return problem
    if spec.pattern is not None and not spec.pattern.match(value):
        return spec.pattern_message
    return None


def clean_value(name: str, raw: object) -> tuple[str | None, str | None]:
    """(value, problem): blank is None; one-line fields are stripped, notes are kept as typed."""
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, "must be a string"
    value = raw if name == "notes" else raw.strip()
    if not value.strip():
        return None, None
    problem = check_value(name, value)
    return (None, problem) if problem else (value, None)


def clean_contact(data: Mapping[str, Any], *, partial: bool) -> tuple[Contact, dict[str, str]]:
    """Check a contact from JSON; return the cleaned fields present and per-field errors."""
    errors = {name: "unknown field" for name in data if name not in CONTACT_FIELDS}
    cleaned: Contact = {}
    for name in CONTACT_FIELDS:
        if name not in data:
            if not partial:
                cleaned[name] = None
            continue
        value, problem = clean_value(name, data[name])
        if problem:
            errors[name] = problem
        else:
            cleaned[name] = value
    return cleaned, errors


def identity_problem(contact: Mapping[str, str | None]) -> str | None:
    """A contact needs a name or an e-mail address to be told apart from the others."""
    if contact.get("first_name") or contact.get("last_name") or contact.get("email"):
        return None
    return "give a name or an e-mail address"


def email_key(email: str | None) -> str | None:
    """E-mail addresses are compared without case, as for accounts."""
    return email.casefold() if email else None
