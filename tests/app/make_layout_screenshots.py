"""Layout screenshots (issue 13, items 2, 3, 10): `python -m tests.app.make_layout_screenshots DIR`.

A real window against a real bundled server with podium-bot participants: the home page at
first login, the address book and import dialog, the meeting at 1280×800 and 640×480 with
join/leave notices and chat lines, and a confirmation box over the meeting.
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
PEOPLE = {"ada": ("Ada", "Lovelace"), "grace": ("Grace", "Hopper"), "alan": ("Alan", "Turing")}


def main() -> int:
    """Save the PNGs into the directory named on the command line."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.ui.contacts_page import ContactsPage
    from app.ui.dialogs import question_box
    from app.ui.meeting_page import MeetingPage
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
        window.resize(1280, 800)
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
        await shoot(window, "home-first-login")
        for size in ((900, 640), (640, 480)):
            window.resize(*size)
            await shoot(window, f"home-first-login-{size[0]}")
        vm.show_contacts()
        await until(lambda: vm.page == Page.CONTACTS)
        await shoot(window, "contacts")
        window.resize(1280, 800)
        contacts = window.page(Page.CONTACTS)
        assert isinstance(contacts, ContactsPage)
        contacts.import_csv.click()
        dialog = contacts.import_dialog
        await asyncio.sleep(0.3)
        await shoot(dialog, "import-dialog")
        window.resize(640, 480)
        dialog.reject()
        contacts.import_csv.click()
        await shoot(dialog, "import-dialog-640")
        print("import dialog", dialog.size().toTuple(), "window", window.size().toTuple())
        window.resize(1280, 800)
        print("import dialog", dialog.size().toTuple(), "window", window.size().toTuple())
        dialog.reject()
        vm.show_home()
        await until(lambda: vm.page == Page.HOME)

        vm.meeting.start("Analytical engine: weekly design review")
        await until(lambda: vm.page == Page.MEETING)
        page = window.page(Page.MEETING)
        assert isinstance(page, MeetingPage)
        code = vm.meeting.join_code
        grace = await bot(base_url, "grace", code, "--share", "testsrc", "--chat", "Hello all")
        alan = await bot(base_url, "alan", code, "--publish", "none")
        await until(lambda: vm.meeting.participants.rowCount() == 3)
        await until(lambda: vm.meeting.chat.rowCount() >= 3)
        page.show_chat()
        vm.meeting.controls.load_screens()
        await asyncio.sleep(0.5)
        await vm.meeting.controls.share_screen("1")
        await shoot(window, "meeting-1280")
        alan.terminate()
        await alan.wait()
        await until(lambda: vm.meeting.participants.rowCount() == 2)
        await shoot(window, "meeting-1280-left")
        window.resize(640, 480)
        await shoot(window, "meeting-640")
        page.show_chat()
        await shoot(window, "meeting-640-chat")
        page.show_chat(False)
        window.resize(1280, 800)
        box = question_box(page, "Remove participant", "Remove Grace Hopper from the meeting?")
        QTimer.singleShot(800, lambda: box.done(QMessageBox.StandardButton.No))
        box.open()
        await asyncio.sleep(0.4)
        await shoot(box, "meeting-confirm")
        vm.meeting.leave()
        await until(lambda: vm.page == Page.HOME)
        grace.terminate()
        await grace.wait()
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
