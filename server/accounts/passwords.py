"""Password rules and argon2id hashing, done off the event loop with a cap on concurrent hashes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
MEMORY_KIB = 19456
TIME_COST = 2
PARALLELISM = 1
# Checks from addresses not in good standing run this much nicer than the rest of the server,
# so on a busy machine the kernel gives the event loop and real users' checks the CPU first.
BACKGROUND_NICENESS = 10


def _lower_this_threads_priority() -> None:
    """Make the calling worker thread nicer (Linux sets niceness per thread; elsewhere no-op)."""
    if sys.platform.startswith("linux"):
        # Where that is not allowed, it simply runs at normal priority.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


def load_common_passwords(path: Path) -> frozenset[str]:
    """The shipped list of common passwords, one per line, compared without case."""
    with path.open(encoding="utf-8") as handle:
        return frozenset(
            line.strip().casefold() for line in handle if line.strip() and not line.startswith("#")
        )


class PasswordRules:
    """Length limits, no composition rules, and no common or self-describing passwords."""

    def __init__(self, common: frozenset[str]):
        self._common = common

    def problem(self, password: object, personal: Iterable[str | None] = ()) -> str | None:
        """Why `password` is refused, or None when it is acceptable."""
        if not isinstance(password, str):
            return "must be a string"
        if len(password) < MIN_LENGTH:
            return f"at least {MIN_LENGTH} characters"
        if len(password) > MAX_LENGTH:
            return f"at most {MAX_LENGTH} characters"
        folded = password.casefold()
        if folded in self._common:
            return "this password is too common; choose another"
        if any(value and folded == value.casefold() for value in personal):
            return "must not be your e-mail address or username"
        return None


class PasswordHashing:
    """argon2id hashing on worker threads, at most `concurrency` hashes at once.

    `background` verifications (from addresses that are not trusted) run on their own, nicer
    threads; server/accounts/gate.py decides which and how many.
    """

    def __init__(self, concurrency: int):
        self._hasher = PasswordHasher(
            time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
        )
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="argon2")
        self._background = ThreadPoolExecutor(
            max_workers=max(1, concurrency - 1),
            thread_name_prefix="argon2-background",
            initializer=_lower_this_threads_priority,
        )
        self._limit = asyncio.Semaphore(concurrency)
        # Verifying against this when no account matches keeps the time the same either way.
        self._dummy_hash = self._hasher.hash("podium-no-such-account")

    async def hash(self, password: str) -> str:
        async with self._limit:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._hasher.hash, password)

    async def verify(
        self, stored_hash: str | None, password: str, *, background: bool = False
    ) -> bool:
        """Whether `password` matches; with no stored hash it spends the same time and says no."""
        async with self._limit:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._background if background else self._executor,
                self._verify,
                stored_hash or self._dummy_hash,
                password,
                stored_hash is not None,
            )

    def _verify(self, stored_hash: str, password: str, real: bool) -> bool:
        try:
            matched = self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return matched and real

    def close(self) -> None:
        self._executor.shutdown(wait=False)
        self._background.shutdown(wait=False)
