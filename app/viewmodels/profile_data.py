"""Plain-dict forms of core data, so widgets never see app.core types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.api import FieldSpec, Profile

# Never shown on the member page: passwords change through their own form.
_NOT_PROFILE_FIELDS = frozenset({"password"})


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """{"id", "created_at", "member_since", "values": {name: str}}; empty fields are ""."""
    return {
        "id": profile.id,
        "created_at": profile.created_at,
        "member_since": human_date(profile.created_at),
        "values": {name: value or "" for name, value in profile.values.items()},
    }


def human_date(iso: str) -> str:
    """ "24 November 2025" from an ISO-8601 timestamp, or "" when it cannot be read."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{moment.day} {moment:%B %Y}"


def field_to_dict(spec: FieldSpec) -> dict[str, Any]:
    """{"name", "label", "required", "kind", "max_length"}."""
    return {
        "name": spec.name,
        "label": spec.label,
        "required": spec.required,
        "kind": spec.kind,
        "max_length": spec.max_length,
    }


def profile_fields(specs: list[FieldSpec]) -> list[dict[str, Any]]:
    """The account fields a member can see and edit on the member page."""
    return [field_to_dict(spec) for spec in specs if spec.name not in _NOT_PROFILE_FIELDS]
