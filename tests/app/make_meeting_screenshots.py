"""Home page and meeting screenshots: `python -m tests.app.make_meeting_screenshots`.

A real window (test-pattern camera) against a real bundled server, with two podium-bot
participants: one sharing a screen, both chatting.
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
BOT_SECONDS = 40
PASSWORD = "analytical engine 1843"
PEOPLE = {
    "ada": ("Ada", "Lovelace"),
    "grace": ("Grace", "Hopper"),
    "alan": ("Alan", "Turing"),
}


def main() -> int:
    """Take home.png, meeting.png and meeting-people.png; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.home_page import HomePage
    from app.ui.meeting_page import MeetingPage
    from app.viewmodels.app_viewmodel import Page
    from app.viewmodels.synthetic_devices import SyntheticDevices

    root = Path(__file__).resolve().parents[2]
    out = root / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    qapp = QApplication(sys.argv[:1])
    style_application(qapp)
    loop = DrainingEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def until(condition: Callable[[], object]) -> None:
        ready = asyncio.Event()

        def check() -> None:
            if condition():
                ready.set()
            else:
                loop.call_later(0.05, check)

        check()
        await asyncio.wait_for(ready.wait(), WAIT_SECONDS)

    async def shoot(window: object, name: str) -> None:
        await asyncio.sleep(0.3)
        window.grab().save(str(out / f"{name}.png"))  # type: ignore[attr-defined]
        print(out / f"{name}.png")

    async def bot(base_url: str, login: str, code: str, *extra: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            str(root / ".venv" / "bin" / "podium-bot"),
            *("--server", base_url, "--login", login, "--password", PASSWORD),
            *("--meeting", code, "--seconds", str(BOT_SECONDS), *extra),
            stdout=asyncio.subprocess.DEVNULL,
        )

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
                    await api.create_meeting("Board meeting")
                    await api.create_meeting("Analytical engine: weekly review")
        vm.login.submit("ada", PASSWORD)
        await until(lambda: vm.page == Page.HOME)
        home = window.page(Page.HOME)
        assert isinstance(home, HomePage)
        await until(lambda: vm.home.meetings.rowCount() == 2)
        home.subject.edit.setText("Design review")
        await shoot(window, "home")

        home.start.click()
        await until(lambda: vm.page == Page.PREJOIN)  # the device check comes first
        window.page(Page.PREJOIN).join.click()  # type: ignore[attr-defined]
        await until(lambda: vm.page == Page.MEETING)
        page = window.page(Page.MEETING)
        assert isinstance(page, MeetingPage)
        code = vm.meeting.join_code
        bots = [
            await bot(
                base_url,
                "grace",
                code,
                "--share",
                "testsrc",
                "--chat",
                "Sharing the new layout now: see https://example.org/plan <b>v2</b>",
            ),
            await bot(base_url, "alan", code, "--publish", "none", "--chat", "Looks good to me."),
        ]
        await until(lambda: vm.meeting.participants.rowCount() == 3)
        await until(lambda: vm.meeting.stage != "")
        page.show_chat()
        vm.meeting.send_chat("Thanks both! Let's start with the agenda.", "")
        await until(lambda: vm.meeting.chat.rowCount() == 3)
        vm.meeting.controls.toggle_hand()
        await until(lambda: sum(tile.has_image() for tile in page.grid.camera_tiles()) == 2)
        await until(lambda: page.grid.on_stage is not None and page.grid.on_stage.has_image())
        await shoot(window, "meeting")
        page.show_people()
        grace = next(p for p in vm.meeting.participants.participants() if p.name == "Grace Hopper")
        page.people.select(grace.id)
        await shoot(window, "meeting-people")
        vm.meeting.leave()
        await until(lambda: vm.page == Page.HOME)
        for process in bots:
            process.terminate()
            await process.wait()
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
