"""Three podium-bot processes in one meeting on a real server: media, screen share and chat."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests

from tests.server.live_server import live_server

PASSWORD = "bot-password-42"


def register(url: str, name: str) -> None:
    response = requests.post(
        f"{url}/api/v1/accounts",
        timeout=30,
        json={
            "first_name": name.title(),
            "last_name": "Bot",
            "username": name,
            "email": f"{name}@example.org",
            "password": PASSWORD,
        },
    )
    response.raise_for_status()


def bot(url: str, name: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.bot",
            "--server",
            url,
            "--login",
            name,
            "--password",
            PASSWORD,
            "--report",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def report_of(process: subprocess.Popen[str]) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_three_bots_see_and_hear_each_other(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        for name in ("ada", "ben", "cyd"):
            register(url, name)
        host = bot(
            url,
            "ada",
            "--create",
            "Bot meeting",
            "--share",
            "testsrc",
            "--seconds",
            "14",
            "--chat",
            "one",
            "--chat",
            "two",
        )
        assert host.stdout is not None
        first_line = host.stdout.readline()
        code = first_line.split()[-1]
        assert first_line.startswith("created meeting") and code.count("-") == 2
        ben = bot(url, "ben", "--meeting", code, "--seconds", "9", "--chat", "from ben")
        cyd = bot(url, "cyd", "--meeting", code, "--seconds", "9")
        reports = {"ben": report_of(ben), "cyd": report_of(cyd), "ada": report_of(host)}

    ids = {name: report["participant"] for name, report in reports.items()}
    assert len(set(ids.values())) == 3
    assert len({report["meeting"] for report in reports.values()}) == 1
    for name, report in reports.items():
        others = {other for other in ids if other != name}
        received = report["received"]
        for other in others:
            frames = received.get(ids[other], {})
            assert frames.get("video_frames", 0) > 30, (name, other, received)
            assert frames.get("audio_frames", 0) > 50, (name, other, received)
        if name != "ada":
            # Ada shares a screen; everyone else receives it as a separate track.
            assert received[ids["ada"]]["screen_frames"] > 5, (name, received)
        else:
            assert all(frames["screen_frames"] == 0 for frames in received.values())
    # Chat arrives, in order, with the sender stated by the server.
    for name in ("ben", "cyd"):
        from_ada = [m["text"] for m in reports[name]["chat_received"] if m["from"] == ids["ada"]]
        assert from_ada == ["one", "two"]
    assert {"from": ids["ben"], "text": "from ben"} in reports["ada"]["chat_received"]
