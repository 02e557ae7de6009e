"""GUI fixtures: real windows, each talking to a real bundled server child."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Protocol

import pytest
import qasync
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import build_window, style_application
from app.core.client_settings import ClientSettings, SettingsFile
from app.core.paths import AppPaths
from app.ui.main_window import MainWindow
from app.viewmodels.media_devices import Devices, PlayerFactory

# Starting the server child (new database, key derivation) can take a while on slow CI machines.
WAIT_MS = 30_000


class OpenWindow(Protocol):
    """Signature of the open_window fixture."""

    def __call__(
        self,
        server_url: str | None = None,
        *,
        paths: AppPaths | None = None,
        keyring_backend: KeyringBackend | None = None,
        choice: ClientSettings | None = None,
        media: tuple[Devices, PlayerFactory | None] | None = None,
    ) -> MainWindow: ...


@pytest.fixture
def open_window(
    qtbot: QtBot, qapp: QApplication, qt_loop: qasync.QEventLoop, app_paths: AppPaths
) -> Iterator[OpenWindow]:
    """Build, show and start windows; at the end stop each one's bundled server."""
    style_application(qapp)
    windows: list[MainWindow] = []

    def make(
        server_url: str | None = None,
        *,
        paths: AppPaths | None = None,
        keyring_backend: KeyringBackend | None = None,
        choice: ClientSettings | None = None,
        media: tuple[Devices, PlayerFactory | None] | None = None,
    ) -> MainWindow:
        paths = paths or app_paths
        if choice is not None:
            SettingsFile(paths.config_dir).save(choice)
        window = build_window(paths, server_url, keyring_backend=keyring_backend, media=media)
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1000, 720)
        window.show()
        window.vm.start()
        return window

    yield make
    for window in windows:
        shut_down(qtbot, window)


def shut_down(qtbot: QtBot, window: MainWindow) -> None:
    """Run the window's shutdown (API client, bundled server) to the end."""
    task = asyncio.ensure_future(window.vm.shutdown())
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    task.result()


def wait_page(qtbot: QtBot, window: MainWindow, page: str) -> None:
    """Wait until the window shows the page (and fail with what it shows instead)."""

    def shown() -> None:
        assert window.vm.page == page, _explain(window)
        assert window.current_page() == page

    qtbot.waitUntil(shown, timeout=WAIT_MS)


def wait_for(qtbot: QtBot, condition: Callable[[], object]) -> None:
    """qtbot.waitUntil with the GUI tests' generous timeout."""
    qtbot.waitUntil(lambda: bool(condition()), timeout=WAIT_MS)


def _explain(window: MainWindow) -> str:
    doing, error = window.vm.connecting_state
    return f"on page {window.vm.page!r}; connecting: {doing!r} {error!r}"
