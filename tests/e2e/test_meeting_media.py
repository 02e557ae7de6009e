"""Client core against a live server: host controls over media, mute requests, active speaker."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from app.core.meeting.call import Call
from app.core.meeting.testsrc import TestPatternTrack, ToneTrack
from protocol.server_messages import ActiveSpeaker
from tests.server.live_server import live_server

PASSWORD = "media-tests-password-1"


async def token_for(url: str, name: str) -> str:
    async with aiohttp.ClientSession(base_url=url) as http:
        await http.post(
            "/api/v1/accounts",
            json={
                "first_name": name.title(),
                "last_name": "Tester",
                "username": name,
                "email": f"{name}@example.org",
                "password": PASSWORD,
            },
        )
        response = await http.post("/api/v1/sessions", json={"login": name, "password": PASSWORD})
        return (await response.json())["token"]


async def meeting(url: str, host: str, *others: str) -> tuple[dict[str, str], str]:
    """Register everyone; `host` creates a meeting. Returns tokens by name and the join code."""
    tokens = {name: await token_for(url, name) for name in (host, *others)}
    async with aiohttp.ClientSession(base_url=url) as http:
        response = await http.post(
            "/api/v1/meetings",
            json={"subject": "Media"},
            headers={"Authorization": f"Bearer {tokens[host]}"},
        )
        return tokens, (await response.json())["join_code"]


async def eventually(check, within: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def frames_pass(seen: Counter[tuple[str, str]], stream: tuple[str, str], count: int) -> None:
    """Wait until `count` more frames of `stream`, still flowing, have arrived."""
    start = seen[stream]
    await eventually(lambda: seen[stream] >= start + count, within=30.0)


@pytest.fixture
async def server_url(tmp_path: Path) -> AsyncIterator[str]:
    with live_server(tmp_path) as url:
        yield url


async def test_host_stops_camera_asks_mute_and_speaker_is_shown(server_url: str) -> None:
    url = server_url
    tokens, code = await meeting(url, "ada", "ben", "cyd")

    seen: Counter[tuple[str, str]] = Counter()
    speakers: list[str | None] = []
    host = Call(url, tokens["ada"])
    ben = Call(url, tokens["ben"])
    cyd = Call(url, tokens["cyd"], frame_sink=lambda p, s, f: seen.update([(p, s)]))
    cyd.add_listener(
        lambda m: speakers.append(m.participant) if isinstance(m, ActiveSpeaker) else None
    )
    try:
        for call in (host, ben, cyd):
            await call.connect()
        await host.join(code, {})
        await cyd.join(code, {})
        await ben.join(code, {"camera": TestPatternTrack(320, 240), "microphone": ToneTrack()})
        b = ben.state.you

        await eventually(lambda: seen[(b, "camera")] > 10 and seen[(b, "microphone")] > 10)
        await eventually(lambda: b in speakers)
        await eventually(lambda: cyd.state.participants[b].speaking)

        # The host stops Ben's camera: the SFU stops forwarding it to everyone.
        await host.host_action("stop_camera", b)
        await eventually(lambda: not cyd.state.participants[b].camera)
        # Ben's microphone keeps flowing: its frames, not the wall clock, say time has passed.
        await frames_pass(seen, (b, "microphone"), 25)  # frames in flight may still land
        before = seen[(b, "camera")]
        await frames_pass(seen, (b, "microphone"), 75)
        assert seen[(b, "camera")] - before <= 2

        # Ben turns it on again himself, and it flows again.
        await ben.set_media(mic=True, camera=True, screen=False)
        await eventually(lambda: cyd.state.participants[b].camera)
        resumed_from = seen[(b, "camera")]
        await eventually(lambda: seen[(b, "camera")] > resumed_from + 10)

        # Asked to mute, Ben's app mutes: others see it and stop hearing him.
        await host.host_action("ask_mute", b)
        await eventually(lambda: not cyd.state.participants[b].mic)
        assert not ben.sending("microphone")
        await frames_pass(seen, (b, "camera"), 15)  # now his camera is the clock
        before = seen[(b, "microphone")]
        await frames_pass(seen, (b, "camera"), 40)
        assert seen[(b, "microphone")] - before <= 2

        # An attendee cannot stop someone else's media.
        with pytest.raises(Exception, match="forbidden"):
            await cyd.host_action("stop_camera", b)
    finally:
        for call in (ben, cyd, host):
            await call.leave()


async def test_screen_share_published_off_then_turned_on(server_url: str) -> None:
    url = server_url
    tokens, code = await meeting(url, "ada", "ben")
    seen: Counter[tuple[str, str]] = Counter()
    viewer = Call(url, tokens["ada"], frame_sink=lambda p, s, f: seen.update([(p, s)]))
    sharer = Call(url, tokens["ben"])
    try:
        await viewer.connect()
        await sharer.connect()
        await viewer.join(code, {})
        await sharer.join(
            code,
            {"camera": TestPatternTrack(320, 240), "screen": TestPatternTrack(64, 64)},
            start_off={"screen"},
        )
        b = sharer.state.you
        await eventually(lambda: seen[(b, "camera")] > 10)
        assert sharer.publishes("screen") and not sharer.sending("screen")
        assert seen[(b, "screen")] == 0
        assert not viewer.state.participants[b].screen

        sharer.replace_source("screen", TestPatternTrack(640, 360, fps=10))
        await sharer.set_media(mic=False, camera=True, screen=True)
        await eventually(lambda: viewer.state.participants[b].screen)
        await eventually(lambda: seen[(b, "screen")] > 5)
    finally:
        await sharer.leave()
        await viewer.leave()


async def test_every_source_arrives_whatever_the_order_of_the_offer(server_url: str) -> None:
    url = server_url
    tokens, code = await meeting(url, "ada", "ben")
    seen: Counter[tuple[str, str]] = Counter()
    viewer = Call(url, tokens["ada"], frame_sink=lambda p, s, f: seen.update([(p, s)]))
    sender = Call(url, tokens["ben"])
    try:
        await viewer.connect()
        await sender.connect()
        await viewer.join(code, {})
        # Audio first, then two video tracks: the order a desktop client may well use.
        await sender.join(
            code,
            {
                "microphone": ToneTrack(),
                "camera": TestPatternTrack(320, 240),
                "screen": TestPatternTrack(320, 240, fps=10),
            },
        )
        b = sender.state.you
        await eventually(
            lambda: min(seen[(b, s)] for s in ("microphone", "camera", "screen")) > 5, within=15
        )
    finally:
        await sender.leave()
        await viewer.leave()
