"""podium-bot processes let go by the server: removed (3), meeting ended (4), server gone (5).

Each exits at once with one line on stderr and, with --report, still prints its report.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app.bot import EXIT_MEETING_ENDED, EXIT_REMOVED, EXIT_SERVER_GONE, ending_of
from app.core.meeting.call import Call
from protocol.meeting_types import Participant
from tests.app.processes import children_running
from tests.e2e.test_meeting_media import PASSWORD, eventually, meeting
from tests.server.live_server import live_server

REPO = Path(__file__).resolve().parents[2]
EXIT_WITHIN = 60.0  # seconds; the bot would otherwise stay its --seconds (120)


async def start_bot(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.bot", "--publish", "none", "--seconds", "120", "--report",
        *args, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def member_bot(url: str, login: str, code: str) -> asyncio.subprocess.Process:
    return await start_bot("--server", url, "--login", login, "--password", PASSWORD,
                           "--meeting", code)  # fmt: skip


async def finished(bot: asyncio.subprocess.Process) -> tuple[int | None, dict[str, Any], str]:
    """The bot's exit status, its report (last stdout line) and its last stderr line."""
    out, err = await asyncio.wait_for(bot.communicate(), EXIT_WITHIN)
    lines = out.decode().strip().splitlines()
    assert lines, err.decode()
    said = err.decode().strip().splitlines()
    return bot.returncode, json.loads(lines[-1]), said[-1] if said else ""


async def hosting(url: str, token: str, code: str) -> Call:
    """The host, in this process: a receive-only Call in the meeting."""
    host = Call(url, token)
    await host.connect()
    await host.join(code, {})
    return host


async def arrived(host: Call, name: str) -> Participant:
    """Wait until `name` is in the meeting, as the host sees it."""

    def find() -> Participant | None:
        return next((p for p in host.state.participants.values() if p.name == name), None)

    await eventually(lambda: find() is not None, within=EXIT_WITHIN)
    found = find()
    assert found is not None
    return found


async def test_a_removed_bot_exits_3_and_reports_what_it_had(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        tokens, code = await meeting(url, "ada", "ben")
        host = await hosting(url, tokens["ada"], code)
        bot = await member_bot(url, "ben", code)
        try:
            ben = await arrived(host, "Ben Tester")
            await host.chat("before you go")
            await eventually(lambda: host.state.chat != [])  # the server has relayed it
            await host.host_action("remove", target=ben.id)
            status, report, said = await finished(bot)
        finally:
            await host.leave()
    assert status == EXIT_REMOVED, said
    assert said == "podium-bot: removed from the meeting (removed by a host)"
    assert report["participant"] == ben.id and report["outcome"] == "removed"
    assert {"from": host.state.you, "text": "before you go"} in report["chat_received"]


async def test_when_the_meeting_ends_member_and_guest_bots_exit_4(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        tokens, code = await meeting(url, "ada", "ben")
        async with aiohttp.ClientSession(base_url=url) as http:
            listed = await http.get(
                "/api/v1/meetings", headers={"Authorization": f"Bearer {tokens['ada']}"}
            )
            (summary,) = (await listed.json())["meetings"]
        host = await hosting(url, tokens["ada"], code)
        member = await member_bot(url, "ben", code)
        guest = await start_bot("--invite", summary["invite_url"], "--name", "Gia Guest")
        try:
            await arrived(host, "Ben Tester")
            await arrived(host, "Gia Guest")
            await host.host_action("end_meeting")
            results = [await finished(member), await finished(guest)]
        finally:
            await host.leave()
    for status, report, said in results:
        assert status == EXIT_MEETING_ENDED, said
        assert said == "podium-bot: the meeting has ended"
        assert report["meeting"] == summary["id"] and report["outcome"] == "meeting_ended"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the server in /proc")
async def test_when_the_server_is_killed_the_bot_exits_5(tmp_path: Path) -> None:
    data = tmp_path / "killed-server"
    with live_server(data) as url:
        tokens, code = await meeting(url, "ada", "ben")
        host = await hosting(url, tokens["ada"], code)
        bot = await member_bot(url, "ben", code)
        try:
            ben = await arrived(host, "Ben Tester")
            await host.chat("still here?")
            await eventually(lambda: host.state.chat != [])
            (server,) = children_running(os.getpid(), str(data))
            os.kill(server, signal.SIGKILL)
            status, report, said = await finished(bot)
        finally:
            await host.close()
    assert status == EXIT_SERVER_GONE, said
    assert said == "podium-bot: the connection to the server ended: it was lost"
    assert report["participant"] == ben.id and report["outcome"] == "server_gone"
    assert {"from": host.state.you, "text": "still here?"} in report["chat_received"]


@pytest.mark.parametrize(
    ("reason", "code", "status", "message"),
    [
        (None, 4010, EXIT_REMOVED, "removed from the meeting (removed by a host)"),
        (None, 4011, EXIT_MEETING_ENDED, "the meeting has ended"),
        (None, 1001, EXIT_SERVER_GONE, "the connection to the server ended: the server stopped"),
        (None, 4005, EXIT_SERVER_GONE, "the server closed the connection (code 4005, see"),
    ],
)
def test_a_close_without_removed_is_read_by_its_code(
    reason: str | None, code: int, status: int, message: str
) -> None:
    ending = ending_of(reason, code)
    assert ending.status == status and ending.message.startswith(message)
