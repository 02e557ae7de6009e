"""Render the privacy panel and the import dialog into docs/screenshots/.

`python -m tests.app.make_privacy_screenshots`: drives the real window against a real bundled
server in temporary folders, with a policy published, a staff read audited and a CSV to import.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

PASSWORD = "analytical engine 1843"
CSV = (
    "First Name;Last Name;E-mail Address;Firma;Notes\n"
    "Mary;Somerville;mary@example.org;Royal Society;Met at the Institution\n"
    "Charles;Babbage;charles-at-example.org;;Difference engine\n"
    "Michael;Faraday;michael@example.org;Royal Institution;\n"
    "Caroline;Herschel;caroline@example.org;;Comets\n"
)
POLICY = (
    "Meeting recordings are kept for 30 days instead of 90, then erased.\nNothing else changes."
)


async def admin(data_dir: Path, *args: str) -> None:
    """Run one `podium-server admin` command beside the running server."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server",
        "--data-dir",
        str(data_dir),
        "admin",
        *args,
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise RuntimeError(f"admin {args[0]} failed")


def main() -> int:
    """Take privacy.png and import-dialog.png; returns a process exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import build_window, style_application
    from app.core.api import ApiClient
    from app.core.client_settings import ClientSettings, ServerMode, SettingsFile
    from app.core.paths import AppPaths
    from app.qt_loop import DrainingEventLoop
    from app.viewmodels.app_viewmodel import Page
    from tests.app.screenshot_tools import shoot, until

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
        server = vm.bundled_server
        assert server is not None and server.base_url is not None
        (tmp / "policy.txt").write_text(POLICY, encoding="utf-8")
        async with ApiClient(server.base_url) as api:
            ada = await api.register(
                {
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "username": "ada",
                    "email": "ada@example.org",
                    "password": PASSWORD,
                    "city": "London",
                    "company": "Analytical Engines",
                    "title": "Mathematician",
                }
            )
            await api.register(
                {
                    "first_name": "Grace",
                    "last_name": "Hopper",
                    "username": "grace",
                    "email": "grace@example.org",
                    "password": PASSWORD,
                }
            )
            await admin(server.data_dir, "grant-role", "--user", "grace", "--role", "support")
            await admin(
                server.data_dir,
                "publish-policy",
                "--version",
                "2027-03",
                "--effective",
                "2027-03-01",
                "--summary",
                str(tmp / "policy.txt"),
            )
            await api.login("grace", PASSWORD)
            await api._request(  # a staff read, so the audit list has something to show
                "GET",
                f"/admin/users/{ada.id}",
                params={"reason": "Ticket 4521: Ada cannot log in on her new laptop"},
            )
            await api.login("ada", PASSWORD)
            await api.submit_testimonial(
                "Podium keeps our seminars private and simple to join.", "Ada L., London"
            )
        vm.login.submit("ada", PASSWORD)
        await until(lambda: vm.page == Page.HOME, vm.pageChanged)

        privacy = vm.privacy
        vm.show_privacy()
        await until(lambda: privacy.audit.model.rowCount() > 0, privacy.audit.model.modelReset)
        await until(lambda: bool(privacy.policy.notice), privacy.policy.noticeChanged)
        privacy.consents.change("newsletter", True)
        # The bundled server has no mail relay: the panel says the link cannot come.
        await until(lambda: bool(privacy.consents.no_mail_notice), privacy.consents.noMailChanged)
        privacy.public_profile.save(
            True,
            ["first_name", "last_name", "city", "title"],
            "Enchantress of numbers. Writing about the Analytical Engine.",
        )
        await until(
            lambda: bool(privacy.public_profile.status), privacy.public_profile.statusChanged
        )
        page = window.page(Page.PRIVACY)
        window.resize(1000, 720)
        page.scroll.widget().adjustSize()  # type: ignore[attr-defined]
        full = page.scroll.widget().sizeHint().height()  # type: ignore[attr-defined]
        window.resize(1000, full + 160)
        await shoot(window, "privacy", settle=0.3)
        window.resize(1000, 720)

        contacts = vm.contacts
        vm.show_contacts()
        source = tmp / "contacts.csv"
        source.write_text(CSV, encoding="utf-8")
        dialog = window.page(Page.CONTACTS).import_dialog  # type: ignore[attr-defined]
        contacts.importer.reset()
        dialog.open()
        contacts.importer.choose_file(str(source))
        await until(
            lambda: bool(contacts.importer.state["columns"]), contacts.importer.previewChanged
        )
        contacts.importer.set_mapping("Firma", "company")
        await until(
            lambda: "Company" in contacts.importer.rows.headers, contacts.importer.previewChanged
        )
        await shoot(dialog, "import-dialog", settle=0.3)
        dialog.accept()
        await vm.shutdown()

    with tempfile.TemporaryDirectory() as tmp, loop:
        loop.run_until_complete(scenario(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
