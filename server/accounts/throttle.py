"""The password throttle: failures per account (or unknown login) and per address, in the store.

Every password check (login, cancelling a deletion, deleting the account, changing the
password) goes through `begin` before argon2 runs. The attempt is written down as a failure
at once and cleared if it succeeds, so concurrent guesses cannot slip past the limit, and a
restart forgets nothing.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass

from server.store.throttle import ThrottleStore, Who


class TooManyAttempts(Exception):
    """Over the limit; `retry_after` is whole seconds until one more try is allowed."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed password checks; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    id: int
    suspect: bool  # the address failed before within the window


def address_key(address: str | None) -> str | None:
    """Addresses as counted: IPv4 as is, IPv6 by its /64 (one household or host holds a /64)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def login_key(login: str) -> str:
    """A login as looked up (without case), for logins that name no account."""
    return login.strip().casefold()[:300]


class PasswordThrottle:
    """At most `max_failures` failed password checks per account and per address in `window` s."""

    def __init__(
        self, store: ThrottleStore, max_failures: int, window: float, clock: Callable[[], float]
    ):
        self._store = store
        self._max = max_failures
        self._window = window
        self._clock = clock

    async def begin(self, user_id: int | None, login: str | None, address: str | None) -> Attempt:
        """Admit one password check, counted as failed until `clear`ed; or TooManyAttempts."""
        who = Who(
            user_id=user_id,
            login_key=None if user_id is not None else login_key(login or ""),
            address_key=address_key(address),
        )
        now = self._clock()
        admission = await self._store.begin(who, now, self._window, self._max)
        if admission.attempt_id is None:
            assert admission.blocked_until is not None
            raise TooManyAttempts(max(1, math.ceil(admission.blocked_until - now)))
        return Attempt(admission.attempt_id, suspect=admission.address_failures > 0)

    async def clear(self, attempt: Attempt) -> None:
        """The password was right (or never checked): the attempt is no failure."""
        await self._store.clear(attempt.id)
