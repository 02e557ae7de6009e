"""The outbox service: every e-mail the server sends is queued here first.

Other parts of the server call, through `app[MAIL]`::

    await app[MAIL].enqueue(
        user_id=user.id,                 # int | None: whose mail it is (erased with the account)
        recipient="alice@example.org",   # one address
        subject="...",                   # one line
        body="...",                      # plain text
        essential=True,                  # service mail: confirmations, security, policy changes
        unsubscribe_url=None,            # required when essential=False, forbidden otherwise
    )  # -> the outbox id

The message is stored before this returns, so it survives a crash or a missing relay; the sender
task (server/mail/sender.py) delivers it. Non-essential mail must come with its one-click
unsubscribe link (server/privacy/consent_mail.py makes them); the sender then adds the
`List-Unsubscribe` and `List-Unsubscribe-Post` headers and the link in the body. Code that queues
mail inside its own transaction builds the message with `compose()` and stores it with
`server.store.outbox.insert_mail`, then calls `wake()` after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from server.store.outbox import NewMail, OutboxStore

MAX_SUBJECT = 300
MAX_BODY = 200_000


def check_content(subject: str, body: str) -> None:
    """A ValueError unless the subject is one line and the body fits in an e-mail."""
    if not subject.strip() or "\r" in subject or "\n" in subject or len(subject) > MAX_SUBJECT:
        raise ValueError(f"the subject must be one line of 1 to {MAX_SUBJECT} characters")
    if len(body) > MAX_BODY:
        raise ValueError(f"the body is longer than {MAX_BODY} characters")


def compose(
    *,
    user_id: int | None,
    recipient: str,
    subject: str,
    body: str,
    essential: bool,
    unsubscribe_url: str | None = None,
) -> NewMail:
    """A checked message; a ValueError means a bug in the caller, never bad user input."""
    if not recipient or "@" not in recipient or any(c in recipient for c in "\r\n<>,"):
        raise ValueError(f"not one e-mail address: {recipient!r}")
    check_content(subject, body)
    if essential and unsubscribe_url is not None:
        raise ValueError("service mail carries no unsubscribe link")
    if not essential and not unsubscribe_url:
        raise ValueError("non-essential mail needs its one-click unsubscribe link")
    if unsubscribe_url is not None and (
        not unsubscribe_url.startswith(("https://", "http://"))
        or any(c in unsubscribe_url for c in "\r\n <>")
    ):
        raise ValueError(f"not an http(s) URL: {unsubscribe_url!r}")
    return NewMail(user_id, recipient, subject, body, essential, unsubscribe_url)


class Outbox:
    """Queue mail for delivery; wake the sender when there is some."""

    def __init__(self, store: OutboxStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock
        self._wake = asyncio.Event()

    @property
    def store(self) -> OutboxStore:
        return self._store

    async def enqueue(
        self,
        *,
        user_id: int | None,
        recipient: str,
        subject: str,
        body: str,
        essential: bool,
        unsubscribe_url: str | None = None,
    ) -> int:
        mail = compose(
            user_id=user_id,
            recipient=recipient,
            subject=subject,
            body=body,
            essential=essential,
            unsubscribe_url=unsubscribe_url,
        )
        mail_id = await self._store.add(mail, self._clock())
        self.wake()
        return mail_id

    def wake(self) -> None:
        """Tell the sender there may be mail due now (after queueing, or after a clock change)."""
        self._wake.set()

    async def wait(self, seconds: float) -> None:
        """Wait until woken or `seconds` pass, then re-arm."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()
