"""The server process: the real SfuEngine (or MediaRelay transcoding) behind an HTTP shim."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import web
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay

from server.sfu import SfuEngine
from sfu_bench.common import ROOM, config, stdin_closed


class Inbox:
    """MediaEvents for one bench participant: offers wait here for its long poll."""

    def __init__(self) -> None:
        self.offers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def downstream_offer(self, sdp: str, tracks: list[Any]) -> None:
        await self.offers.put({"sdp": sdp, "type": "offer"})

    def speaking(self, level: float) -> None:
        pass


class Transcoder:
    """The path the SFU avoids: MediaRelay of the decoded track, one encoder per viewer."""

    def __init__(self) -> None:
        self.relay = MediaRelay()
        self.source: asyncio.Future[MediaStreamTrack] = asyncio.Future()
        self.pcs: list[RTCPeerConnection] = []

    async def publish(self, sdp: str) -> str:
        pc = RTCPeerConnection(config())
        self.pcs.append(pc)
        pc.on("track", lambda track: self.source.done() or self.source.set_result(track))
        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def join(self, inbox: Inbox) -> RTCPeerConnection:
        pc = RTCPeerConnection(config())
        self.pcs.append(pc)
        pc.addTransceiver(self.relay.subscribe(await self.source), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        await inbox.downstream_offer(pc.localDescription.sdp, [])
        return pc


async def serve(mode: str) -> None:
    engine = SfuEngine() if mode == "forward" else None
    transcoder = Transcoder() if mode == "transcode" else None
    inboxes: dict[str, Inbox] = {}
    viewer_pcs: dict[str, RTCPeerConnection] = {}
    boxes: dict[str, asyncio.Queue[Any]] = {}

    def box(key: str) -> asyncio.Queue[Any]:
        return boxes.setdefault(key, asyncio.Queue())

    async def join(request: web.Request) -> web.Response:
        name = (await request.json())["name"]
        inbox = inboxes[name] = Inbox()
        if engine is not None:
            await engine.join(ROOM, name, inbox)
        elif not name.startswith("pub"):
            viewer_pcs[name] = await transcoder.join(inbox)  # type: ignore[union-attr]
        return web.json_response({})

    async def publish(request: web.Request) -> web.Response:
        body = await request.json()
        if engine is not None:
            answer = await engine.publish(ROOM, body["name"], body["sdp"], body["sources"])
        else:
            answer = await transcoder.publish(body["sdp"])  # type: ignore[union-attr]
        return web.json_response({"sdp": answer})

    async def offer(request: web.Request) -> web.Response:
        inbox = inboxes[request.query["name"]]
        with contextlib.suppress(TimeoutError):
            return web.json_response(await asyncio.wait_for(inbox.offers.get(), 20))
        return web.json_response({})

    async def answer(request: web.Request) -> web.Response:
        body = await request.json()
        if engine is not None:
            await engine.answer_downstream(ROOM, body["name"], body["sdp"])
        else:
            pc = viewer_pcs[body["name"]]
            await pc.setRemoteDescription(RTCSessionDescription(body["sdp"], "answer"))
        return web.json_response({})

    async def put(request: web.Request) -> web.Response:
        await box(request.match_info["key"]).put(await request.json())
        return web.json_response({})

    async def take(request: web.Request) -> web.Response:
        return web.json_response(await box(request.match_info["key"]).get())

    app = web.Application()
    app.add_routes(
        [
            web.post("/join", join),
            web.post("/publish", publish),
            web.get("/offer", offer),
            web.post("/answer", answer),
            web.post("/box/{key}", put),
            web.get("/box/{key}", take),
        ]
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"READY http://127.0.0.1:{port}", flush=True)
    await stdin_closed()
    if engine is not None:
        await engine.close()
    for pc in [*(transcoder.pcs if transcoder else [])]:
        await pc.close()
    await runner.cleanup()
