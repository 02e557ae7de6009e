"""Testimonials: submitted with an explicit consent, approved by an admin, withdrawn at will."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from server.domain_errors import Conflict, Forbidden, NotFound, invalid_fields
from server.store.testimonials import PublishedTestimonial, TestimonialRecord, TestimonialStore
from server.text_rules import TextKind, text_problem

BODY_MAX = 2000
DISPLAY_NAME_MAX = 100
# A moderation queue, not a message board: a few waiting per author is plenty.
MAX_PENDING = 5
LIST_LIMIT = 200
STATUSES = ("pending", "approved", "withdrawn")
_KEYS = frozenset({"body", "display_name", "consent"})


def _text(raw: object, limit: int, multiline: bool) -> tuple[str | None, str | None]:
    if not isinstance(raw, str) or not raw.strip():
        return None, "required"
    value = raw.strip()
    if len(value) > limit:
        return None, f"at most {limit} characters"
    problem = text_problem(value, TextKind.MULTILINE if multiline else TextKind.NAME)
    return (None, problem) if problem else (value, None)


def _not_found() -> NotFound:
    return NotFound("no such testimonial")


class TestimonialService:
    def __init__(self, store: TestimonialStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def submit(self, user_id: int, data: Mapping[str, Any]) -> TestimonialRecord:
        """Only with `consent: true`: the box the user ticks to agree to publication."""
        errors = {name: "unknown field" for name in data if name not in _KEYS}
        body, problem = _text(data.get("body"), BODY_MAX, multiline=True)
        if problem:
            errors["body"] = problem
        name, problem = _text(data.get("display_name"), DISPLAY_NAME_MAX, multiline=False)
        if problem:
            errors["display_name"] = problem
        if data.get("consent") is not True:
            errors["consent"] = "tick the box to agree that this may be published"
        if errors:
            raise invalid_fields(errors)
        assert body is not None and name is not None
        record = await self._store.submit(user_id, body, name, self._clock(), MAX_PENDING)
        if record is None:
            raise Conflict(
                f"{MAX_PENDING} of your testimonials are waiting for review already",
                "too_many_pending",
            )
        return record

    async def mine(self, user_id: int) -> list[TestimonialRecord]:
        return await self._store.of_user(user_id)

    async def withdraw(self, user_id: int, testimonial_id: int) -> None:
        if not await self._store.withdraw(user_id, testimonial_id, self._clock()):
            raise _not_found()

    async def for_review(self, admin_id: int, status: str | None) -> list[TestimonialRecord]:
        await self._require_admin(admin_id)
        status = status or "pending"
        if status not in STATUSES:
            raise invalid_fields({"status": f"one of {', '.join(STATUSES)}"})
        return await self._store.with_status(
            status, LIST_LIMIT, admin_id, f"testimonial review ({status})", self._clock()
        )

    async def approve(self, admin_id: int, testimonial_id: int) -> TestimonialRecord:
        await self._require_admin(admin_id)
        record = await self._store.approve(
            testimonial_id, admin_id, "testimonial approval", self._clock()
        )
        if record is None:
            raise _not_found()
        if record.status == "withdrawn":
            raise Conflict("its author has withdrawn this testimonial", "withdrawn")
        return record

    async def published(self) -> list[PublishedTestimonial]:
        return await self._store.published(LIST_LIMIT)

    async def _require_admin(self, user_id: int) -> None:
        if not await self._store.is_admin(user_id):
            raise Forbidden("this needs the admin role")
