"""E-mailed consent links: the double opt-in confirmation, and following confirm/unsubscribe links.

Links carry 256-bit random tokens, stored only as SHA-256 hashes, each good for one purpose and
one kind (confirm or unsubscribe). Following a link is two steps: a check that changes nothing
(the GET page) and the change itself (its POST).
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from server.accounts.service import hash_token
from server.domain_errors import NotFound
from server.mail.outbox import Outbox, compose
from server.store.consents import ConsentStore, ConsentToken, PurposeRecord
from server.store.outbox import NewMail, Recipient

CONFIRM_SECONDS = 7 * 24 * 3600.0
# A second request within this time reuses the link already mailed instead of mailing another.
RESEND_SECONDS = 60.0
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> tuple[str, bytes]:
    """A 256-bit random URL-safe token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _digest(token: str) -> bytes | None:
    return hash_token(token) if _TOKEN_SHAPE.fullmatch(token) else None


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


def _confirmation_body(first_name: str, link: str, base_url: str) -> str:
    return (
        f"Hello {first_name},\n\n"
        f"You asked to receive the newsletter of the Podium server at {base_url}. To confirm, open "
        "this link and press Confirm:\n\n"
        f"{link}\n\n"
        "The link works for 7 days. If you did not ask for this, ignore this e-mail: nothing "
        "changes unless the link is followed.\n"
    )


def _confirmation_state(found: ConsentToken | None, now: float) -> LinkResult:
    if found is None:
        return LinkResult(LinkOutcome.UNKNOWN)
    if found.used_at is not None:
        return LinkResult(LinkOutcome.USED, found.purpose)
    if found.expires_at is not None and found.expires_at <= now:
        return LinkResult(LinkOutcome.EXPIRED, found.purpose)
    return LinkResult(LinkOutcome.READY, found.purpose)


class ConsentLinks:
    def __init__(
        self, store: ConsentStore, outbox: Outbox, clock: Callable[[], float], base_url: str
    ):
        self._store = store
        self._outbox = outbox
        self._clock = clock
        self._base_url = base_url  # for mail sent without a request, e.g. by admin commands

    async def request_confirmation(
        self, user_id: int, purpose: str, base_url: str | None = None
    ) -> PurposeRecord:
        """Mail a fresh confirmation link unless the grant stands or one went out moments ago."""
        base = base_url or self._base_url
        token, digest = new_token()
        link = f"{base}/consents/confirm/{token}"

        def mail_for(recipient: Recipient) -> NewMail:
            return compose(
                user_id=user_id,
                recipient=recipient.email,
                subject="Confirm your newsletter subscription",
                body=_confirmation_body(recipient.first_name, link, base),
                essential=True,  # it answers the user's own request
            )

        now = self._clock()
        result = await self._store.request_confirmation(
            user_id, purpose, digest, now, now + CONFIRM_SECONDS, RESEND_SECONDS, mail_for
        )
        if result is None:
            raise NotFound("no such account")
        record, mailed = result
        if mailed:
            self._outbox.wake()
        return record

    async def check_confirmation(self, token: str) -> LinkResult:
        """What following a confirmation link would do, changing nothing (for GET)."""
        digest = _digest(token)
        if digest is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        return _confirmation_state(await self._store.find_token(digest, "confirm"), self._clock())

    async def confirm(self, token: str) -> LinkResult:
        """Record the grant a confirmation link stands for (for POST)."""
        digest = _digest(token)
        if digest is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        now = self._clock()
        state = _confirmation_state(await self._store.use_confirmation(digest, now), now)
        if state.outcome is LinkOutcome.READY:  # it was open, so it has now taken effect
            return LinkResult(LinkOutcome.DONE, state.purpose)
        return state

    async def check_unsubscribe(self, token: str) -> LinkResult:
        """Whether an unsubscribe link is valid, changing nothing (for GET)."""
        digest = _digest(token)
        found = None if digest is None else await self._store.find_token(digest, "unsubscribe")
        if found is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        return LinkResult(LinkOutcome.READY, found.purpose)

    async def unsubscribe(self, token: str) -> LinkResult:
        """Withdraw the consent an unsubscribe link stands for, at once; repeating is harmless."""
        digest = _digest(token)
        found = None if digest is None else await self._store.use_unsubscribe(digest, self._clock())
        if found is None:
            return LinkResult(LinkOutcome.UNKNOWN)
        return LinkResult(LinkOutcome.DONE, found.purpose)
