"""Render the account screens of issue 13 item 6 into docs/screenshots/.

`python -m tests.app.make_account_screenshots` drives the real window against a real bundled
server in temporary folders: the register page with the bundled privacy policy to accept
(register-policy.png), "Forgot password?" on a server without mail (login-forgot.png), and the
page a reset link opens, in headless Chromium (password-reset-page.png).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

PASSWORD = "analytical engine 1843"
CHROMIUM = "chromium"


async def reset_link(data_dir: Path, base_url: str) -> str:
    """`podium-server admin reset-link ada`, as the log-in page tells the user to run it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server",
        "--data-dir",
        str(data_dir),
        "admin",
        "reset-link",
        "ada",
        "--base-url",
        base_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError("admin reset-link failed")
    return out.decode().strip()


async def browser_shot(url: str, out: Path, profile: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        shutil.which(CHROMIUM) or CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--screenshot={out}",
        "--window-size=1000,640",
        url,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise RuntimeError("chromium failed")
    print(out)


def main() -> int:
    """Take the three screenshots; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import build_window, style_application
    from app.core.client_settings import ClientSettings, ServerMode, SettingsFile
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.viewmodels.app_viewmodel import Page
    from tests.app.screenshot_tools import SCREENSHOTS, shoot, until

    qapp = QApplication(sys.argv[:1])
    style_application(qapp)
    loop = DrainingEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def scenario(tmp: Path) -> None:
        paths = AppPaths(tmp / "data", tmp / "config")
        SettingsFile(paths.config_dir).save(ClientSettings(ServerMode.BUNDLED, None))
        window = build_window(paths)
        vm = window.vm
        window.resize(1000, 720)
        window.show()
        vm.start()
        await until(lambda: vm.page == Page.LOGIN, vm.pageChanged)

        vm.show_register()
        await until(lambda: bool(vm.register.fields), vm.register.fieldsChanged)
        page = window.page(Page.REGISTER)
        page.form.set_values(  # type: ignore[attr-defined]
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "username": "ada",
                "email": "ada@example.org",
                "password": PASSWORD,
                "password_repeat": PASSWORD,
            }
        )
        page.accept_policy.setChecked(True)  # type: ignore[attr-defined]
        await asyncio.sleep(0.2)
        page.scroll.ensureWidgetVisible(page.accept_policy)  # type: ignore[attr-defined]
        await shoot(window, "register-policy", settle=0.3)
        page.submit.click()  # type: ignore[attr-defined]
        await until(lambda: vm.page == Page.HOME, vm.pageChanged)  # registering logs in

        vm.logout()
        await until(lambda: vm.page == Page.LOGIN, vm.pageChanged)
        login = window.page(Page.LOGIN)
        login.forgot.click()  # type: ignore[attr-defined]
        await until(lambda: not vm.login.mail, vm.login.mailChanged)
        await shoot(window, "login-forgot", settle=0.3)

        server = vm.bundled_server
        assert server is not None and server.base_url is not None
        link = await reset_link(server.data_dir, server.base_url)
        await browser_shot(link, SCREENSHOTS / "password-reset-page.png", tmp / "chromium")
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
