"""Every password check: throttled per account and address, gated for argon2 time, then verified.

Login, cancelling a deletion, deleting the account and changing the password all come here,
so they share one count of failures and one budget of hashing threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.accounts.gate import BUSY_RETRY_AFTER, GateBusy, Standing, VerificationGate
from server.accounts.passwords import PasswordHashing
from server.accounts.throttle import PasswordThrottle, TooManyAttempts, address_key
from server.errors import ApiError
from server.store.accounts import UserRecord


class PasswordCheck:
    def __init__(
        self, hashing: PasswordHashing, throttle: PasswordThrottle, gate: VerificationGate
    ):
        self._hashing = hashing
        self._throttle = throttle
        self._gate = gate

    @contextmanager
    def guarded(self, address: str | None) -> Iterator[None]:
        """Around a whole check (account lookup included): 429 when over a limit or too busy."""
        try:
            self._throttle.refuse_known(address)  # a blocked address costs no database work
            with self._gate.from_address(address_key(address)):
                yield
        except TooManyAttempts as exc:
            raise ApiError(
                429,
                "too_many_attempts",
                "too many failed password attempts; try again later",
                headers={"Retry-After": str(exc.retry_after)},
            ) from None
        except GateBusy:
            raise ApiError(
                429,
                "too_many_attempts",
                "too many password checks at once; try again in a moment",
                headers={"Retry-After": str(BUSY_RETRY_AFTER)},
            ) from None

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
