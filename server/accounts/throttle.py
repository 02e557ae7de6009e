"""The password throttle: failures per account (or unknown login) and per address, in the store.

Every password check (login, cancelling a deletion, deleting the account, changing the
password) goes through `begin` before argon2 runs. Decisions are made in memory, from the
failures the store holds (read once, on first use, so a restart forgets nothing) and those
written since: a failure is written before its answer goes out, a success writes nothing, and a
flood from a blocked address costs no database work. A check in progress counts as a failure
until it ends, so guesses sent at the same moment cannot slip past the limit.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from server.accounts.gate import Standing
from server.store.throttle import Failure, ThrottleStore, Who

# Keys remembered at most (accounts, unknown logins, addresses); far more than a window's
# failures at the per-address limit from any plausible number of addresses.
MAX_KEYS = 200_000
# Retry-After when only checks still in progress stand in the way: they end within seconds.
IN_PROGRESS_RETRY_AFTER = 1
# How long a right password from an address keeps that address trusted for that account.
TRUST_SECONDS = 30 * 86400


class TooManyAttempts(Exception):
    """Over the limit; `retry_after` is whole seconds until one more try may be allowed."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed password checks; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    in_progress: int = 0


@dataclass
class Attempt:
    """One admitted password check; end it with `failed` or `done`."""

    who: Who
    keys: tuple[str, ...]
    standing: Standing  # of the address, for this account: who is served first
    open: bool = True


def address_key(address: str | None) -> str | None:
    """Addresses as counted: IPv4 as is, IPv6 by its /64 (one household or host holds a /64)."""
    if not address:
        return None
    if ":" not in address and len(address) <= 15:
        return address  # IPv4, as the socket reports it (the common case, kept cheap)
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


def _trust_key(who: Who) -> str | None:
    if who.address_key is None or who.user_id is None:
        return None
    return f"{who.address_key}|{who.user_id}"


def _keys(who: Who) -> tuple[str, ...]:
    subject = f"user:{who.user_id}" if who.user_id is not None else f"login:{who.login_key}"
    return (subject,) if who.address_key is None else (subject, f"address:{who.address_key}")


class PasswordThrottle:
    """At most `max_failures` failed password checks per account (and `max_failures_per_address`
    per address) in `window` seconds."""

    def __init__(
        self,
        store: ThrottleStore,
        max_failures: int,
        window: float,
        clock: Callable[[], float],
        max_failures_per_address: int | None = None,
    ):
        self._store = store
        self._max = max_failures
        self._max_per_address = max_failures_per_address or max_failures
        self._window = window
        self._clock = clock
        self._records: dict[str, _Record] = {}
        # "address|user id" -> when a password check for that account from there last passed.
        # Kept in memory only: it orders checks, it refuses none.
        self._trusted: dict[str, float] = {}
        self._loaded = False
        self._loading = asyncio.Lock()

    def refuse_known(self, address: str | None) -> None:
        """TooManyAttempts at once if this address is over the limit (no database work)."""
        key = address_key(address)
        if key is not None and self._loaded:
            self._check(f"address:{key}", self._clock())

    async def begin(self, user_id: int | None, login: str | None, address: str | None) -> Attempt:
        """Admit one password check, or raise TooManyAttempts."""
        await self._load()
        who = Who(
            user_id=user_id,
            login_key=None if user_id is not None else login_key(login or ""),
            address_key=address_key(address),
        )
        keys = _keys(who)
        now = self._clock()
        for key in keys:
            self._check(key, now)
        for key in keys:
            self._records[key].in_progress += 1
        return Attempt(who, keys, self._standing(who, keys, now))

    def done(self, attempt: Attempt, *, matched: bool = False) -> None:
        """The password was right (`matched`), or never checked: no failure."""
        self._end(attempt)
        trust = _trust_key(attempt.who)
        if matched and trust is not None:
            self._trust(trust)
            self._trust(f"{attempt.who.address_key}|*")  # for standing_before_lookup

    def standing_before_lookup(self, address: str | None) -> Standing:
        """The best standing a check from `address` can have before its account is known."""
        key = address_key(address)
        if key is None:
            return Standing.UNKNOWN
        now = self._clock()
        if now - self._trusted.get(f"{key}|*", -math.inf) < TRUST_SECONDS:
            return Standing.TRUSTED
        record = self._records.get(f"address:{key}")
        if record is not None and record.failures and record.failures[-1] > now - self._window:
            return Standing.SUSPECT
        return Standing.UNKNOWN

    def _trust(self, key: str) -> None:
        if len(self._trusted) >= MAX_KEYS:
            horizon = self._clock() - TRUST_SECONDS
            self._trusted = {k: t for k, t in self._trusted.items() if t > horizon}
            while len(self._trusted) >= MAX_KEYS:
                del self._trusted[next(iter(self._trusted))]
        self._trusted.pop(key, None)  # re-inserted last: the oldest go first
        self._trusted[key] = self._clock()

    def _standing(self, who: Who, keys: tuple[str, ...], now: float) -> Standing:
        trust = _trust_key(who)
        if trust is not None and now - self._trusted.get(trust, -math.inf) < TRUST_SECONDS:
            return Standing.TRUSTED
        if who.address_key is not None and self._records[keys[-1]].failures:
            return Standing.SUSPECT
        return Standing.UNKNOWN

    async def failed(self, attempt: Attempt) -> None:
        """The password was wrong: counted, and written to the store before the answer."""
        if not attempt.open:
            return
        now = self._clock()
        self._end(attempt)
        for key in attempt.keys:
            self._record(key).failures.append(now)
        await self._store.record(Failure(attempt.who, now), now - self._window)

    def _end(self, attempt: Attempt) -> None:
        if not attempt.open:
            return
        attempt.open = False
        for key in attempt.keys:
            record = self._records.get(key)
            if record is not None:  # None only if a flood made memory forget it
                record.in_progress -= 1

    def _check(self, key: str, now: float) -> None:
        """Raise TooManyAttempts if `key` has no try left; make sure it has a record."""
        record = self._record(key)
        failures = record.failures
        limit = self._max_per_address if key.startswith("address:") else self._max
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if len(failures) + record.in_progress < limit:
            return
        if len(failures) >= limit:
            # When the limit-th latest failure leaves the window, one more try is allowed.
            wait = failures[len(failures) - limit] + self._window - now
            raise TooManyAttempts(max(1, math.ceil(wait)))
        raise TooManyAttempts(IN_PROGRESS_RETRY_AFTER)

    def _record(self, key: str) -> _Record:
        record = self._records.get(key)
        if record is None:
            if len(self._records) >= MAX_KEYS:
                self._forget_idle()
            record = self._records[key] = _Record()
        return record

    def _forget_idle(self) -> None:
        """Drop keys with nothing in the window; if a flood still fills memory, the oldest."""
        horizon = self._clock() - self._window
        self._records = {
            key: record
            for key, record in self._records.items()
            if record.in_progress or (record.failures and record.failures[-1] > horizon)
        }
        while len(self._records) >= MAX_KEYS:
            oldest = next(iter(self._records))
            del self._records[oldest]

    async def _load(self) -> None:
        """Read the store's failures within the window, once (they outlive a restart)."""
        if self._loaded:
            return
        async with self._loading:
            if self._loaded:
                return
            now = self._clock()
            for failure in await self._store.recent(now - self._window):
                for key in _keys(failure.who):
                    self._record(key).failures.append(failure.at)
            self._loaded = True
