"""Device check screenshots (issue 13, item 1): `python -m tests.app.make_prejoin_screenshots DIR`.

A real window (test-pattern camera, test-tone microphone) against a real bundled server: the
pre-join page at 1280×800 and 640×480, then the same panel in the meeting's Settings.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

WAIT_SECONDS = 60
PASSWORD = "analytical engine 1843"


def main() -> int:
    """Save prejoin.png, prejoin-small.png, prejoin-camera-off.png and meeting-settings.png."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication, QWidget

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.meeting_page import MeetingPage
    from app.ui.prejoin_page import PrejoinPage
    from app.viewmodels.app_viewmodel import Page
    from app.viewmodels.synthetic_devices import SyntheticDevices

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
        await asyncio.sleep(0.4)  # a few preview frames and meter readings after the resize
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    async def scenario(tmp: Path) -> None:
        window = build_window(
            AppPaths(tmp / "data", tmp / "config"), media=(SyntheticDevices(), None)
        )
        vm = window.vm
        window.resize(1280, 800)
        window.show()
        vm.start()
        await until(lambda: vm.page == Page.SETUP)
        vm.setup.submit("bundled", "")
        await until(lambda: vm.page == Page.LOGIN)
        server = vm.bundled_server
        assert server is not None and server.base_url
        async with ApiClient(str(server.base_url)) as api:
            await api.register(
                {
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "username": "ada",
                    "email": "ada@example.org",
                    "password": PASSWORD,
                }
            )
        vm.login.submit("ada", PASSWORD)
        await until(lambda: vm.page == Page.HOME)
        vm.start_meeting("Design review")
        await until(lambda: vm.page == Page.PREJOIN)
        page = window.page(Page.PREJOIN)
        assert isinstance(page, PrejoinPage)
        await until(lambda: page.panel.preview.frames_shown > 3 and page.panel.level.value() > 0)
        await shoot(window, "prejoin")
        window.resize(640, 480)
        await shoot(window, "prejoin-small")
        window.resize(1280, 800)
        page.panel.camera_on.click()
        await until(lambda: page.panel.preview.image.isNull())
        await shoot(window, "prejoin-camera-off")
        page.panel.camera_on.click()
        page.join.click()
        await until(lambda: vm.page == Page.MEETING)
        meeting = window.page(Page.MEETING)
        assert isinstance(meeting, MeetingPage)
        dialog = meeting.open_device_dialog()
        await until(lambda: dialog.panel.preview.frames_shown > 2 and dialog.panel.level.value())
        await shoot(dialog, "meeting-settings")
        dialog.reject()
        vm.meeting.leave()
        await until(lambda: vm.page == Page.HOME)
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
