"""Meeting fixtures: a logged-in window with test media, bots and in-process observers."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings
from app.ui.main_window import MainWindow
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.media_devices import Devices, PlayerFactory
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.ui.conftest import OpenWindow, wait_page
from tests.app.ui.meeting.support import Bot, Observer, log_in, register_everyone, run, server_url

StartBot = Callable[..., Bot]
HostWindow = Callable[..., MainWindow]


@pytest.fixture
def host_window(qtbot: QtBot, open_window: OpenWindow) -> HostWindow:
    """A window on its own bundled server, everyone registered, Ada logged in."""

    def make(
        devices: Devices | None = None, player_factory: PlayerFactory | None = None
    ) -> MainWindow:
        window = open_window(
            choice=ClientSettings(), media=(devices or SyntheticDevices(), player_factory)
        )
        wait_page(qtbot, window, Page.LOGIN)
        run(qtbot, register_everyone(server_url(window)))
        log_in(qtbot, window, "ada")
        return window

    return make


@pytest.fixture
def bots(tmp_path: Path) -> Iterator[StartBot]:
    """Start podium-bot children; every one is gone after the test."""
    started: list[Bot] = []

    def start(base_url: str, login: str, join_code: str, *options: str) -> Bot:
        bot = Bot(base_url, login, join_code, *options, log=tmp_path / f"bot-{login}.log")
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.kill()


@pytest.fixture
def observer(qtbot: QtBot) -> Iterator[Observer]:
    """A receive-only participant in this process; it leaves after the test."""
    seen = Observer()
    yield seen
    run(qtbot, seen.leave())


@pytest.fixture
def x_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real X server (Xvfb, one 1280 × 720 screen) for screen capture; Qt stays offscreen."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed")
    read_end, write_end = os.pipe()
    command = [binary, "-displayfd", str(write_end), "-nolisten", "tcp", "-noreset"]
    server = subprocess.Popen(
        [*command, "-screen", "0", "1280x720x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 15)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        assert number.isdigit(), "Xvfb did not start"
        monkeypatch.setenv("DISPLAY", f":{number}")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)
        os.close(read_end)
