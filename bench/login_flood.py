"""Login flood benchmark: a real user's login latency, quiet and under a flood of wrong logins.

Runs a real podium-server on loopback with a temporary data directory. The flood comes from many
loopback source addresses (127.0.x.y, each client bound to its own, as the server counts the
peer address), guessing unknown logins and a decoy account's password, while one real user logs
in again and again from 127.0.0.1. The flood runs in its own process, as an attacker's would, so
its client loop does not delay the real user's. Prints one JSON line: the real login's p50/p99
quiet and under the flood, their ratio, and what the flood got. Bounded in count and time; stops
by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import statistics
import sys
import time
from collections import Counter
from typing import Any

import aiohttp
from harness import running_server

REAL = {
    "first_name": "Real",
    "last_name": "User",
    "username": "realuser",
    "email": "real@example.org",
    "password": "the-real-password-1",
}
DECOY = {**REAL, "username": "decoy", "email": "decoy@example.org"}


def flood_address(n: int) -> str:
    """The n-th flood source: 127.0.1.1 onwards, never the real user's 127.0.0.1."""
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def real_logins(http: aiohttp.ClientSession, count: int) -> tuple[list[float], int]:
    """Milliseconds per successful login, and how many were refused."""
    times: list[float] = []
    refused = 0
    body = {"login": REAL["username"], "password": REAL["password"]}
    while len(times) < count and refused < count:
        started = time.perf_counter()
        async with http.post("/api/v1/sessions", json=body) as response:
            await response.read()
            if response.status == 201:
                times.append((time.perf_counter() - started) * 1000)
            else:
                refused += 1
    return times, refused


async def flood(
    url: str,
    addresses: int,
    workers: int,
    stop: asyncio.Event,
    heard: asyncio.Event,
    tally: Counter[int],
) -> None:
    """Wrong logins from `addresses` source addresses, `workers` at a time, until `stop`;
    `heard` is set once there are as many answers as addresses."""
    sessions = [
        aiohttp.ClientSession(
            url, connector=aiohttp.TCPConnector(local_addr=(flood_address(n), 0), limit=4)
        )
        for n in range(addresses)
    ]
    turn = itertools.count()

    async def worker() -> None:
        while not stop.is_set():
            n = next(turn)
            http = sessions[n % addresses]
            login = DECOY["username"] if n % 2 else f"nobody-{secrets.token_hex(4)}"
            body = {"login": login, "password": f"guess-{n}"}
            try:
                async with http.post("/api/v1/sessions", json=body) as response:
                    await response.read()
                    tally[response.status] += 1
            except aiohttp.ClientError:
                tally[0] += 1
            if n + 1 >= addresses:
                heard.set()

    try:
        await asyncio.gather(*(worker() for _ in range(workers)))
    finally:
        await asyncio.gather(*(session.close() for session in sessions))


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with aiohttp.ClientSession(url) as http:
        for user in (REAL, DECOY):
            (await http.post("/api/v1/accounts", json=user)).raise_for_status()
        await real_logins(http, 3)  # warm up
        quiet, quiet_refused = await real_logins(http, args.logins)

        child = await asyncio.create_subprocess_exec(
            *(["nice", "-n", str(args.flood_nice)] if args.flood_nice else []),
            sys.executable,
            __file__,
            "--flood-child",
            url,
            f"--addresses={args.addresses}",
            f"--workers={args.workers}",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            started = time.perf_counter()
            async with asyncio.timeout(args.seconds):
                # Measured once the flood is in full swing: every address has been heard from.
                if (await child.stdout.readline()).strip() != b"flooding":
                    raise SystemExit("the flood did not start")
                loaded, loaded_refused = await real_logins(http, args.logins)
        finally:
            child.stdin.close()
            async with asyncio.timeout(30):
                tally = Counter(
                    {int(k): v for k, v in json.loads(await child.stdout.read()).items()}
                )
                await child.wait()
        elapsed = time.perf_counter() - started
    quiet_p50, loaded_p50 = statistics.median(quiet), statistics.median(loaded)
    quiet_p99, loaded_p99 = percentile(quiet, 0.99), percentile(loaded, 0.99)
    flood_total = sum(tally.values())
    return {
        "addresses": args.addresses,
        "flood_workers": args.workers,
        "logins": args.logins,
        "quiet_ms_p50": round(quiet_p50, 1),
        "quiet_ms_p99": round(quiet_p99, 1),
        "flood_ms_p50": round(loaded_p50, 1),
        "flood_ms_p99": round(loaded_p99, 1),
        "ratio_p50": round(loaded_p50 / quiet_p50, 2),
        "ratio_p99": round(loaded_p99 / quiet_p99, 2),
        "real_refused": quiet_refused + loaded_refused,
        "flood_requests": flood_total,
        "flood_per_s": round(flood_total / elapsed, 1),
        "flood_401": tally[401],
        "flood_429": tally[429],
        "flood_other": flood_total - tally[401] - tally[429],
    }


async def flood_child(url: str, addresses: int, workers: int) -> None:
    """The flood process: says "flooding" when every address has been heard from, stops when
    its stdin closes, then prints its tally of answers by status."""
    stop, heard = asyncio.Event(), asyncio.Event()
    tally: Counter[int] = Counter()
    flooding = asyncio.create_task(flood(url, addresses, workers, stop, heard, tally))
    await asyncio.wait(
        [flooding, asyncio.create_task(heard.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    print("flooding", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes it
    stop.set()
    await flooding
    print(json.dumps(dict(tally)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=200, help="flood source addresses")
    parser.add_argument("--workers", type=int, default=64, help="flood requests in flight")
    parser.add_argument("--logins", type=int, default=40, help="real logins per phase")
    parser.add_argument("--seconds", type=float, default=60.0, help="cap on the flood phase")
    parser.add_argument(
        "--flood-nice", type=int, default=0, help="run the flood client at this niceness"
    )
    parser.add_argument("--flood-child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flood_child:
        asyncio.run(flood_child(args.flood_child, args.addresses, args.workers))
        return
    with running_server() as (_, url):
        figures = asyncio.run(measure(url, args))
    print(json.dumps({"bench": "login_flood", **figures}))


if __name__ == "__main__":
    main()
