"""Accessibility screenshots (issue 13, items 7 and 8).

`python -m tests.app.make_accessibility_screenshots DIR`

A real window against a real bundled server and a podium-bot: registration refused before
sending (focus on the first bad field), the home page with a focused button, and the meeting
with the keyboard on its toolbar; each in the normal look and in high contrast.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

WAIT_SECONDS = 60
BOT_SECONDS = 40
PASSWORD = "analytical engine 1843"


def main() -> int:
    """Save the PNGs into the directory named on the command line."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.home_page import HomePage
    from app.ui.meeting_page import MeetingPage
    from app.ui.register_page import RegisterPage
    from app.viewmodels.app_viewmodel import Page
    from app.viewmodels.synthetic_devices import SyntheticDevices

    root = Path(__file__).resolve().parents[2]
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

    async def shoot(widget: QWidget, name: str) -> None:
        await asyncio.sleep(0.3)
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    async def scenario(tmp: Path) -> None:
        window = build_window(
            AppPaths(tmp / "data", tmp / "config"), media=(SyntheticDevices(), None)
        )
        vm = window.vm
        window.resize(1100, 760)
        window.show()
        window.activateWindow()
        vm.start()
        await until(lambda: vm.page == Page.SETUP)
        vm.setup.submit("bundled", "")
        await until(lambda: vm.page == Page.LOGIN)
        server = vm.bundled_server
        assert server is not None and server.base_url
        base_url = str(server.base_url)
        async with ApiClient(base_url) as api:
            await api.register(
                {
                    "first_name": "Grace",
                    "last_name": "Hopper",
                    "username": "grace",
                    "email": "grace@example.org",
                    "password": PASSWORD,
                }
            )
        register = window.page(Page.REGISTER)
        assert isinstance(register, RegisterPage)
        for theme, on in (("normal", False), ("high-contrast", True)):
            window.high_contrast.setChecked(on)
            vm.show_register()
            await until(lambda: register.form.rows)
            register.form.set_values({"first_name": "Ada", "email": "ada@example"})
            register.submit.click()
            await until(lambda: register.form.first_error_edit() is not None)
            await shoot(window, f"a11y-register-errors-{theme}")
            register.form.set_values({})
            register.form.set_errors({})
        window.high_contrast.setChecked(False)
        register.form.set_values(
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "username": "ada",
                "email": "ada@example.org",
                "password": PASSWORD,
                "password_repeat": PASSWORD,
            }
        )
        register.accept_policy.setChecked(True)
        register.submit.click()
        await until(lambda: vm.page == Page.HOME)
        home = window.page(Page.HOME)
        assert isinstance(home, HomePage)
        vm.meeting.start("Keyboard and contrast")
        await until(lambda: vm.page == Page.MEETING)
        page = window.page(Page.MEETING)
        assert isinstance(page, MeetingPage)
        bot = await asyncio.create_subprocess_exec(
            str(root / ".venv" / "bin" / "podium-bot"),
            *("--server", base_url, "--login", "grace", "--password", PASSWORD),
            *("--meeting", vm.meeting.join_code, "--seconds", str(BOT_SECONDS)),
            stdout=asyncio.subprocess.DEVNULL,
        )
        await until(lambda: vm.meeting.participants.rowCount() == 2)
        page.show_chat()
        for theme, on in (("normal", False), ("high-contrast", True)):
            # The header (and its box) is hidden in a meeting; the choice is the same one.
            window.appearance.set_high_contrast(on)
            page.toolbar.buttons["hand"].setFocus(Qt.FocusReason.TabFocusReason)
            await shoot(window, f"a11y-meeting-{theme}")
        window.appearance.set_high_contrast(False)
        vm.meeting.leave()
        await until(lambda: vm.page == Page.HOME)
        for theme, on in (("normal", False), ("high-contrast", True)):
            window.high_contrast.setChecked(on)
            home.start.setFocus(Qt.FocusReason.TabFocusReason)
            await shoot(window, f"a11y-home-{theme}")
        window.high_contrast.setChecked(False)
        bot.terminate()
        await bot.wait()
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
