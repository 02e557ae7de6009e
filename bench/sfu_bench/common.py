"""What every process of the SFU fan-out benchmark shares: the figures, the plumbing."""

from __future__ import annotations

import asyncio
import contextlib
import struct
import sys
from typing import Any

from aiohttp import ClientSession
from aiortc import RTCConfiguration

WIDTH, HEIGHT, FPS, BITRATE = 640, 480, 30, 1_000_000
LOOP = 90  # pre-encoded frames, played in a loop that starts on a key frame
TRAILER = struct.Struct("!4sId")  # magic, frame number, send time (time.time())
MAGIC = b"PDMb"
ROOM = "bench"
PER_PROCESS = 5
HARD_LIMIT = 300.0  # seconds any child lives at most
NICE = 5


def config() -> RTCConfiguration:
    return RTCConfiguration(iceServers=[])


async def post(http: ClientSession, path: str, **body: Any) -> dict[str, Any]:
    async with http.post(path, json=body) as response:
        response.raise_for_status()
        return await response.json()


async def stdin_closed() -> None:
    """Children run until the orchestrator closes their stdin (or the hard limit passes)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.read(), HARD_LIMIT)
