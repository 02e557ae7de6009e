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


class Flood:
    """Wrong logins from `addresses` source addresses, `workers` at a time, while `on` is set."""

    def __init__(self, url: str, addresses: int, workers: int):
        self.tally: Counter[int] = Counter()
        self.on = asyncio.Event()
        self.answered = 0
        self._url = url
        self._addresses = addresses
        self._workers = workers
        self._turn = itertools.count()
        self._idle = asyncio.Event()  # every worker is waiting for `on`
        self._waiting = 0
        self.target = 0
        self.reached = asyncio.Event()  # `answered` has come to `target`

    async def run(self, done: asyncio.Event) -> None:
        sessions = [
            aiohttp.ClientSession(
                self._url,
                connector=aiohttp.TCPConnector(local_addr=(flood_address(n), 0), limit=4),
            )
            for n in range(self._addresses)
        ]
        try:
            await asyncio.gather(*(self._worker(sessions, done) for _ in range(self._workers)))
        finally:
            await asyncio.gather(*(session.close() for session in sessions))

    async def paused(self) -> None:
        """Wait until no flood request is in flight."""
        await self._idle.wait()

    async def _worker(self, sessions: list[aiohttp.ClientSession], done: asyncio.Event) -> None:
        while not done.is_set():
            if not self.on.is_set():
                self._waiting += 1
                if self._waiting == self._workers:
                    self._idle.set()
                await self.on.wait()
                self._waiting -= 1
                self._idle.clear()
                continue
            n = next(self._turn)
            login = DECOY["username"] if n % 2 else f"nobody-{secrets.token_hex(4)}"
            body = {"login": login, "password": f"guess-{n}"}
            try:
                async with sessions[n % self._addresses].post(
                    "/api/v1/sessions", json=body
                ) as response:
                    await response.read()
                    self.tally[response.status] += 1
            except aiohttp.ClientError:
                self.tally[0] += 1
            self.answered += 1
            if self.answered >= self.target:
                self.reached.set()


async def flood_child(url: str, addresses: int, workers: int) -> None:
    """The flood process, driven by lines on stdin: "on" floods until every address has been
    heard from, then says "flooding" and keeps on; "off" stops and says "paused" when nothing
    is in flight; end of input prints the tally of answers by status."""
    flood, done = Flood(url, addresses, workers), asyncio.Event()
    running = asyncio.create_task(flood.run(done))
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        if line == "on":
            flood.target = flood.answered + addresses
            flood.reached.clear()
            flood.on.set()
            await asyncio.wait(
                [running, asyncio.create_task(flood.reached.wait())],
                return_when=asyncio.FIRST_COMPLETED,
            )
            print("flooding", flush=True)
        elif line == "off":
            flood.on.clear()
            await flood.paused()
            print("paused", flush=True)
    done.set()
    flood.on.set()
    await running
    print(json.dumps(dict(flood.tally)), flush=True)


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    quiet: list[float] = []
    loaded: list[float] = []
    refused = 0
    async with aiohttp.ClientSession(url) as http:
        for user in (REAL, DECOY):
            (await http.post("/api/v1/accounts", json=user)).raise_for_status()
        await real_logins(http, 3)  # warm up
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

        async def tell(command: str, answer: str) -> None:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(f"{command}\n".encode())
            await child.stdin.drain()
            if (await child.stdout.readline()).strip().decode() != answer:
                raise SystemExit(f"the flood did not answer {answer!r}")

        flood_seconds = 0.0
        try:
            async with asyncio.timeout(args.seconds):
                # Quiet and flood rounds alternate, so a machine whose load drifts (other work
                # on it) weighs on both alike.
                per_round = max(1, args.logins // args.rounds)
                for _ in range(args.rounds):
                    times, no = await real_logins(http, per_round)
                    quiet += times
                    refused += no
                    await tell("on", "flooding")  # every address has been heard from
                    started = time.perf_counter()
                    times, no = await real_logins(http, per_round)
                    loaded += times
                    refused += no
                    flood_seconds += time.perf_counter() - started
                    await tell("off", "paused")
        finally:
            child.stdin.close()
            async with asyncio.timeout(30):
                tally = Counter(
                    {int(k): v for k, v in json.loads(await child.stdout.read()).items()}
                )
                await child.wait()
    quiet_p50, loaded_p50 = statistics.median(quiet), statistics.median(loaded)
    quiet_p99, loaded_p99 = percentile(quiet, 0.99), percentile(loaded, 0.99)
    flood_total = sum(tally.values())
    return {
        "addresses": args.addresses,
        "flood_workers": args.workers,
        "logins_per_phase": len(quiet),
        "rounds": args.rounds,
        "quiet_ms_p50": round(quiet_p50, 1),
        "quiet_ms_p99": round(quiet_p99, 1),
        "flood_ms_p50": round(loaded_p50, 1),
        "flood_ms_p99": round(loaded_p99, 1),
        "ratio_p50": round(loaded_p50 / quiet_p50, 2),
        "ratio_p99": round(loaded_p99 / quiet_p99, 2),
        "real_refused": refused,
        "flood_requests": flood_total,
        "flood_per_s_while_measured": round(flood_total / max(flood_seconds, 1e-9), 1),
        "flood_401": tally[401],
        "flood_429": tally[429],
        "flood_other": flood_total - tally[401] - tally[429],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=200, help="flood source addresses")
    parser.add_argument("--workers", type=int, default=64, help="flood requests in flight")
    parser.add_argument("--logins", type=int, default=60, help="real logins per condition")
    parser.add_argument("--rounds", type=int, default=6, help="quiet/flood rounds, alternating")
    parser.add_argument("--seconds", type=float, default=180.0, help="cap on the whole run")
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
