"""Meeting fixtures: a logged-in window with test media, bots and in-process observers."""

from __future__ import annotations

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
