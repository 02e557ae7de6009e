"""Grid and speaker view screenshots: `python -m tests.app.make_view_screenshots [DIR]`.

A real window (1280×800) against a real bundled server with three podium-bots: Grace and Alan
send a test pattern and tone, Edsger nothing; Alan is pinned; the active speaker is outlined:
meeting-grid-view.png and meeting-speaker-view.png (docs/screenshots unless DIR is given).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SIZE = (1280, 800)
WAIT_SECONDS = 60
PASSWORD = "analytical engine 1843"
PEOPLE = {
    "ada": ("Ada", "Lovelace"),
    "grace": ("Grace", "Hopper"),
    "alan": ("Alan", "Turing"),
    "edsger": ("Edsger", "Dijkstra"),
}


def main() -> int:
    """Take the two pictures; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication, QWidget

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.meeting_page import MeetingPage
    from app.viewmodels.app_viewmodel import Page
    from app.viewmodels.synthetic_devices import SyntheticDevices
    from tests.app.screenshot_tools import SCREENSHOTS

    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else SCREENSHOTS
    root = Path(__file__).resolve().parents[2]
    out.mkdir(parents=True, exist_ok=True)
    qapp = QApplication(sys.argv[:1])
    style_application(qapp)
    loop = DrainingEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def until(condition: Callable[[], object]) -> None:
        deadline = loop.time() + WAIT_SECONDS
        while not condition():
            if loop.time() > deadline:
                raise TimeoutError("the screen did not get there in time")
            await asyncio.sleep(0.05)

    async def shoot(window: QWidget, name: str) -> None:
        await asyncio.sleep(0.5)
        window.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    async def scenario(tmp: Path) -> None:
        window = build_window(
            AppPaths(tmp / "data", tmp / "config"), media=(SyntheticDevices(), None)
        )
        vm = window.vm
        window.resize(*SIZE)
        window.show()
        vm.start()
        await until(lambda: vm.page == Page.SETUP)
        vm.setup.submit("bundled", "")
        await until(lambda: vm.page == Page.LOGIN)
        server = vm.bundled_server
        assert server is not None and server.base_url
        base_url = str(server.base_url)
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
        vm.login.submit("ada", PASSWORD)
        await until(lambda: vm.page == Page.HOME)

        meeting = vm.meeting
        meeting.join_with_mic = False  # the bots' tones, not ours, make the active speaker
        meeting.start("Analytical engine: weekly design review")
        await until(lambda: vm.page == Page.MEETING)
        page = window.page(Page.MEETING)
        assert isinstance(page, MeetingPage)
        bots = []
        for login, publish in (("grace", "testsrc"), ("alan", "testsrc"), ("edsger", "none")):
            bots.append(
                await asyncio.create_subprocess_exec(
                    str(root / ".venv" / "bin" / "podium-bot"),
                    *("--server", base_url, "--login", login, "--password", PASSWORD),
                    *("--meeting", meeting.join_code, "--seconds", "60", "--publish", publish),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
            )
        grid = page.grid
        await until(lambda: sum(tile.has_image() for tile in grid.camera_tiles()) == 3)
        alan = next(tile for tile in grid.camera_tiles() if tile.name == "Alan Turing")
        grace = next(tile for tile in grid.camera_tiles() if tile.name == "Grace Hopper")
        meeting.layout.pin(alan.participant)
        await until(lambda: grace.state.speaking or alan.state.speaking)
        page.toasts.clear()  # the join notices would cover a tile
        meeting.dismiss_notice()
        await shoot(window, "meeting-grid-view")
        page.toolbar.action("speaker").trigger()
        await until(lambda: grid.stage_tile is alan)
        await shoot(window, "meeting-speaker-view")
        page.toolbar.action("speaker").trigger()
        for bot in bots:
            bot.terminate()
            await asyncio.wait_for(bot.wait(), WAIT_SECONDS)
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
