"""Ending screenshots: `python -m tests.app.make_ending_screenshots`.

A real window against a real bundled server with one podium-bot: the host's Leave question over
the meeting (leave-dialog.png), then My meetings with that meeting ended (my-meetings-ended.png).
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
PEOPLE = {"ada": ("Ada", "Lovelace"), "grace": ("Grace", "Hopper")}


def main() -> int:
    """Take leave-dialog.png and my-meetings-ended.png; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.home_page import HomePage
    from app.ui.meeting_page import MeetingPage
    from app.viewmodels.app_viewmodel import Page
    from app.viewmodels.synthetic_devices import SyntheticDevices
    from tests.app.screenshot_tools import SCREENSHOTS

    root = Path(__file__).resolve().parents[2]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
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

    async def shoot(window: QWidget, name: str, dialog: QWidget | None = None) -> None:
        await asyncio.sleep(0.3)
        picture = window.grab()
        if dialog is not None:  # a dialog is a window of its own: paint it where it opens
            over = dialog.grab()
            painter = QPainter(picture)
            painter.drawPixmap(
                (picture.width() - over.width()) // 2,
                (picture.height() - over.height()) // 2,
                over,
            )
            painter.end()
        picture.save(str(SCREENSHOTS / f"{name}.png"))
        print(SCREENSHOTS / f"{name}.png")

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
                if login == "ada":
                    await api.login(login, PASSWORD)
                    await api.create_meeting("Planning, next week")
        vm.login.submit("ada", PASSWORD)
        await until(lambda: vm.page == Page.HOME)

        vm.meeting.start("Quarterly review")
        await until(lambda: vm.page == Page.MEETING)
        page = window.page(Page.MEETING)
        assert isinstance(page, MeetingPage)
        bot = await asyncio.create_subprocess_exec(
            str(root / ".venv" / "bin" / "podium-bot"),
            *("--server", base_url, "--login", "grace", "--password", PASSWORD),
            *("--meeting", vm.meeting.join_code, "--seconds", "60"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await until(lambda: sum(tile.has_image() for tile in page.grid.camera_tiles()) == 2)
        page.request_leave()
        dialog = page.leave_dialog
        assert dialog is not None
        await until(dialog.isVisible)
        await shoot(window, "leave-dialog", dialog)

        dialog.end.click()
        await until(lambda: vm.page == Page.HOME)
        home = window.page(Page.HOME)
        assert isinstance(home, HomePage)
        await until(lambda: str(vm.home.meetings.index(0, 3).data()).startswith("Ended "))
        await shoot(window, "my-meetings-ended")
        print("the bot exited with", await asyncio.wait_for(bot.wait(), WAIT_SECONDS))
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
