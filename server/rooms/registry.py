"""The live rooms of this server: opened on first join, ended once nobody has been in them a while.

A room that empties stays open (its chat, and whom a host removed) for `empty_end_seconds`; if
nobody joins by then the meeting ends by itself, as if a host had ended it. The check runs on a
timer but decides by the injected clock, so tests move the clock and call `end_idle`. As the
server stops, since when each live meeting has been empty (now, for those people were still in)
is stored, and `restore` picks it up at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection

from server.rooms.room import Room, RoomError
from server.sfu.engine import MediaEngine
from server.store.meetings import MeetingRecord, MeetingStore

log = logging.getLogger(__name__)

EMPTY_END_SECONDS = 10 * 60.0


class RoomRegistry:
    def __init__(
        self,
        store: MeetingStore,
        engine: MediaEngine,
        clock: Callable[[], float],
        guests_ended: Callable[[list[int]], None],  # the guests forgotten as it ended
        *,
        empty_end_seconds: float = EMPTY_END_SECONDS,
    ):
        self._store = store
        self._guests_ended = guests_ended
        self._engine = engine
        self._clock = clock
        self._empty_end_seconds = empty_end_seconds
        self._rooms: dict[str, Room] = {}
        self._opening = asyncio.Lock()
        # Meeting id -> when its room last became empty (by the clock); checked by end_idle.
        self._empty_since: dict[str, float] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._checks: set[asyncio.Task[None]] = set()

    async def open(self, meeting: MeetingRecord) -> Room:
        """The live room of `meeting`, loading its kept chat the first time."""
        async with self._opening:
            room = self._rooms.get(meeting.id)
            if room is None:
                # `meeting` was read before this lock: it may have ended since.
                current = await self._store.by_id(meeting.id)
                if current is None or current.ended_at is not None:
                    raise RoomError("meeting_ended", "this meeting has ended")
                chat = await self._store.chat(meeting.id)
                room = Room(
                    current,
                    chat,
                    self._store,
                    self._engine,
                    self._clock,
                    self._emptied,
                    self._guests_ended,
                )
                self._rooms[meeting.id] = room
            return room

    def get(self, meeting_id: str) -> Room | None:
        return self._rooms.get(meeting_id)

    async def end_hosted_by(self, user_ids: Collection[int]) -> None:
        """End the live meetings these (erased) accounts organised: the store has dropped them."""
        for room in list(self._rooms.values()):
            if room.meeting.host_user_id in user_ids:
                await self._end(room)

    async def restore(self) -> None:
        """At start: the meetings left empty when the server last stopped go on waiting to end."""
        now = self._clock()
        for meeting_id, since in (await self._store.empty_since()).items():
            self._empty_since[meeting_id] = since
            self._schedule(meeting_id, self._empty_end_seconds - (now - since))

    async def end_idle(self) -> list[str]:
        """End the meetings nobody has been in for `empty_end_seconds`; their ids."""
        ended = []
        now = self._clock()
        for meeting_id, since in list(self._empty_since.items()):
            room = self._rooms.get(meeting_id)
            if room is not None and (room.ended or room.members()):
                self._empty_since.pop(meeting_id, None)  # someone is back
            elif now - since >= self._empty_end_seconds:
                self._empty_since.pop(meeting_id, None)
                log.info("meeting %s ended: nobody in it for %.0f s", meeting_id, now - since)
                if room is not None:
                    await self._end(room)
                else:  # left empty before a restart, and nobody has come since
                    async with self._opening:  # no room opens for it meanwhile
                        self._guests_ended(await self._store.mark_ended(meeting_id, now))
                ended.append(meeting_id)
            else:  # the timer ran ahead of the clock: look again when it is due
                self._schedule(meeting_id, self._empty_end_seconds - (now - since))
        return ended

    async def _end(self, room: Room) -> None:
        await room.end()
        self._forget(room)

    def _emptied(self, room: Room) -> None:
        """The room's last member left: it ends, unless it has, or someone joins in time."""
        if room.ended:
            self._forget(room)
            return
        self._empty_since[room.id] = self._clock()
        self._schedule(room.id, self._empty_end_seconds)

    def _schedule(self, meeting_id: str, delay: float) -> None:
        old = self._timers.pop(meeting_id, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        # A second late, so the clock has passed the deadline when the check runs.
        self._timers[meeting_id] = loop.call_later(max(delay, 0.0) + 1.0, self._check)

    def _check(self) -> None:
        task = asyncio.get_running_loop().create_task(self._end_idle_logged())
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    async def _end_idle_logged(self) -> None:
        try:
            await self.end_idle()
        except Exception:
            log.exception("ending meetings nobody is in failed")

    def _forget(self, room: Room) -> None:
        if self._rooms.get(room.id) is room:
            del self._rooms[room.id]
        self._empty_since.pop(room.id, None)
        timer = self._timers.pop(room.id, None)
        if timer is not None:
            timer.cancel()

    async def close(self) -> None:
        """Server shutdown: everyone leaves, no meeting is ended by it; the clocks are kept."""
        now = self._clock()
        empty = {room.id: self._empty_since.get(room.id, now) for room in self._rooms.values()}
        try:
            await self._store.set_empty_since(empty)
        except Exception:  # the store may be gone already; the meetings then wait for a visit
            log.exception("could not keep since when the live meetings were empty")
        for room in list(self._rooms.values()):
            await room.close()  # each emptied room schedules its check: cancelled below
        self._rooms.clear()
        self._empty_since.clear()
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._checks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._checks, return_exceptions=True)
