"""The live rooms of this server, opened on first join and dropped when empty."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from server.rooms.room import Room
from server.sfu.engine import MediaEngine
from server.store.meetings import MeetingRecord, MeetingStore


class RoomRegistry:
    def __init__(
        self,
        store: MeetingStore,
        engine: MediaEngine,
        clock: Callable[[], float],
        guests_ended: Callable[[list[int]], None],  # the guests forgotten as it ended
    ):
        self._store = store
        self._guests_ended = guests_ended
        self._engine = engine
        self._clock = clock
        self._rooms: dict[str, Room] = {}
        self._opening = asyncio.Lock()

    async def open(self, meeting: MeetingRecord) -> Room:
        """The live room of `meeting`, loading its kept chat the first time."""
        async with self._opening:
            room = self._rooms.get(meeting.id)
            if room is None:
                chat = await self._store.chat(meeting.id)
                room = Room(
                    meeting,
                    chat,
                    self._store,
                    self._engine,
                    self._clock,
                    self._drop,
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
                await room.end()

    def _drop(self, room: Room) -> None:
        if self._rooms.get(room.id) is room:
            del self._rooms[room.id]

    async def close(self) -> None:
        for room in list(self._rooms.values()):
            await room.close()
        self._rooms.clear()
