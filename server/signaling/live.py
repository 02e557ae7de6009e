"""The live signaling connections by session and by account, so a session that ends closes them.

Account and deletion services call `session_ended`/`account_ended` the moment they end
sessions. What this process is not told (a purge by `podium-server admin purge-deleted` in
another process, idle or absolute expiry) is found by `sweep`, which checks every open session
against the store at a bounded interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from server.accounts.service import Caller
from server.accounts.session_end import SessionEnd
from server.store.accounts import SessionCheck

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0

SessionChecker = Callable[[Mapping[int, float | None]], Awaitable[SessionCheck]]


class LiveSocket(Protocol):
    """A connection whose session is known: it can be told its session ended."""

    @property
    def last_used_at(self) -> float | None:
        """When its client last made a request (counts as use of the session)."""
        ...

    def end_session(self, why: SessionEnd) -> None: ...

    def going_away(self) -> None:
        """The server is stopping: close now (the rooms close after)."""
        ...


class LiveConnections:
    def __init__(self, check: SessionChecker):
        self._check = check
        self._callers: dict[LiveSocket, Caller] = {}
        self._by_session: dict[int, set[LiveSocket]] = {}
        self._by_account: dict[int, set[LiveSocket]] = {}

    def add(self, socket: LiveSocket, caller: Caller) -> None:
        self._callers[socket] = caller
        self._by_session.setdefault(caller.session_id, set()).add(socket)
        self._by_account.setdefault(caller.user_id, set()).add(socket)

    def discard(self, socket: LiveSocket) -> None:
        caller = self._callers.pop(socket, None)
        if caller is None:
            return
        _remove(self._by_session, caller.session_id, socket)
        _remove(self._by_account, caller.user_id, socket)

    def count(self) -> int:
        return len(self._callers)

    def close_all(self) -> None:
        """Server shutdown: close every socket now rather than wait for clients to go."""
        for socket in list(self._callers):
            self.discard(socket)
            socket.going_away()

    # SessionEnds: what the account services call.

    def session_ended(self, session_id: int, why: SessionEnd) -> None:
        for socket in list(self._by_session.get(session_id, ())):
            self._end(socket, why)

    def account_ended(self, user_id: int, why: SessionEnd, keep_session: int | None = None) -> None:
        for socket in list(self._by_account.get(user_id, ())):
            if self._callers[socket].session_id != keep_session:
                self._end(socket, why)

    # Finding what nobody said.

    async def sweep(self) -> None:
        """Check every open session once; close the connections of those that no longer work."""
        used_at: dict[int, float | None] = {}
        for session_id, sockets in self._by_session.items():
            uses = [s.last_used_at for s in sockets if s.last_used_at is not None]
            used_at[session_id] = max(uses) if uses else None
        if not used_at:
            return
        found = await self._check(used_at)
        for session_id in used_at:
            if session_id in found.live:
                continue
            why = SessionEnd.EXPIRED if session_id in found.expired else SessionEnd.ENDED
            self.session_ended(session_id, why)

    async def sweep_periodically(self, interval: float = SWEEP_SECONDS) -> None:
        """`sweep` every `interval` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep()
            except Exception:
                log.exception("checking the sessions of signaling connections failed")

    def _end(self, socket: LiveSocket, why: SessionEnd) -> None:
        # Gone from the registry at once: nothing can end it twice or count it as live.
        self.discard(socket)
        socket.end_session(why)


def _remove(index: dict[int, set[LiveSocket]], key: int, socket: LiveSocket) -> None:
    sockets = index.get(key)
    if sockets is not None:
        sockets.discard(socket)
        if not sockets:
            del index[key]
