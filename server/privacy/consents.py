"""The consent ledger: each purpose's state, grants and withdrawals as recorded events.

Every purpose starts withdrawn. A grant of a double opt-in purpose (the newsletter) only mails a
confirmation link (server/privacy/consent_links.py); the grant is recorded when that link is
followed. Withdrawal is one call and takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from server.domain_errors import NotFound
from server.privacy.consent_links import ConsentLinks
from server.store.consents import PURPOSES, ConsentEvent, ConsentStore, PurposeRecord

DOUBLE_OPT_IN: frozenset[str] = frozenset({"newsletter"})
PURPOSE_LABELS: Mapping[str, str] = {
    "newsletter": "the newsletter",
    "usage_statistics": "anonymous usage statistics",
    "testimonial_publication": "publishing your testimonials",
    "organiser_contact": "e-mail from meeting organisers",
}


@dataclass(frozen=True)
class PurposeState:
    purpose: str
    granted: bool
    pending: bool  # a double opt-in confirmation link is out and not yet followed
    changed_at: float | None
    source: str | None
    policy_version: str | None


@dataclass(frozen=True)
class ConsentOverview:
    purposes: list[PurposeState]
    events: list[ConsentEvent]


def require_purpose(purpose: str) -> None:
    """An unknown purpose is not found, like any path that does not exist."""
    if purpose not in PURPOSES:
        raise NotFound("no such consent purpose")


def _state(record: PurposeRecord) -> PurposeState:
    latest = record.latest
    pending = (
        not record.granted and record.purpose in DOUBLE_OPT_IN and record.pending_since is not None
    )
    return PurposeState(
        record.purpose,
        record.granted,
        pending,
        latest.at if latest else None,
        latest.source if latest else None,
        latest.policy_version if latest else None,
    )


class ConsentService:
    def __init__(self, store: ConsentStore, links: ConsentLinks, clock: Callable[[], float]):
        self._store = store
        self._links = links
        self._clock = clock

    async def overview(self, user_id: int) -> ConsentOverview:
        """Every purpose with its state, and the full history of changes."""
        records, events = await self._store.overview(user_id, self._clock())
        return ConsentOverview([_state(record) for record in records], events)

    async def change(
        self, user_id: int, purpose: str, granted: bool, source: str, base_url: str | None = None
    ) -> PurposeState:
        """Grant or withdraw; a double opt-in grant only mails a confirmation link."""
        require_purpose(purpose)
        now = self._clock()
        if not granted:
            record = await self._store.withdraw(user_id, purpose, source, now)
        elif purpose in DOUBLE_OPT_IN:
            record = await self._links.request_confirmation(user_id, purpose, base_url)
        else:
            record = await self._store.grant(user_id, purpose, source, now)
        return _state(record)
