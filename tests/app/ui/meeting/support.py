"""Meeting test helpers: accounts, logged-in windows, podium-bot children, an observer."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from av.frame import Frame
from pytestqt.qtbot import QtBot

from app.core.api import ApiClient
from app.core.meeting.call import Call
from app.ui.main_window import MainWindow
from app.ui.meeting_page import MeetingPage
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from protocol.meeting_types import Participant
from tests.app.ui.conftest import WAIT_MS, wait_page

PASSWORD = "correct horse battery"
PEOPLE = {
    "ada": ("Ada", "Lovelace"),
    "grace": ("Grace", "Hopper"),
    "alan": ("Alan", "Turing"),
    "edsger": ("Edsger", "Dijkstra"),
}
BOT = Path(sys.executable).parent / "podium-bot"
# A bot stays at most this long; tests stop it earlier (SIGTERM makes it report and leave).
BOT_SECONDS = 60

T = TypeVar("T")


def run(qtbot: QtBot, coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the Qt-driven loop until it finishes."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


def server_url(window: MainWindow) -> str:
    """The base URL of the window's bundled server."""
    server = window.vm.bundled_server
    assert server is not None and server.base_url is not None
    return str(server.base_url)


async def register_everyone(base_url: str) -> None:
    """Create an account for each of PEOPLE."""
    for login, (first, last) in PEOPLE.items():
        async with ApiClient(base_url) as api:
            await api.register(
                {
                    "first_name": first,
                    "last_name": last,
                    "username": login,
                    "email": f"{login}@example.org",
                    "password": PASSWORD,
                }
            )


def log_in(qtbot: QtBot, window: MainWindow, login: str) -> None:
    """Log the window in and wait for the home page."""
    wait_page(qtbot, window, Page.LOGIN)
    window.vm.login.submit(login, PASSWORD)
    wait_page(qtbot, window, Page.HOME)


def meeting_page(window: MainWindow) -> MeetingPage:
    """The window's meeting page."""
    page = window.page(Page.MEETING)
    assert isinstance(page, MeetingPage)
    return page


def participant_named(vm: MeetingViewModel, name: str) -> Participant | None:
    """The participant with this name, as the window knows them."""
    return next((p for p in vm.participants.participants() if p.name == name), None)


def pending_tasks() -> list[asyncio.Task[Any]]:
    """Tasks of the current loop that have not finished."""
    return [task for task in asyncio.all_tasks(asyncio.get_event_loop()) if not task.done()]


class Bot:
    """A podium-bot child process in a meeting; stop() makes it leave and print its report."""

    def __init__(self, base_url: str, login: str, join_code: str, *options: str, log: Path):
        self.log = log
        self._stderr = log.open("wb")
        command = [str(BOT), "--server", base_url, "--login", login, "--password", PASSWORD]
        command += ["--meeting", join_code, "--seconds", str(BOT_SECONDS), "--report", *options]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def stop(self) -> None:
        """Ask the bot to leave now (it still prints its report)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def report(self, qtbot: QtBot, *, stop: bool = True) -> dict[str, Any]:
        """Stop the bot (or let it stay its --seconds) and return its JSON report."""
        if stop:
            self.stop()
        qtbot.waitUntil(lambda: self.process.poll() is not None, timeout=WAIT_MS)
        assert self.process.stdout is not None
        lines = self.process.stdout.read().decode().strip().splitlines()
        assert self.process.returncode == 0, self.log.read_text()
        return dict(json.loads(lines[-1]))

    def kill(self) -> None:
        """Make sure the child is gone (test teardown)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()


class Observer:
    """Another participant in this process (a plain Call): what do the others see of us?"""

    def __init__(self) -> None:
        self.frames: Counter[tuple[str, str]] = Counter()
        self.call: Call | None = None
        self._api: ApiClient | None = None

    def _sink(self, participant: str, source: str, frame: Frame) -> None:
        self.frames[(participant, source)] += 1

    async def join(self, base_url: str, login: str, join_code: str) -> None:
        """Log in and join, receive-only."""
        self._api = ApiClient(base_url)
        token = (await self._api.login(login, PASSWORD)).token
        self.call = Call(base_url, token, frame_sink=self._sink)  # type: ignore[arg-type]
        await self.call.connect()
        await self.call.join(join_code, {})

    def sees(self, name: str) -> Participant | None:
        """The participant with this name, as the observer knows them."""
        assert self.call is not None
        return next((p for p in self.call.state.participants.values() if p.name == name), None)

    async def leave(self) -> None:
        """Leave and close."""
        if self.call is not None:
            await self.call.leave()
        if self._api is not None:
            await self._api.close()
