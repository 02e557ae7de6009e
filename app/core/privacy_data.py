"""Typed forms of the privacy API: consents, policy, public profile, testimonials, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Consent purposes in the order the server lists them.
NEWSLETTER = "newsletter"
USAGE_STATISTICS = "usage_statistics"
TESTIMONIAL_PUBLICATION = "testimonial_publication"
ORGANISER_CONTACT = "organiser_contact"

# Fields a public profile may show, in the order the server knows them.
PUBLIC_FIELDS = (
    "first_name",
    "last_name",
    "username",
    "country",
    "city",
    "company",
    "title",
    "school",
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Consent:
    """One purpose's current state; `pending` while a newsletter confirmation link is out."""

    purpose: str
    granted: bool
    pending: bool = False
    changed_at: str | None = None
    source: str | None = None
    policy_version: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Consent:
        """Build from a consent object."""
        return cls(
            purpose=str(data["purpose"]),
            granted=bool(data.get("granted")),
            pending=bool(data.get("pending")),
            changed_at=_optional(data.get("changed_at")),
            source=_optional(data.get("source")),
            policy_version=_optional(data.get("policy_version")),
        )


@dataclass(frozen=True)
class ConsentEvent:
    """One recorded grant or withdrawal."""

    purpose: str
    granted: bool
    at: str
    source: str
    policy_version: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsentEvent:
        """Build from an event object."""
        return cls(
            purpose=str(data["purpose"]),
            granted=bool(data.get("granted")),
            at=_text(data.get("at")),
            source=_text(data.get("source")),
            policy_version=_optional(data.get("policy_version")),
        )


@dataclass(frozen=True)
class Consents:
    """Every purpose's state and the whole history of changes."""

    consents: list[Consent] = field(default_factory=list)
    events: list[ConsentEvent] = field(default_factory=list)

    def get(self, purpose: str) -> Consent:
        """The purpose's state; withdrawn when the server did not list it."""
        for consent in self.consents:
            if consent.purpose == purpose:
                return consent
        return Consent(purpose=purpose, granted=False)


@dataclass(frozen=True)
class PolicyVersion:
    """A published privacy policy version."""

    version: str
    effective_at: str
    summary: str

    @classmethod
    def from_json(cls, data: Any) -> PolicyVersion | None:
        """Build from a version object, or None for null."""
        if not isinstance(data, dict):
            return None
        return cls(
            version=str(data["version"]),
            effective_at=_text(data.get("effective_at")),
            summary=_text(data.get("summary")),
        )


@dataclass(frozen=True)
class PolicyState:
    """The member's policy state: in force, accepted, must accept, and the next one."""

    current: PolicyVersion | None
    accepted_version: str | None
    must_accept: bool
    upcoming: PolicyVersion | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PolicyState:
        """Build from GET /me/policy."""
        return cls(
            current=PolicyVersion.from_json(data.get("current")),
            accepted_version=_optional(data.get("accepted_version")),
            must_accept=bool(data.get("must_accept")),
            upcoming=PolicyVersion.from_json(data.get("upcoming")),
        )


@dataclass(frozen=True)
class PublicProfileSettings:
    """Whether the public page is on, which fields it shows, the bio and its path."""

    enabled: bool
    fields: tuple[str, ...]
    bio: str
    path: str
    url: str = ""  # the page's full address as others reach it (the server's public_url)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublicProfileSettings:
        """Build from GET/PUT /me/public-profile."""
        return cls(
            enabled=bool(data.get("enabled")),
            fields=tuple(str(name) for name in data.get("fields") or ()),
            bio=_text(data.get("bio")),
            path=_text(data.get("path")),
            url=_text(data.get("url")),
        )


@dataclass(frozen=True)
class Testimonial:
    """One of the member's testimonials and where it stands."""

    id: int
    body: str
    display_name: str
    status: str
    published: bool
    created_at: str
    approved_at: str | None = None
    withdrawn_at: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Testimonial:
        """Build from a testimonial object."""
        return cls(
            id=int(data["id"]),
            body=_text(data.get("body")),
            display_name=_text(data.get("display_name")),
            status=_text(data.get("status")),
            published=bool(data.get("published")),
            created_at=_text(data.get("created_at")),
            approved_at=_optional(data.get("approved_at")),
            withdrawn_at=_optional(data.get("withdrawn_at")),
        )


@dataclass(frozen=True)
class AuditEntry:
    """One staff read of the member's data."""

    at: str
    staff_username: str | None
    staff_roles: tuple[str, ...]
    reason: str
    fields: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditEntry:
        """Build from an audit entry."""
        return cls(
            at=_text(data.get("at")),
            staff_username=_optional(data.get("staff_username")),
            staff_roles=tuple(str(role) for role in data.get("staff_roles") or ()),
            reason=_text(data.get("reason")),
            fields=tuple(str(name) for name in data.get("fields") or ()),
        )


@dataclass(frozen=True)
class PendingDeletion:
    """An account waiting for its erasure after the grace period."""

    requested_at: str
    erase_after: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingDeletion:
        """Build from DELETE /me's answer."""
        return cls(
            requested_at=_text(data.get("requested_at")),
            erase_after=_text(data.get("erase_after")),
        )
