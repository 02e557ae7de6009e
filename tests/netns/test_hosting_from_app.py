"""Hosting for others from the app, across namespaces: the owner's machine and a guest's.

The owner's side runs the app's own ServerLink with "Let others join over the network"
(owner_app.py) in one namespace; a guest in another namespace, routed to it, joins with nothing
but the invite link: TLS pinned by the link, no account, video, audio, screen share and chat
both ways. Registration from the guest's machine is refused.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest

from tests.netns.lab import Host, Lab, missing
from tests.netns.register import PASSWORD

REPO = Path(__file__).resolve().parents[2]
BOT_SECONDS = "25"
START_WITHIN = 90.0

pytestmark = pytest.mark.skipif(bool(missing()), reason=missing() or "")


def _first_line(stream: IO[str], within: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=within)
    except queue.Empty:
        raise AssertionError(f"no line within {within} s") from None


def _python(lab: Lab, host: Host, *argv: str, **kwargs: Any) -> subprocess.Popen[str]:
    return lab.spawn(host, [sys.executable, *argv], cwd=REPO, **kwargs)


def _report(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=float(BOT_SECONDS) + 90)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


REGISTER_FROM_ELSEWHERE = """
import asyncio, sys
from app.core.api import ApiClient, ApiError
from app.core.tls_trust import ssl_option

async def main(url, pin):
    async with ApiClient(url, ssl=ssl_option(url, pin)) as api:
        try:
            await api.register({"first_name": "Mal", "last_name": "Lory", "username": "mal",
                                "email": "mal@example.org", "password": "a-long-password-9"})
        except ApiError as exc:
            print(exc.status, exc.code)
            return
        print("registered")

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_a_guest_on_another_machine_joins_by_invite_link(tmp_path: Path) -> None:
    with Lab() as lab:
        owner = lab.host("owner", "203.0.113.10", "203.0.113.9")
        guest = lab.host("guest", "198.51.100.10", "198.51.100.9")
        app = _python(
            lab,
            owner,
            "-m",
            "tests.netns.owner_app",
            str(tmp_path / "server"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(tmp_path / "owner.log").open("w"),
        )
        assert app.stdout is not None
        facts = json.loads(_first_line(app.stdout, START_WITHIN))

        # What the owner is shown, and what the invite link carries: this machine's network
        # address (never 127.0.0.1) and the certificate's pin.
        port = facts["base_url"].rsplit(":", 1)[1]
        public = f"https://{owner.address}:{port}"
        assert facts["public_url"] == public
        assert public in facts["shown"]
        assert facts["invite_url"] == f"{public}/j/{facts['join_code']}?pin={facts['pin']}"

        refused = _python(
            lab,
            guest,
            "-c",
            REGISTER_FROM_ELSEWHERE,
            public,
            facts["pin"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = refused.communicate(timeout=60)
        assert out.strip() == "403 registration_closed", err[-2000:]

        common = ("--seconds", BOT_SECONDS, "--report")
        host_bot = _python(
            lab,
            owner,
            "-m",
            "app.bot",
            *("--server", facts["base_url"], "--pin", facts["pin"]),
            *("--login", "olga", "--password", PASSWORD, "--meeting", facts["join_code"]),
            *("--share", "testsrc", "--chat", "welcome, guest", *common),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        guest_bot = _python(
            lab,
            guest,
            "-m",
            "app.bot",
            *("--invite", facts["invite_url"], "--name", "Gwen Guest"),
            *("--chat", "thanks, host", *common),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        hosted, visited = _report(host_bot), _report(guest_bot)
        app.communicate(input="", timeout=60)

    assert hosted["meeting"] == visited["meeting"]
    from_host = visited["received"][hosted["participant"]]
    from_guest = hosted["received"][visited["participant"]]
    for name, counts in (("host", from_host), ("guest", from_guest)):
        assert counts["video_frames"] > 30, (name, counts)
        assert counts["audio_frames"] > 50, (name, counts)
    assert from_host["screen_frames"] > 10, from_host
    assert {"from": hosted["participant"], "text": "welcome, guest"} in visited["chat_received"]
    assert {"from": visited["participant"], "text": "thanks, host"} in hosted["chat_received"]
