"""Join benchmark: time from opening the signaling connection to the first decoded video frame.

A publisher (podium-bot sending the test pattern) sits in a meeting on a real server; a viewer
joins JOINS times in a row and each time waits for the publisher's first frame. Prints one JSON
line. Bounded: JOINS joins, each given at most TIMEOUT seconds; stops by itself.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time

import aiohttp
from harness import ENV, running_server

from app.core.meeting.call import Call

JOINS = 10
TIMEOUT = 10.0
PASSWORD = "bench-password-1"


async def token_for(http: aiohttp.ClientSession, name: str) -> str:
    await http.post(
        "/api/v1/accounts",
        json={
            "first_name": name,
            "last_name": "Bench",
            "username": name,
            "email": f"{name}@example.org",
            "password": PASSWORD,
        },
    )
    response = await http.post("/api/v1/sessions", json={"login": name, "password": PASSWORD})
    return (await response.json())["token"]


async def one_join(url: str, token: str, code: str) -> float:
    first_frame = asyncio.get_running_loop().create_future()

    def sink(participant: str, source: str, frame: object) -> None:
        if source == "camera" and not first_frame.done():
            first_frame.set_result(time.perf_counter())

    call = Call(url, token, frame_sink=sink)
    started = time.perf_counter()
    try:
        await call.connect()
        await call.join(code, {})
        return (await asyncio.wait_for(first_frame, TIMEOUT) - started) * 1000
    finally:
        await call.leave()


async def tokens(url: str) -> str:
    async with aiohttp.ClientSession(base_url=url) as http:
        await token_for(http, "publisher")
        return await token_for(http, "viewer")


async def measure(url: str, viewer: str, code: str) -> list[float]:
    await asyncio.sleep(2)  # let the publisher's first key frame reach the SFU
    return [await one_join(url, viewer, code) for _ in range(JOINS)]


def start_publisher(url: str) -> tuple[subprocess.Popen[str], str]:
    publisher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.bot",
            "--server",
            url,
            "--login",
            "publisher",
            "--password",
            PASSWORD,
            "--create",
            "Join bench",
            "--seconds",
            str(JOINS * TIMEOUT),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert publisher.stdout is not None
    return publisher, publisher.stdout.readline().split()[-1]


def main() -> None:
    with running_server() as (_, url):
        viewer = asyncio.run(tokens(url))
        publisher, code = start_publisher(url)
        try:
            times = asyncio.run(measure(url, viewer, code))
        finally:
            publisher.terminate()
            publisher.wait(timeout=30)
    figures = {
        "joins": JOINS,
        "join_to_first_frame_ms_p50": round(statistics.median(times), 1),
        "join_to_first_frame_ms_max": round(max(times), 1),
    }
    print(json.dumps({"bench": "join", **figures}))


if __name__ == "__main__":
    main()
