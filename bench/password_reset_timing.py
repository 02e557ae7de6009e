"""Forgot-password timing: does answering take longer when the login names an account?

Prints one JSON line. Builds the real server app in this process on a temporary encrypted
database (with a mail relay configured, so real accounts' links are stored and queued) and times
`POST /api/v1/password-resets`'s service call for logins that name an account and for logins that
do not, interleaved, each from its own documentation-range address (so the per-address limit
never answers first). The ratio of the medians is the figure: near 1.0 means no tell.
Bounded: ACCOUNTS accounts, three requests each, as many unknown ones.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.keys import PASSWORD_RESETS
from server.settings import Settings

ACCOUNTS = 30
PER_ACCOUNT = 3  # the per-account limit: more would be (silently) not stored
BASE = "http://127.0.0.1:8443"


async def measure(data_dir: Path) -> dict[str, float | int]:
    # Nothing listens on port 9: mail stays queued, which is all this measures.
    settings = Settings(data_dir=data_dir, key_source="file", smtp_host="127.0.0.1", smtp_port=9)
    async with TestClient(TestServer(create_app(settings))) as client:
        for n in range(ACCOUNTS):
            body = {
                "first_name": "Bench",
                "last_name": f"Mark{n}",
                "username": f"bench{n}",
                "email": f"bench{n}@example.org",
                "password": "benchmark-password-1",
            }
            (await client.post("/api/v1/accounts", json=body)).raise_for_status()
        resets = client.app[PASSWORD_RESETS]
        known: list[float] = []
        unknown: list[float] = []
        address = 0
        for round_ in range(PER_ACCOUNT):
            for n in range(ACCOUNTS):
                for login, times in ((f"bench{n}", known), (f"nobody{round_}-{n}", unknown)):
                    address += 1
                    ip = f"198.51.{100 + address // 250}.{address % 250 + 1}"
                    started = time.perf_counter()
                    await resets.request(login, ip, BASE)
                    times.append((time.perf_counter() - started) * 1000)
    known_p50, unknown_p50 = statistics.median(known), statistics.median(unknown)
    return {
        "reset_known_ms_p50": round(known_p50, 3),
        "reset_unknown_ms_p50": round(unknown_p50, 3),
        "reset_known_to_unknown_ratio": round(known_p50 / unknown_p50, 3),
        "requests_each": len(known),
    }


def main() -> None:
    logging.disable(logging.WARNING)  # the unreachable relay's retries are expected here
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(measure(Path(tmp) / "data"))))


if __name__ == "__main__":
    main()
