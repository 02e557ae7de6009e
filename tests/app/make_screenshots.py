"""Render the main pages into docs/screenshots/: `python -m tests.app.make_screenshots`.

Drives the real window against a real bundled server in temporary folders, like the GUI tests.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

SIZE = (1000, 720)


def main() -> int:
    """Take the four screenshots; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import build_window, style_application
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.viewmodels.app_viewmodel import Page
    from tests.app.screenshot_tools import shoot, until

    qapp = QApplication(sys.argv[:1])
    style_application(qapp)
    loop = DrainingEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def scenario(tmp: Path) -> None:
        window = build_window(AppPaths(tmp / "data", tmp / "config"))
        vm = window.vm
        window.resize(*SIZE)
        window.show()
        vm.start()
        await until(lambda: vm.page == Page.SETUP, vm.pageChanged)
        await shoot(window, "first-start")

        vm.setup.submit("bundled", "")
        await until(lambda: vm.page == Page.LOGIN, vm.pageChanged)
        await shoot(window, "login")

        vm.show_register()
        await until(lambda: bool(vm.register.fields), vm.register.fieldsChanged)
        page = window.page(Page.REGISTER)
        page.form.set_values(  # type: ignore[attr-defined]
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@",
                "password": "short",
                "password_repeat": "short",
            }
        )
        page.submit.click()  # type: ignore[attr-defined]
        await until(lambda: bool(vm.register.field_errors), vm.register.fieldErrorsChanged)
        page.scroll.verticalScrollBar().setValue(0)  # type: ignore[attr-defined]
        await shoot(window, "register")

        values = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "username": "ada",
            "email": "ada@example.org",
            "password": "analytical engine 1843",
            "password_repeat": "analytical engine 1843",
            "city": "London",
            "company": "Analytical Engines Ltd",
            "title": "Mathematician",
        }
        page.form.set_values(values)  # type: ignore[attr-defined]
        page.accept_policy.setChecked(True)  # type: ignore[attr-defined]
        page.submit.click()  # type: ignore[attr-defined]
        # Registering logs in at once.
        await until(lambda: bool(vm.profile.fields), vm.profile.fieldsChanged)
        await until(lambda: vm.page == Page.HOME, vm.pageChanged)
        vm.show_profile()  # login lands on the home page; member information is one click away
        await until(lambda: vm.page == Page.PROFILE, vm.pageChanged)
        profile = window.page(Page.PROFILE)
        profile.form.row("phone").edit.setText("+44 20 7946 0018")  # type: ignore[attr-defined]
        profile.save.click()  # type: ignore[attr-defined]
        await until(lambda: bool(vm.profile.status), vm.profile.statusChanged)
        await shoot(window, "member-info")
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
