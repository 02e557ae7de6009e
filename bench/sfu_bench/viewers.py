"""A viewers process: several clients that tap their receivers and log each frame's latency."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import ClientSession
from aiortc import RTCPeerConnection, RTCSessionDescription

from server.sfu.tap import tap_receiver
from sfu_bench.common import MAGIC, TRAILER, config, post, stdin_closed


class Viewer:
    """A client that taps its receivers and keeps (frame number, send time, latency)."""

    def __init__(self, name: str):
        self.name = name
        self.pc = RTCPeerConnection(config())
        self.frames: list[tuple[int, float, float]] = []
        self.joined = 0.0
        self.first = asyncio.get_running_loop().create_future()

    def sink(self, frame: Any) -> None:
        now = time.time()
        if not self.first.done():
            self.first.set_result(now)
        magic, number, sent = TRAILER.unpack_from(frame.data, len(frame.data) - TRAILER.size)
        if magic == MAGIC:  # transcoded frames lose it
            self.frames.append((number, sent, (now - sent) * 1000))

    def tap(self) -> None:
        for transceiver in self.pc.getTransceivers():
            receiver = transceiver.receiver
            if not hasattr(receiver, "bench_tapped"):
                receiver.bench_tapped = True  # type: ignore[attr-defined]
                assembler = tap_receiver(receiver, transceiver.kind)
                assembler.sink = self.sink
                assembler.on_loss = assembler.request_keyframe

    async def run_sfu(self, http: ClientSession) -> None:
        self.joined = time.time()
        await post(http, "/join", name=self.name)
        while True:
            async with http.get("/offer", params={"name": self.name}) as response:
                offer = await response.json()
            if offer:
                await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
                self.tap()
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await post(http, "/answer", name=self.name, sdp=self.pc.localDescription.sdp)

    async def run_direct(self, http: ClientSession) -> None:
        async with http.get("/box/direct-offer") as response:
            offer = await response.json()
        await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        self.tap()
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await post(http, "/box/direct-answer", sdp=self.pc.localDescription.sdp)


async def view(url: str, names: list[str]) -> None:
    viewers = [Viewer(name) for name in names]
    async with ClientSession(url) as http:
        tasks = [
            asyncio.create_task(v.run_direct(http) if v.name == "direct" else v.run_sfu(http))
            for v in viewers
        ]
        await asyncio.gather(*(v.first for v in viewers))
        print("RECEIVING", flush=True)
        await stdin_closed()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for viewer in viewers:
        await viewer.pc.close()
    result = {
        v.name: {"frames": v.frames, "first_ms": (v.first.result() - v.joined) * 1000}
        for v in viewers
    }
    print("RESULT " + json.dumps(result), flush=True)
