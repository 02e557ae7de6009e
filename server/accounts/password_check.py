"""Every password check: throttled per account and address, gated for argon2 time, then verified.

Login, cancelling a deletion, deleting the account and changing the password all come here,
so they share one count of failures and one budget of hashing threads.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from server.accounts.gate import BUSY_RETRY_AFTER, GateBusy, Standing, VerificationGate
from server.accounts.passwords import PasswordHashing
from server.accounts.throttle import PasswordThrottle, TooManyAttempts, address_key
from server.domain_errors import Throttled
from server.store.accounts import UserRecord

# More refusals than this within one second is a flood: from then on they are answered late.
FLOOD_REFUSALS_PER_SECOND = 20


class PasswordCheck:
    def __init__(
        self,
        hashing: PasswordHashing,
        throttle: PasswordThrottle,
        gate: VerificationGate,
        refusal_delay: float,
        clock: Callable[[], float],
    ):
        self._hashing = hashing
        self._throttle = throttle
        self._gate = gate
        self._refusal_delay = refusal_delay
        self._clock = clock
        self._refusals: deque[float] = deque(maxlen=FLOOD_REFUSALS_PER_SECOND)

    @asynccontextmanager
    async def guarded(self, address: str | None) -> AsyncIterator[None]:
        """Around a whole check (account lookup included): 429 when over a limit or too busy.

        While refusals come faster than FLOOD_REFUSALS_PER_SECOND, each 429 is answered
        `refusal_delay` seconds late: a flood that keeps so many requests in flight then sends
        about that many a second, instead of as many as the server can refuse (which would
        take the CPU from everyone else); a client that asks one thing at a time is not slowed.
        """
        try:
            self._throttle.refuse_known(address)  # a blocked address costs no database work
            with self._gate.from_address(address_key(address)):
                # Refused before any database work when even its best standing finds no room.
                if not self._gate.has_room(self._throttle.standing_before_lookup(address)):
                    raise GateBusy
                yield
        except TooManyAttempts as exc:
            await self._answer_refusal()
            raise Throttled(
                "too many failed password attempts; try again later",
                "too_many_attempts",
                retry_after=exc.retry_after,
            ) from None
        except GateBusy:
            await self._answer_refusal()
            raise Throttled(
                "too many password checks at once; try again in a moment",
                "too_many_attempts",
                retry_after=BUSY_RETRY_AFTER,
            ) from None

    async def _answer_refusal(self) -> None:
        now = self._clock()
        self._refusals.append(now)
        flooding = len(self._refusals) == self._refusals.maxlen and now - self._refusals[0] < 1.0
        if flooding and self._refusal_delay > 0:
            await asyncio.sleep(self._refusal_delay)

    async def matches(
        self, user: UserRecord | None, login: str | None, password: str, address: str | None
    ) -> bool:
        """Whether `password` is `user`'s (inside `guarded`); a wrong one counts as a failure."""
        attempt = await self._throttle.begin(user.id if user else None, login, address)
        try:
            async with self._gate.slot(attempt.standing):
                # Verified even when no account matches, so it takes as long either way.
                matched = await self._hashing.verify(
                    user.password_hash if user else None,
                    password[:1024],
                    background=attempt.standing is not Standing.TRUSTED,
                )
        except BaseException:
            self._throttle.done(attempt)  # refused as busy (or cancelled): never checked
            raise
        if matched and user is not None:
            self._throttle.done(attempt, matched=True)
            return True
        await self._throttle.failed(attempt)
        return False
