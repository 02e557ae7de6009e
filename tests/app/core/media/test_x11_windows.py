"""Sharing one window (X11): a real Qt window on Xvfb is listed with its title and geometry and
captured at that geometry; windows partly off the screen are clipped; no display lists nothing."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator

import av
import pytest

from app.core.media.devices import MediaDevices
from app.core.media.screen import list_monitors
from app.core.media.x11_windows import TopWindow, list_windows
from tests.app.core.media.conftest import XvfbStarter

TITLE = "Podium window test ✓ (Grace)"
# A child process: a plain red Qt window on the X server (this test's Qt, if any, is offscreen).
WINDOW_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
window = QWidget()
window.setWindowTitle(sys.argv[1])
window.setStyleSheet("background: #ff0000")
window.setGeometry(*map(int, sys.argv[2:6]))
window.show()
QTimer.singleShot(0, lambda: print("shown", flush=True))
app.exec()  # until the test ends the process
"""


class RedWindow:
    """A red Qt window with a known title and geometry, in its own process."""

    def __init__(self, display: str, geometry: tuple[int, int, int, int]) -> None:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", WINDOW_SCRIPT, TITLE, *map(str, geometry)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        if not ready or self.process.stdout.readline().strip() != b"shown":
            self.close()
            pytest.skip("Qt cannot open a window on Xvfb here (xcb platform plugin missing)")

    def close(self) -> None:
        self.process.kill()
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def red_window(xvfb: XvfbStarter) -> Iterator[RedWindow]:
    """A 1280×720 X server with the red window at (100, 120), 320×200."""
    display = xvfb(1280, 720)
    window = RedWindow(display, (100, 120, 320, 200))
    yield window
    window.close()


def wait_for_window(within: float = 15.0) -> TopWindow:
    """The test window once the X server lists it mapped (bounded polling)."""
    deadline = time.monotonic() + within
    while True:
        found = [w for w in list_windows() if w.title == TITLE]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"not listed: {list_windows()}"
        time.sleep(0.05)


def test_a_window_is_listed_with_its_title_and_geometry(red_window: RedWindow) -> None:
    window = wait_for_window()
    assert (window.left, window.top, window.width, window.height) == (100, 120, 320, 200)
    # The share picker lists it after the screen, as a window, at the same place.
    targets = list_monitors()
    assert [t.kind for t in targets] == ["screen", "window"]
    shared = targets[1]
    assert shared.name == f"Window: {TITLE}" and shared.id == window.xid
    assert (shared.left, shared.top, shared.width, shared.height) == (100, 120, 320, 200)


async def test_a_window_is_captured_at_its_geometry(red_window: RedWindow) -> None:
    window = wait_for_window()
    devices = MediaDevices()
    picture = devices.monitor_thumbnail(window.xid, max_width=320)
    assert (picture.width, picture.height) == (320, 200)
    # Red all over (what the window shows), nothing of the black screen around it.
    for x, y in ((2, 2), (160, 100), (317, 197)):
        offset = (y * picture.width + x) * 3
        red, green, blue = picture.rgb[offset : offset + 3]
        assert red > 200 and green < 60 and blue < 60, (x, y, red, green, blue)
    track = devices.open_screen(window.xid, fps=5)
    try:
        frame = await track.recv()
        assert isinstance(frame, av.VideoFrame)
    finally:
        track.stop()
    assert (frame.width, frame.height) == (320, 200)


def test_a_window_partly_off_the_screen_is_clipped_to_it(xvfb: XvfbStarter) -> None:
    display = xvfb(640, 480)
    window = RedWindow(display, (500, 400, 300, 200))
    try:
        wait_for_window()
        shared = next(t for t in list_monitors() if t.kind == "window")
        assert (shared.left, shared.top, shared.width, shared.height) == (500, 400, 140, 80)
    finally:
        window.close()


def test_without_a_display_there_is_no_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert list_windows() == []
    assert list_windows(":" + str(9000 + os.getpid() % 1000)) == []  # nobody listens there
