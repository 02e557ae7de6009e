"""Account deletion: requested with the password, cancellable during a grace period, then erased."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Protocol

from server.accounts.service import AccountService, Caller
from server.accounts.session_end import SessionEnd, SessionEnds
from server.domain_errors import Conflict, NotFound
from server.settings import Settings
from server.store.database import Database
from server.store.deletion import DeletionRequest, DeletionStore

log = logging.getLogger(__name__)

DAY_SECONDS = 86400.0
PURGE_INTERVAL_SECONDS = 3600.0


class Mailer(Protocol):
    """What deletion needs of the outbox (server/mail)."""

    async def enqueue(
        self, *, user_id: int | None, recipient: str, subject: str, body: str, essential: bool
    ) -> int: ...


async def purge_due(
    store: DeletionStore, db: Database, grace_seconds: float, now: float
) -> list[int]:
    """Erase every account pending deletion for longer than the grace; return their ids."""
    erased = await store.purge(now - grace_seconds)
    if erased:
        # secure_delete zeroes freed pages; the checkpoint keeps old copies out of the WAL.
        await db.checkpoint()
        log.info("erased %d account(s) after their deletion grace period", len(erased))
    return erased


def _when(timestamp: float) -> str:
    return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M} UTC"


class LiveMeetings(Protocol):
    """The running meetings (server/rooms): those of an erased organiser must end."""

    async def end_hosted_by(self, user_ids: Collection[int]) -> None: ...


class DeletionService:
    def __init__(
        self,
        store: DeletionStore,
        db: Database,
        accounts: AccountService,
        mail: Mailer,
        settings: Settings,
        clock: Callable[[], float],
        session_ends: SessionEnds,
        meetings: LiveMeetings,
    ):
        self._store = store
        self._db = db
        self._accounts = accounts
        self._mail = mail
        self._grace = settings.deletion_grace_days * DAY_SECONDS
        self._clock = clock
        self._session_ends = session_ends
        self._meetings = meetings

    def erase_after(self, request: DeletionRequest) -> float:
        return request.requested_at + self._grace

    async def request(
        self, caller: Caller, password: object, address: str | None = None
    ) -> DeletionRequest:
        """Re-authenticate, mark the account pending deletion, end every session, tell them."""
        user = await self._accounts.reauthenticate(caller, password, address)
        request = await self._store.request(user.id, self._clock())
        if request is None:
            raise NotFound("no such account")
        self._session_ends.account_ended(user.id, SessionEnd.ACCOUNT_DELETED)
        await self._mail.enqueue(
            user_id=request.user_id,
            recipient=request.email,
            subject="Your Podium account is to be deleted",
            body=(
                f"Hello {request.username},\n\n"
                "you asked to delete your Podium account. Every session has been logged out.\n\n"
                f"Your account and its data will be erased after {_when(self.erase_after(request))}"
                ". Until then you can change your mind: log in to the Podium app and choose to "
                "cancel the deletion.\n\n"
                "If you did not ask for this, cancel the deletion and change your password.\n"
            ),
            essential=True,
        )
        return request

    async def cancel(self, login: object, password: object, address: str | None) -> None:
        """Take a pending account back, given the same login and password as for logging in."""
        user = await self._accounts.check_credentials(login, password, address)
        request = await self._store.cancel(user.id)
        if request is None:
            raise Conflict("this account is not pending deletion", "not_pending_deletion")
        await self._mail.enqueue(
            user_id=request.user_id,
            recipient=request.email,
            subject="Your Podium account will not be deleted",
            body=(
                f"Hello {request.username},\n\n"
                "the deletion of your Podium account was cancelled; you can log in again.\n\n"
                "If you did not do this, change your password.\n"
            ),
            essential=True,
        )

    async def pending(self) -> list[DeletionRequest]:
        return await self._store.pending()

    async def purge(self, now: float | None = None) -> int:
        """Erase every account whose grace period has passed by `now` (default: the clock)."""
        when = self._clock() if now is None else now
        erased = await purge_due(self._store, self._db, self._grace, when)
        for user_id in erased:
            self._session_ends.account_ended(user_id, SessionEnd.ACCOUNT_ERASED)
        await self._meetings.end_hosted_by(erased)
        return len(erased)

    async def purge_periodically(self) -> None:
        """Run the purge now and then every hour, until cancelled."""
        while True:
            try:
                await self.purge()
            except Exception:
                log.exception("the purge of deleted accounts failed; trying again later")
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)
