"""The sender task: deliver due outbox mail to the configured SMTP relay, retrying with back-off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import aiosmtplib

from server.mail.message import build_message
from server.mail.outbox import Outbox
from server.settings import Settings
from server.store.outbox import OutboxRecord, OutboxStore

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 60.0
LONGEST_RETRY_SECONDS = 6 * 3600.0
# 1, 2, 4 ... 256 minutes, then every 6 hours: about three days before a message is given up.
MAX_ATTEMPTS = 20
POLL_SECONDS = 30.0  # also picks up mail queued by admin commands in another process
BATCH = 50
MIN_WAIT_SECONDS = 1.0  # never spin, whatever the clock says
SMTP_TIMEOUT = 30.0


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: 1 minute, doubling, at most 6 hours."""
    doublings = min(max(attempts - 1, 0), 32)  # past 2**32 minutes the cap holds anyway
    return min(FIRST_RETRY_SECONDS * (1 << doublings), LONGEST_RETRY_SECONDS)


@dataclass(frozen=True)
class Relay:
    """Where mail goes: the [mail] settings."""

    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    mail_from: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Relay | None:
        if not settings.smtp_host:
            return None
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_starttls,
            settings.mail_from,
        )


class MailSender:
    """Delivers the outbox; without a relay it does nothing and the mail waits."""

    def __init__(
        self, store: OutboxStore, outbox: Outbox, relay: Relay | None, clock: Callable[[], float]
    ):
        self._store = store
        self._outbox = outbox
        self._relay = relay
        self._clock = clock
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._relay is None:
            log.warning("no SMTP relay configured ([mail] host): e-mail waits in the outbox")
            return
        self._task = asyncio.create_task(self._run(), name="mail-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def deliver_due(self) -> int:
        """One pass over the due mail; returns how many were delivered."""
        delivered, _ = await self._pass()
        return delivered

    async def _pass(self) -> tuple[int, bool]:
        """Deliver what is due: (how many were sent, whether the relay could not be reached)."""
        if self._relay is None:
            return 0, False
        async with self._lock:
            delivered = 0
            while True:
                batch = await self._store.due(self._clock(), BATCH)
                for mail in batch:
                    outcome = await self._deliver(self._relay, mail)
                    if outcome == "relay_down":
                        # The rest would fail the same way; they keep their turn for the next pass.
                        return delivered, True
                    delivered += outcome == "sent"
                if len(batch) < BATCH:
                    return delivered, False

    async def _deliver(self, relay: Relay, mail: OutboxRecord) -> str:
        try:
            await aiosmtplib.send(
                build_message(mail, relay.mail_from),
                hostname=relay.host,
                port=relay.port,
                username=relay.username,
                password=relay.password,
                use_tls=relay.port == 465,
                start_tls=relay.starttls if relay.port != 465 else False,
                timeout=SMTP_TIMEOUT,
            )
        except Exception as exc:  # any failure: keep the message and try again later
            await self._failed(mail, exc)
            connect_failed = isinstance(exc, aiosmtplib.SMTPConnectError | OSError)
            return "relay_down" if connect_failed else "failed"
        await self._store.mark_sent(mail.id, self._clock())
        return "sent"

    async def _failed(self, mail: OutboxRecord, exc: Exception) -> None:
        attempts = mail.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        now = self._clock()
        if attempts >= MAX_ATTEMPTS:
            log.error("giving up on outbox mail %d after %d attempts: %s", mail.id, attempts, error)
            await self._store.mark_failed(mail.id, attempts, error, now)
        else:
            log.warning("outbox mail %d not delivered (attempt %d): %s", mail.id, attempts, error)
            await self._store.mark_retry(mail.id, attempts, now + retry_delay(attempts), error)

    async def _run(self) -> None:
        while True:
            try:
                _, relay_down = await self._pass()
                wait = POLL_SECONDS
                next_due = await self._store.next_due_at()
                if next_due is not None and not relay_down:
                    wait = min(wait, max(next_due - self._clock(), MIN_WAIT_SECONDS))
            except Exception:
                log.exception("mail sender pass failed")
                wait = POLL_SECONDS
            await self._outbox.wait(wait)
