"""A logged-in member in the real window, and ways to check the server behind its back."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from app.core.api import ApiClient
from app.core.client_settings import ClientSettings, ServerMode
from app.ui.login_page import LoginPage
from app.ui.main_window import MainWindow
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import WAIT_MS, OpenWindow, wait_page
from tests.app.ui.helpers import click, type_into

T = TypeVar("T")
PASSWORD = "analytical engine 1843"
ADA = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "username": "ada",
    "email": "ada@example.org",
    "password": PASSWORD,
    "city": "London",
    "company": "Analytical Engines",
}


def run(qtbot: QtBot, coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the test's Qt-hosted loop and return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


@dataclass
class Member:
    """A window logged in as Ada, plus what tests need to check the server directly."""

    window: MainWindow
    base_url: str
    data_dir: Path

    def page(self, page: Page) -> Any:
        """The widget of one page."""
        return self.window.page(page)

    async def api(self) -> ApiClient:
        """A separate client logged in as Ada (close it after use)."""
        client = ApiClient(self.base_url)
        await client.login("ada", PASSWORD)
        return client


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a checkbox on its box (a wide checkbox's middle is outside its click area)."""
    assert box.isVisible() and box.isEnabled(), box.text()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def log_in(qtbot: QtBot, window: MainWindow, login: str = "ada", password: str = PASSWORD) -> None:
    """Type the credentials on the log-in page and press Log in."""
    page = window.page(Page.LOGIN)
    assert isinstance(page, LoginPage)
    type_into(qtbot, page.login.edit, login)
    type_into(qtbot, page.password.edit, password)
    click(qtbot, page.submit)


@pytest.fixture
def member(qtbot: QtBot, open_window: OpenWindow) -> Member:
    """The real window on its bundled server, Ada registered (via the API) and logged in."""
    window = open_window(choice=ClientSettings(ServerMode.BUNDLED, None))
    wait_page(qtbot, window, Page.LOGIN)
    server = window.vm.bundled_server
    assert server is not None and server.base_url is not None

    async def register() -> None:
        async with ApiClient(str(server.base_url)) as client:
            await client.register(dict(ADA))

    run(qtbot, register())
    log_in(qtbot, window)
    wait_page(qtbot, window, Page.HOME)
    return Member(window=window, base_url=server.base_url, data_dir=server.data_dir)


async def admin_command(data_dir: Path, *args: str) -> None:
    """Run `podium-server admin ...` (the real command) beside the running server."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server",
        "--data-dir",
        str(data_dir),
        "admin",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, (out + err).decode()


async def publish_policy(
    data_dir: Path, version: str, effective: str, summary: str, folder: Path
) -> None:
    """Publish a policy version with the real admin command."""
    summary_file = folder / f"policy-{version}.txt"
    summary_file.write_text(summary, encoding="utf-8")
    await admin_command(
        data_dir,
        "publish-policy",
        "--version",
        version,
        "--effective",
        effective,
        "--summary",
        str(summary_file),
    )
