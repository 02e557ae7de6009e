"""Fixtures for client tests: isolated folders, no real keyring, a qasync loop, a real server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from app.core.bundled_server import BundledServer
from app.core.paths import AppPaths
from app.main_thread_gc import MainThreadCollector
from app.qt_loop import DrainingEventLoop

# Offscreen Qt warns about this for every shown window; it says nothing about our code.
_HARMLESS_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Make any Qt warning fail the client tests (except the offscreen platform's noise)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*_HARMLESS_QT_MESSAGES))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's keyring, settings or data, nor passes them to a child."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PODIUM_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("PODIUM_CONFIG_DIR", str(tmp_path / "env-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    """Fresh data and config folders for one test."""
    return AppPaths(data_dir=tmp_path / "data", config_dir=tmp_path / "config")


@pytest.fixture
async def bundled_server(tmp_path: Path) -> AsyncIterator[BundledServer]:
    """A real server child on loopback with its own database."""
    server = BundledServer(tmp_path / "server-data")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def qt_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """An asyncio loop living inside Qt's: qtbot's waits also run our coroutines."""
    loop = DrainingEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    collector = MainThreadCollector()  # as the app runs: garbage collected on the Qt thread
    collector.start()
    try:
        yield loop
    finally:
        collector.stop()
        # Not loop.stop(): it calls QApplication.exit(), which leaves Qt's "quit now" flag set
        # and stops timers from firing in later tests. Mark the loop idle by hand instead.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        loop.close()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
