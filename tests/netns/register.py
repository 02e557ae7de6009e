"""Register bots' accounts from a namespace: `python -m tests.netns.register URL PIN NAME...`.

The test process sits outside the lab's namespaces, so it registers the bots' accounts through
a client namespace, over the same TLS (pinned) a bot uses.
"""

from __future__ import annotations

import asyncio
import sys

from app.core.api import ApiClient
from app.core.tls_trust import ssl_option

PASSWORD = "bot-password-42"


async def register(url: str, pin: str, names: list[str]) -> None:
    async with ApiClient(url, ssl=ssl_option(url, pin)) as api:
        for name in names:
            await api.register(
                {
                    "first_name": name.title(),
                    "last_name": "Bot",
                    "username": name,
                    "email": f"{name}@example.org",
                    "password": PASSWORD,
                }
            )


if __name__ == "__main__":
    asyncio.run(register(sys.argv[1], sys.argv[2], sys.argv[3:]))
