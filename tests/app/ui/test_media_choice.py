"""Test sources only behind an explicit flag; without media the window is receive-only."""

from __future__ import annotations

import sys

import pytest
import qasync
from pytestqt.qtbot import QtBot

from app.bootstrap import build_window, default_media
from app.core.paths import AppPaths
from app.ui.main_window import MainWindow
from app.viewmodels.receive_only_devices import ReceiveOnlyDevices
from app.viewmodels.synthetic_devices import SyntheticDevices


def devices_of(window: MainWindow) -> object:
    return window.vm.meeting.controls.local.devices


def without_media(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where app.core.media cannot be imported (None in sys.modules)."""
    for name in ("app.core.media.devices", "app.core.media.audio_player"):
        monkeypatch.setitem(sys.modules, name, None)


def test_synthetic_devices_only_with_the_flag(
    qtbot: QtBot, qt_loop: qasync.QEventLoop, app_paths: AppPaths
) -> None:
    window = build_window(app_paths, synthetic_devices=True)
    qtbot.addWidget(window)
    assert isinstance(devices_of(window), SyntheticDevices)
    devices, player = default_media()
    assert not isinstance(devices, SyntheticDevices | ReceiveOnlyDevices) and player is not None


def test_without_the_media_module_the_app_is_receive_only_and_says_so(
    qtbot: QtBot, qt_loop: qasync.QEventLoop, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_media(monkeypatch)
    window = build_window(app_paths)
    qtbot.addWidget(window)
    devices = devices_of(window)
    assert isinstance(devices, ReceiveOnlyDevices)
    assert devices.cameras() == [] and devices.microphones() == [] and devices.monitors() == []
    assert devices.open_camera() is None and devices.open_microphone() is None
    [notice] = devices.availability()
    assert "receive-only" in notice and "can't see or hear you" in notice
    # The flag still gives test sources, media module or not: a demo or test says so.
    assert isinstance(default_media(synthetic=True)[0], SyntheticDevices)
