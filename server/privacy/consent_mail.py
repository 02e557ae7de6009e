"""Non-essential mail (newsletter, organisers' mail): only with consent, always with unsubscribe."""

from __future__ import annotations

from collections.abc import Callable

from server.mail.outbox import Outbox, check_content, compose
from server.privacy.consent_links import new_token
from server.store.consents import ConsentStore
from server.store.outbox import NewMail, Recipient


class ConsentMail:
    def __init__(
        self, store: ConsentStore, outbox: Outbox, clock: Callable[[], float], base_url: str
    ):
        self._store = store
        self._outbox = outbox
        self._clock = clock
        self._base_url = base_url  # for mail sent without a request, e.g. by admin commands

    async def send_non_essential(
        self, user_id: int, purpose: str, subject: str, body: str, base_url: str | None = None
    ) -> bool:
        """Queue a non-essential mail if the user's consent to `purpose` stands; True if queued."""
        mail_for = _with_unsubscribe(subject, body, base_url or self._base_url)
        count = await self._store.queue_with_unsubscribe(
            purpose, self._clock(), mail_for, user_id=user_id
        )
        if count:
            self._outbox.wake()
        return count > 0

    async def send_newsletter(self, subject: str, body: str) -> int:
        """Queue the newsletter for every user whose newsletter consent stands; returns how many."""
        check_content(subject, body)  # fail before anything is stored
        mail_for = _with_unsubscribe(subject, body, self._base_url)
        count = await self._store.queue_with_unsubscribe("newsletter", self._clock(), mail_for)
        if count:
            self._outbox.wake()
        return count


def _with_unsubscribe(
    subject: str, body: str, base: str
) -> Callable[[Recipient], tuple[bytes, NewMail]]:
    """Makes each recipient's mail, with its own one-click unsubscribe link."""

    def mail_for(recipient: Recipient) -> tuple[bytes, NewMail]:
        token, digest = new_token()
        mail = compose(
            user_id=recipient.user_id,
            recipient=recipient.email,
            subject=subject,
            body=body,
            essential=False,
            unsubscribe_url=f"{base}/unsubscribe/{token}",
        )
        return digest, mail

    return mail_for
