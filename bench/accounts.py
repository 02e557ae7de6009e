"""Accounts benchmark: login latency (argon2id) and authenticated request rate on one server.

Prints one JSON line. Runs a real podium-server on loopback with a temporary data directory;
bounded in count (LOGINS logins, REQUESTS authenticated reads) and stops by itself.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import aiohttp
from harness import running_server

LOGINS = 40
REQUESTS = 2000
CONCURRENCY = 20
USER = {
    "first_name": "Bench",
    "last_name": "Mark",
    "username": "bench",
    "email": "bench@example.org",
    "password": "benchmark-password-1",
}


async def measure(url: str) -> dict[str, float]:
    async with aiohttp.ClientSession(base_url=url) as http:
        (await http.post("/api/v1/accounts", json=USER)).raise_for_status()
        login_ms = []
        for _ in range(LOGINS):
            started = time.perf_counter()
            response = await http.post(
                "/api/v1/sessions", json={"login": "bench", "password": USER["password"]}
            )
            login_ms.append((time.perf_counter() - started) * 1000)
            token = (await response.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        latencies: list[float] = []

        async def worker(count: int) -> None:
            for _ in range(count):
                started = time.perf_counter()
                async with http.get("/api/v1/me", headers=headers) as response:
                    await response.read()
                    assert response.status == 200
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker(REQUESTS // CONCURRENCY) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "login_ms_p50": round(statistics.median(login_ms), 1),
        "login_ms_max": round(max(login_ms), 1),
        "me_requests_per_s": round(len(latencies) / elapsed, 1),
        "me_ms_p50": round(latencies[len(latencies) // 2], 2),
        "me_ms_p99": round(latencies[int(len(latencies) * 0.99)], 2),
    }


def main() -> None:
    with running_server() as (_, url):
        figures = asyncio.run(measure(url))
    print(json.dumps({"bench": "accounts", **figures}))


if __name__ == "__main__":
    main()
