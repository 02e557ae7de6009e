"""Forgot password in the real window: the mailed link (real SMTP), or, without mail, the
operator's reset-link command; then the new password logs in and the login is remembered."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiosmtpd.controller import Controller
from pytestqt.qtbot import QtBot

from app.core.api import ApiClient
from app.core.client_settings import ClientSettings, ServerMode
from app.core.paths import AppPaths
from app.core.privacy_data import NEWSLETTER
from app.ui.login_page import LoginPage
from app.ui.privacy_page import PrivacyPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import OpenWindow, shut_down, wait_for, wait_page
from tests.app.ui.helpers import click, type_into
from tests.app.ui.privacy.conftest import ADA, log_in, run, tick
from tests.server.live_server import live_server
from tests.server.privacy.conftest import SmtpRelay, _free_port

NEW_PASSWORD = "difference engine 1822"
_RESET_LINK = re.compile(r"https?://\S+/reset/[A-Za-z0-9_-]{43}")


@pytest.fixture
def smtp() -> Iterator[SmtpRelay]:
    relay = SmtpRelay()
    relay.port = _free_port()
    controller = Controller(relay, hostname=relay.host, port=relay.port, ready_timeout=10)
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()


@pytest.fixture
def mail_server(tmp_path: Path, smtp: SmtpRelay) -> Iterator[str]:
    """A real server with the test's SMTP relay as its mail relay."""
    config = tmp_path / "server.toml"
    config.write_text(
        '[server]\nkey_source = "file"\n'
        f'[mail]\nhost = "{smtp.host}"\nport = {smtp.port}\nstarttls = false\n'
    )
    with live_server(tmp_path / "server-data", "--config", str(config)) as url:
        yield url


async def register(base_url: str) -> None:
    async with ApiClient(base_url) as client:
        await client.register(dict(ADA))


async def set_password(link: str, password: str) -> str:
    """Fill in the reset page's form as a browser would (no JavaScript)."""
    async with aiohttp.ClientSession() as browser:
        async with browser.get(link) as page:
            assert page.status == 200
            assert '<label for="password">' in await page.text()
        form = {"password": password, "password_repeat": password}
        async with browser.post(link, data=form) as done:
            assert done.status == 200
            return await done.text()


def login_page(window: object) -> LoginPage:
    page = window.page(Page.LOGIN)  # type: ignore[attr-defined]
    assert isinstance(page, LoginPage)
    return page


def test_forgot_password_mails_a_link_that_sets_a_new_password(
    qtbot: QtBot, open_window: OpenWindow, mail_server: str, smtp: SmtpRelay, app_paths: AppPaths
) -> None:
    run(qtbot, register(mail_server))
    window = open_window(mail_server)
    wait_page(qtbot, window, Page.LOGIN)
    page = login_page(window)
    assert not page.forgot_panel.isVisible()

    click(qtbot, page.forgot)
    assert page.forgot_panel.isVisible()
    assert "If an account exists" in page.forgot_hint.text()
    assert "30 minutes" in page.forgot_hint.text()
    wait_for(qtbot, lambda: window.vm.login.mail)  # this server can mail
    assert page.send_reset.isVisible() and not page.no_mail.isVisible()
    click(qtbot, page.send_reset)  # nothing typed yet: the login field says so
    wait_for(qtbot, page.login.error.isVisible)
    type_into(qtbot, page.login.edit, "ada")
    click(qtbot, page.send_reset)
    wait_for(qtbot, page.status.isVisible)
    said = page.status.text()
    assert "If an account “ada” exists" in said and "30 minutes" in said

    message = run(qtbot, smtp.next_message())
    assert message["To"] == ADA["email"]
    found = _RESET_LINK.findall(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert len(found) == 1
    assert "Your password is changed" in run(qtbot, set_password(found[0], NEW_PASSWORD))

    log_in(qtbot, window, "ada", ADA["password"])
    wait_for(qtbot, page.error.isVisible)  # the old password is gone
    log_in(qtbot, window, "ada", NEW_PASSWORD)
    wait_page(qtbot, window, Page.HOME)

    # With a relay the newsletter box says the confirmation link was mailed, and it is.
    window.vm.show_privacy()
    wait_page(qtbot, window, Page.PRIVACY)
    privacy = window.page(Page.PRIVACY)
    assert isinstance(privacy, PrivacyPage)
    newsletter = privacy.consents.rows[NEWSLETTER]
    wait_for(qtbot, lambda: newsletter.state.text() == "Not given")
    tick(qtbot, newsletter.box)
    wait_for(qtbot, privacy.consents.status.isVisible)
    assert "e-mailed you a link to confirm" in privacy.consents.status.text()
    assert "Waiting for your confirmation" in newsletter.state.text()
    assert not privacy.consents.no_mail.isVisible()
    confirmation = run(qtbot, smtp.next_message())
    assert confirmation["Subject"] == "Confirm your newsletter subscription"

    # The next start offers the same login; only the password is to type.
    shut_down(qtbot, window)
    again = open_window(mail_server, paths=app_paths)
    wait_page(qtbot, again, Page.LOGIN)
    wait_for(qtbot, lambda: login_page(again).login.edit.text() == "ada")
    assert login_page(again).password.edit.hasFocus()


async def run_command(command: str) -> str:
    """Run the podium-server command line the app showed; what it prints."""
    argv = shlex.split(command)
    assert argv[0] == "podium-server"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server",
        *argv[1:],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


def test_without_a_mail_relay_the_app_says_so_and_the_operators_link_works(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window(choice=ClientSettings(ServerMode.BUNDLED, None))
    wait_page(qtbot, window, Page.LOGIN)
    server = window.vm.bundled_server
    assert server is not None and server.base_url is not None
    run(qtbot, register(server.base_url))
    page = login_page(window)
    type_into(qtbot, page.login.edit, "ada")
    click(qtbot, page.forgot)
    wait_for(qtbot, page.no_mail.isVisible)
    notice = page.no_mail.text()
    assert "cannot send e-mail" in notice and "runs on this computer" in notice
    command = notice.splitlines()[-1]
    assert command.startswith("podium-server --data-dir ") and " reset-link ada " in command
    assert not page.send_reset.isVisible()  # no button that would pretend to send

    # What the notice says to do: the command it shows prints a link that works.
    link = run(qtbot, run_command(command))
    assert _RESET_LINK.fullmatch(link), link
    assert "Your password is changed" in run(qtbot, set_password(link, NEW_PASSWORD))
    log_in(qtbot, window, "ada", NEW_PASSWORD)
    wait_page(qtbot, window, Page.HOME)


def test_a_server_elsewhere_without_mail_sends_the_member_to_its_operator(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    with live_server(tmp_path / "server-data") as url:
        window = open_window(url)
        wait_page(qtbot, window, Page.LOGIN)
        page = login_page(window)
        type_into(qtbot, page.login.edit, "grace")
        click(qtbot, page.forgot)
        wait_for(qtbot, page.no_mail.isVisible)
        notice = page.no_mail.text()
        assert "cannot send e-mail" in notice and "Ask the person who runs the server" in notice
        assert "podium-server admin reset-link grace" in notice
        assert "--data-dir" not in notice  # not this computer's server: no local command
        assert not page.send_reset.isVisible() and not page.forgot_hint.isVisible()
