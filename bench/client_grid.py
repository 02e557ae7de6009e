"""Client grid benchmark: the app's CPU and memory while it shows nine incoming video tiles.

A real server on loopback, nine podium-bot processes each sending the camera test pattern, and
the real window (MainWindow from the app's own builder, offscreen Qt, receive-only devices) in
the meeting showing their tiles in a 3 × 3 grid. After a warm-up the app's CPU time (this process
only: every thread of it, decoders included; the server and the bots are other processes) is
taken over a fixed window, with its resident memory. Prints one JSON line. Bounded: every wait
has a limit, the bots leave after --seconds, and everything started is stopped on the way out.

The bots stand in for people on other machines, so the app should not lose the CPU to them: they
run niced, send the pattern encoded once at start and decode nothing they receive
(bench/grid_bot.py: nine live encoders and seventy-two decoders would not leave two cores to the
app). `decoded_fps_per_tile` says how many frames a tile really received a
second (on a loaded machine fewer than the bots' rate), to read the CPU figures against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A throw-away session must not leave a token in the user's keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from harness import ENV, running_server
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from app.bootstrap import build_window, style_application
from app.core.api import ApiClient
from app.core.paths import AppPaths
from app.main_thread_gc import MainThreadCollector
from app.qt_loop import DrainingEventLoop
from app.ui.main_window import MainWindow
from app.ui.meeting_page import MeetingPage
from app.ui.video_tile import VideoTile
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.receive_only_devices import ReceiveOnlyDevices

TILES = 9
PASSWORD = "bench-password-1"
WINDOW = (1280, 720)
JOIN_TIMEOUT = 120.0  # nine bots joining a busy machine, each first key frame
BOT_NICE = 10
GRID_BOT = Path(__file__).with_name("grid_bot.py")  # podium-bot, light on this machine


async def until(condition: Callable[[], bool], limit: float, what: str) -> None:
    """Poll a condition (the Qt loop keeps running meanwhile) or fail after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"client_grid: timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def register(url: str, logins: list[str]) -> None:
    """One account per login."""
    for login in logins:
        async with ApiClient(url) as api:
            await api.register(
                {
                    "first_name": login.capitalize(),
                    "last_name": "Bench",
                    "username": login,
                    "email": f"{login}@example.org",
                    "password": PASSWORD,
                }
            )


def start_bot(
    url: str, login: str, code: str, camera: str, seconds: float
) -> subprocess.Popen[bytes]:
    """A podium-bot sending the camera test pattern (and its tone), niced, stopping by itself.

    Pre-encoded, decoding nothing (grid_bot.py): people on other machines do that there.
    """
    command = [sys.executable, str(GRID_BOT), "--server", url, "--login", login]
    command += ["--password", PASSWORD, "--meeting", code, "--seconds", str(seconds)]
    command += ["--camera-video", camera]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
        preexec_fn=lambda: os.nice(BOT_NICE),
    )


class PaintCounter(QObject):
    """Counts paint events of video tiles that show a picture."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count, never filter."""
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, VideoTile)
            and watched.has_image()
        ):
            self.painted += 1
        return False


def cpu_seconds() -> float:
    """User plus system CPU time of this process (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mib() -> float:
    """Resident memory of this process in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def bench(window: MainWindow, url: str, args: argparse.Namespace) -> dict[str, object]:
    vm = window.vm
    bots_logins = [f"bot{n}" for n in range(TILES)]
    await register(url, ["host", *bots_logins])
    window.resize(*WINDOW)
    window.show()
    vm.start()
    await until(lambda: vm.page == Page.LOGIN, 60, "the login page")
    vm.login.submit("host", PASSWORD)
    await until(lambda: vm.page == Page.HOME, 60, "the home page")
    vm.meeting.start("Grid bench")
    await until(lambda: vm.page == Page.MEETING and bool(vm.meeting.join_code), 60, "the meeting")
    page = window.page(Page.MEETING)
    assert isinstance(page, MeetingPage)
    stay = args.warmup + args.seconds + JOIN_TIMEOUT + 30
    bots = [start_bot(url, login, vm.meeting.join_code, args.camera, stay) for login in bots_logins]
    received = [0]
    push = vm.meeting.frames.push

    def counting_push(participant: str, source: str, frame: object) -> None:
        received[0] += 1
        push(participant, source, frame)  # type: ignore[arg-type]

    vm.meeting.frames.push = counting_push  # type: ignore[method-assign]
    try:

        def all_tiles_show_video() -> bool:
            remote = [t for t in page.grid.camera_tiles() if not t.state.you]
            return len(remote) == TILES and all(t.isVisible() and t.has_image() for t in remote)

        await until(all_tiles_show_video, JOIN_TIMEOUT, f"{TILES} tiles showing video")
        counter = PaintCounter()
        tiles = [t for t in page.grid.camera_tiles() if not t.state.you]
        for tile in tiles:
            tile.installEventFilter(counter)
        await asyncio.sleep(args.warmup)  # renegotiations settle, decoders and caches fill
        painted, frames, cpu, wall = counter.painted, received[0], cpu_seconds(), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu, wall = cpu_seconds() - cpu, time.monotonic() - wall
        painted, frames = counter.painted - painted, received[0] - frames
        rss = rss_mib()
        size = tiles[0].size()
        for tile in tiles:
            tile.removeEventFilter(counter)
        percent = 100 * cpu / wall
        return {
            "tiles": TILES,
            "camera": args.camera,
            "tile_size": f"{size.width()}x{size.height()}",
            "cpu_percent_of_core": round(percent, 1),
            "cpu_percent_per_tile": round(percent / TILES, 2),
            "rss_mib": round(rss, 1),
            "decoded_fps_per_tile": round(frames / wall / TILES, 1),
            # Comparable across loads: the app's whole CPU time shared over the frames it got.
            "cpu_ms_per_frame": round(1000 * cpu / max(1, frames), 2),
            "painted_fps_per_tile": round(painted / wall / TILES, 1),
            "frames_painted": painted,
            "seconds": round(wall, 1),
            "load_average_1min": round(os.getloadavg()[0], 2),
        }
    finally:
        vm.meeting.leave()
        await until(lambda: vm.page != Page.MEETING, 30, "leaving")
        for bot in bots:
            if bot.poll() is None:
                bot.terminate()
        for bot in bots:
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
                bot.wait()
        await vm.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--camera", default="640x480@30", help="the bots' camera, WxH@FPS")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds measured")
    args = parser.parse_args()
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setQuitOnLastWindowClosed(False)
    style_application(qapp)
    with running_server() as (_, url), tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths(data_dir=Path(tmp) / "data", config_dir=Path(tmp) / "config")
        loop = DrainingEventLoop(qapp)
        asyncio.set_event_loop(loop)
        collector = MainThreadCollector(qapp)
        collector.start()
        try:
            with loop:
                media = (ReceiveOnlyDevices("benchmark: receive only"), None)
                window = build_window(paths, url, media=media)
                figures = loop.run_until_complete(bench(window, url, args))
                window.close()
        finally:
            collector.stop()
    print(json.dumps({"bench": "client_grid", **figures}))


if __name__ == "__main__":
    main()
