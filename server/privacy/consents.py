"""The consent ledger: grants and withdrawals as events, double opt-in, one-click unsubscribe.

Every purpose starts withdrawn. A newsletter grant only records a pending request and mails a
confirmation link; the grant is recorded when that link is confirmed. Withdrawal is one call (or
one POST to an unsubscribe link) and takes effect at once. Links carry 256-bit random tokens,
stored only as SHA-256 hashes, each good for one purpose and one kind (confirm or unsubscribe).
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from server.accounts.service import hash_token
from server.errors import ApiError, validation_failed
from server.mail.outbox import Outbox, check_content, compose
from server.store.consents import (
    PURPOSES,
    ConsentEvent,
    add_consent_token,
    cancel_confirmations,
    consent_granted,
    consent_history,
    consent_token,
    latest_consents,
    mark_consent_token_used,
    pending_confirmation,
    record_consent_event,
    users_consenting,
)
from server.store.database import Database
from server.store.outbox import insert_mail, recipient_of
from server.store.policies import policy_in_force

CONFIRM_SECONDS = 7 * 24 * 3600.0
# A second request within this time reuses the link already mailed instead of mailing another.
RESEND_SECONDS = 60.0
DOUBLE_OPT_IN: frozenset[str] = frozenset({"newsletter"})
API_SOURCES = ("app", "web")
PURPOSE_LABELS: Mapping[str, str] = {
    "newsletter": "the newsletter",
    "usage_statistics": "anonymous usage statistics",
    "testimonial_publication": "publishing your testimonials",
    "organiser_contact": "e-mail from meeting organisers",
}
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> tuple[str, bytes]:
    """A 256-bit random URL-safe token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _digest(token: str) -> bytes | None:
    return hash_token(token) if _TOKEN_SHAPE.fullmatch(token) else None


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


class LinkOutcome(enum.Enum):
    READY = "ready"  # valid; the page shows its one button
    DONE = "done"  # the POST took effect (or had already)
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class LinkResult:
    outcome: LinkOutcome
    purpose: str | None = None


def require_purpose(purpose: str) -> None:
    """An unknown purpose is a 404, like any path that does not exist."""
    if purpose not in PURPOSES:
        raise ApiError(404, "not_found", "no such consent purpose")


def parse_change(data: Mapping[str, Any]) -> tuple[bool, str]:
    """`{granted: bool, source?: "app"|"web"}` from a request body, or a 422."""
    errors = {name: "unknown field" for name in data if name not in ("granted", "source")}
    granted = data.get("granted")
    if not isinstance(granted, bool):
        errors["granted"] = "required: true or false"
    source = data.get("source", "app")
    if source not in API_SOURCES:
        errors["source"] = "must be app or web"
    if errors:
        raise validation_failed(errors)
    assert isinstance(granted, bool)
    return granted, str(source)


def _version(conn: sqlcipher3.Connection, now: float) -> str | None:
    policy = policy_in_force(conn, now)
    return policy.version if policy else None


def _state(conn: sqlcipher3.Connection, user_id: int, purpose: str, now: float) -> PurposeState:
    latest = latest_consents(conn, user_id).get(purpose)
    granted = bool(latest and latest.granted)
    pending = (
        not granted
        and purpose in DOUBLE_OPT_IN
        and pending_confirmation(conn, user_id, purpose, now) is not None
    )
    return PurposeState(
        purpose,
        granted,
        pending,
        latest.at if latest else None,
        latest.source if latest else None,
        latest.policy_version if latest else None,
    )


def _confirmation_body(first_name: str, link: str, base_url: str) -> str:
    return (
        f"Hello {first_name},\n\n"
        f"You asked to receive the newsletter of the Podium server at {base_url}. To confirm, open "
        "this link and press Confirm:\n\n"
        f"{link}\n\n"
        "The link works for 7 days. If you did not ask for this, ignore this e-mail: nothing "
        "changes unless the link is followed.\n"
    )


class ConsentService:
    def __init__(self, db: Database, outbox: Outbox, clock: Callable[[], float], base_url: str):
        self._db = db
        self._outbox = outbox
        self._clock = clock
        self._base_url = base_url  # for mail sent without a request, e.g. by admin commands

    async def overview(self, user_id: int) -> ConsentOverview:
        """Every purpose with its state, and the full history of changes."""
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> ConsentOverview:
            states = [_state(conn, user_id, purpose, now) for purpose in PURPOSES]
            return ConsentOverview(states, consent_history(conn, user_id))

        return await self._db.run(work)

    async def change(
        self, user_id: int, purpose: str, granted: bool, source: str, base_url: str | None = None
    ) -> PurposeState:
        """Grant or withdraw; a double opt-in grant only mails a confirmation link."""
        require_purpose(purpose)
        now = self._clock()
        base = base_url or self._base_url

        def work(conn: sqlcipher3.Connection) -> tuple[PurposeState, bool]:
            current = consent_granted(conn, user_id, purpose)
            mailed = False
            if not granted:
                cancel_confirmations(conn, user_id, purpose)
                if current:
                    record_consent_event(
                        conn, user_id, purpose, False, _version(conn, now), source, now
                    )
            elif current:
                pass  # already granted: nothing changes, so nothing is recorded
            elif purpose in DOUBLE_OPT_IN:
                mailed = self._request_confirmation(conn, user_id, purpose, now, base)
            else:
                record_consent_event(conn, user_id, purpose, True, _version(conn, now), source, now)
            return _state(conn, user_id, purpose, now), mailed

        state, mailed = await self._db.run(work)
        if mailed:
            self._outbox.wake()
        return state

    def _request_confirmation(
        self, conn: sqlcipher3.Connection, user_id: int, purpose: str, now: float, base: str
    ) -> bool:
        """Mail a fresh confirmation link unless one went out moments ago; True if mailed."""
        since = pending_confirmation(conn, user_id, purpose, now)
        if since is not None and now - since < RESEND_SECONDS:
            return False
        recipient = recipient_of(conn, user_id)
        if recipient is None:
            raise ApiError(404, "not_found", "no such account")
        # Only the newest link works, so a link mailed to an address since changed cannot confirm.
        cancel_confirmations(conn, user_id, purpose)
        token, digest = new_token()
        add_consent_token(conn, digest, user_id, purpose, "confirm", now, now + CONFIRM_SECONDS)
        link = f"{base}/consents/confirm/{token}"
        mail = compose(
            user_id=user_id,
            recipient=recipient.email,
            subject="Confirm your newsletter subscription",
            body=_confirmation_body(recipient.first_name, link, base),
            essential=True,  # it answers the user's own request
        )
        insert_mail(conn, mail, now)
        return True

    async def check_confirmation(self, token: str) -> LinkResult:
        """What following a confirmation link would do, changing nothing (for GET)."""
        return await self._confirmation(token, apply=False)

    async def confirm(self, token: str) -> LinkResult:
        """Record the grant a confirmation link stands for (for POST)."""
        return await self._confirmation(token, apply=True)

    async def _confirmation(self, token: str, apply: bool) -> LinkResult:
        digest = _digest(token)
        if digest is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> LinkResult:
            found = consent_token(conn, digest, "confirm")
            if found is None or recipient_of(conn, found.user_id) is None:
                return LinkResult(LinkOutcome.UNKNOWN)
            if found.used_at is not None:
                return LinkResult(LinkOutcome.USED, found.purpose)
            if found.expires_at is not None and found.expires_at <= now:
                return LinkResult(LinkOutcome.EXPIRED, found.purpose)
            if not apply:
                return LinkResult(LinkOutcome.READY, found.purpose)
            mark_consent_token_used(conn, digest, now)
            if not consent_granted(conn, found.user_id, found.purpose):
                record_consent_event(
                    conn, found.user_id, found.purpose, True, _version(conn, now), "email", now
                )
            cancel_confirmations(conn, found.user_id, found.purpose)
            return LinkResult(LinkOutcome.DONE, found.purpose)

        return await self._db.run(work)

    async def check_unsubscribe(self, token: str) -> LinkResult:
        """Whether an unsubscribe link is valid, changing nothing (for GET)."""
        return await self._unsubscribe(token, apply=False)

    async def unsubscribe(self, token: str) -> LinkResult:
        """Withdraw the consent an unsubscribe link stands for, at once; repeating is harmless."""
        return await self._unsubscribe(token, apply=True)

    async def _unsubscribe(self, token: str, apply: bool) -> LinkResult:
        digest = _digest(token)
        if digest is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> LinkResult:
            found = consent_token(conn, digest, "unsubscribe")
            if found is None:
                return LinkResult(LinkOutcome.UNKNOWN)
            if not apply:
                return LinkResult(LinkOutcome.READY, found.purpose)
            mark_consent_token_used(conn, digest, now)
            cancel_confirmations(conn, found.user_id, found.purpose)
            if consent_granted(conn, found.user_id, found.purpose):
                record_consent_event(
                    conn, found.user_id, found.purpose, False, _version(conn, now), "email", now
                )
            return LinkResult(LinkOutcome.DONE, found.purpose)

        return await self._db.run(work)

    async def send_non_essential(
        self, user_id: int, purpose: str, subject: str, body: str, base_url: str | None = None
    ) -> bool:
        """Queue a non-essential mail if the user's consent to `purpose` stands; True if queued."""
        now = self._clock()
        base = base_url or self._base_url

        def work(conn: sqlcipher3.Connection) -> bool:
            if not consent_granted(conn, user_id, purpose):
                return False
            return self._queue_with_unsubscribe(conn, user_id, purpose, subject, body, base, now)

        queued = await self._db.run(work)
        if queued:
            self._outbox.wake()
        return queued

    async def send_newsletter(self, subject: str, body: str) -> int:
        """Queue the newsletter for every user whose newsletter consent stands; returns how many."""
        now = self._clock()
        check_content(subject, body)  # fail before anything is stored

        def work(conn: sqlcipher3.Connection) -> int:
            return sum(
                self._queue_with_unsubscribe(
                    conn, user_id, "newsletter", subject, body, self._base_url, now
                )
                for user_id in users_consenting(conn, "newsletter")
            )

        count = await self._db.run(work)
        if count:
            self._outbox.wake()
        return count

    def _queue_with_unsubscribe(
        self,
        conn: sqlcipher3.Connection,
        user_id: int,
        purpose: str,
        subject: str,
        body: str,
        base: str,
        now: float,
    ) -> bool:
        """Queue a mail with its own one-click unsubscribe link for this recipient and purpose."""
        recipient = recipient_of(conn, user_id)
        if recipient is None:
            return False
        token, digest = new_token()
        # Unsubscribe links do not expire: an old newsletter's link must still work.
        add_consent_token(conn, digest, user_id, purpose, "unsubscribe", now, None)
        mail = compose(
            user_id=user_id,
            recipient=recipient.email,
            subject=subject,
            body=body,
            essential=False,
            unsubscribe_url=f"{base}/unsubscribe/{token}",
        )
        insert_mail(conn, mail, now)
        return True
