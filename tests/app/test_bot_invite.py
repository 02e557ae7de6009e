"""podium-bot on a self-signed TLS server: --create prints the invite, --invite joins as a guest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.core.api import ApiClient
from app.core.invite_link import parse_invite
from app.core.tls_trust import ssl_option
from tests.app.core.test_api_client import PASSWORD, account
from tests.app.core.tls_servers import self_signed_server

REPO = Path(__file__).resolve().parents[2]


def bot(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.bot", "--publish", "none", *args],
        cwd=REPO,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_guest_bot_joins_by_the_invite_the_host_bot_printed(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        async with ApiClient(server.url, ssl=ssl_option(server.url, server.pin)) as api:
            await api.register(account("ann"))
        host = bot(
            "--server", server.url, "--pin", server.pin, "--login", "ann",
            "--password", PASSWORD, "--create", "Invite", "--seconds", "30", "--report",
        )  # fmt: skip
        try:
            assert host.stdout is not None
            first = host.stdout.readline()
            link = host.stdout.readline().strip()
            assert first.startswith("created meeting"), host.stderr
            code = first.split()[-1]
            invite = parse_invite(link)
            assert (invite.server, invite.code, invite.pin) == (server.url, code, server.pin)
            # No --server, --pin or account: all of it comes from the link.
            guest = bot("--invite", link, "--name", "Guesty", "--seconds", "0", "--report")
            out, err = guest.communicate(timeout=120)
            assert guest.returncode == 0, err
            report = json.loads(out.strip().splitlines()[-1])
            assert report["meeting"] == first.split()[2]
        finally:
            host.terminate()
            host.communicate(timeout=60)
