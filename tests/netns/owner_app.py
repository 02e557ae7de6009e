"""The owner's side of hosting from the app, run inside a namespace by test_hosting_from_app.

`python -m tests.netns.owner_app DATA_DIR`: starts the bundled server shared on the network
through the app's own ServerLink, registers and logs in the owner over its pinned TLS, starts a
meeting, prints one JSON line (what the app knows and shows), and keeps the server until stdin
closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from app.core.api import ApiClient
from app.core.client_settings import ClientSettings, ServerMode
from app.core.server_link import ServerLink
from app.core.tls_trust import ssl_option
from app.viewmodels.hosting_text import hosting_text
from tests.netns.register import PASSWORD


async def main(data_dir: Path) -> None:
    link = ServerLink(data_dir)
    try:
        base_url = await link.open(ClientSettings(ServerMode.BUNDLED, share_on_network=True))
        assert link.pin is not None and link.hosting is not None
        async with ApiClient(base_url, ssl=ssl_option(base_url, link.pin)) as api:
            await api.register(
                {
                    "first_name": "Olga",
                    "last_name": "Owner",
                    "username": "olga",
                    "email": "olga@example.org",
                    "password": PASSWORD,
                }
            )
            api.token = (await api.login("olga", PASSWORD)).token
            meeting = await api.create_meeting("Open day")
        facts = {
            "base_url": base_url,
            "pin": link.pin,
            "public_url": link.hosting.public_url,
            "shown": hosting_text(link.hosting, link.pin),
            "join_code": meeting.join_code,
            "invite_url": meeting.invite_url,
        }
        print(json.dumps(facts), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await link.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
