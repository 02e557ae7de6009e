"""The profile field policy and validation of profile input."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.settings import PROFILE_FIELDS
from server.text_rules import TextKind, text_problem


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, email, password or tel: how a form should show it
    max_length: int
    pattern: re.Pattern[str] | None = None
    pattern_message: str = ""


_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")
# One @, no spaces, a dot in the domain: strict enough to catch typos, loose enough for real
# addresses (international ones included); the confirmation mail is the real test.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,32}$")

SPECS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("first_name", "First name", "text", 100),
        FieldSpec("last_name", "Last name", "text", 100),
        FieldSpec(
            "username",
            "Username",
            "text",
            32,
            _USERNAME,
            "3 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit",
        ),
        FieldSpec("email", "E-mail", "email", 254, _EMAIL, "not a valid e-mail address"),
        FieldSpec("password", "Password", "password", 128),
        FieldSpec("phone", "Phone", "tel", 32, _PHONE, "digits, spaces and + ( ) - . / only"),
        FieldSpec("country", "Country", "text", 100),
        FieldSpec("address", "Address", "text", 200),
        FieldSpec("city", "City", "text", 100),
        FieldSpec("state", "State or region", "text", 100),
        FieldSpec("zip", "Postal code", "text", 16),
        FieldSpec("company", "Company", "text", 100),
        FieldSpec("title", "Job title", "text", 100),
        FieldSpec("school", "School", "text", 100),
    )
}
assert tuple(SPECS) == PROFILE_FIELDS


class FieldPolicy:
    """Which profile fields are mandatory, and how input is checked against them."""

    def __init__(self, required: frozenset[str]):
        self.required = required

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "name": spec.name,
                "label": spec.label,
                "kind": spec.kind,
                "required": spec.name in self.required,
                "max_length": spec.max_length,
            }
            for spec in SPECS.values()
        ]

    def clean_profile(
        self, data: Mapping[str, Any], *, partial: bool
    ) -> tuple[dict[str, str | None], dict[str, str]]:
        """Check profile fields (not the password); return the cleaned values and per-field errors.

        With `partial`, only fields present are checked (an update); otherwise every required
        field must be present (a registration).
        """
        cleaned: dict[str, str | None] = {}
        errors: dict[str, str] = {}
        for spec in SPECS.values():
            if spec.name == "password":
                continue
            if spec.name not in data:
                if not partial and spec.name in self.required:
                    errors[spec.name] = "required"
                continue
            value = data[spec.name]
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[spec.name] = "must be a string"
                continue
            value = value.strip()
            if not value:
                if spec.name in self.required:
                    errors[spec.name] = "required"
                else:
                    cleaned[spec.name] = None
                continue
            message = _check(spec, value)
            if message:
                errors[spec.name] = message
            else:
                cleaned[spec.name] = value
        return cleaned, errors


def _check(spec: FieldSpec, value: str) -> str | None:
    if len(value) > spec.max_length:
        return f"at most {spec.max_length} characters"
    # Every profile field is one line that others may see (names, e-mail, address).
    problem = text_problem(value, TextKind.NAME)
    if problem:
        return problem
    if spec.pattern is not None and not spec.pattern.match(value):
        return spec.pattern_message
    return None
