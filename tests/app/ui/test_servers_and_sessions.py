"""Server choice, unreachable servers, keyring-kept sessions and quitting, in the real window."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket

import qasync
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import build_window, run_window
from app.core.api import ApiClient
from app.core.client_settings import ClientSettings, ServerMode, SettingsFile
from app.core.paths import AppPaths
from app.ui.connecting_page import ConnectingPage
from app.ui.login_page import LoginPage
from app.ui.profile_page import ProfilePage
from app.ui.register_page import RegisterPage
from app.ui.setup_page import SetupPage
from app.viewmodels.app_viewmodel import Page
from tests.app.memory_keyring import MemoryKeyring
from tests.app.processes import process_gone
from tests.app.ui.conftest import WAIT_MS, OpenWindow, shut_down, wait_for, wait_page
from tests.app.ui.helpers import click, fill, shown_errors, type_into
from tests.app.ui.test_account_flow import ADA


def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def register_ada(qtbot: QtBot, window_page: RegisterPage) -> None:
    """Fill the registration form, accept the privacy policy and send it (this logs in)."""
    wait_for(qtbot, lambda: window_page.form.rows)
    fill(qtbot, window_page.form, ADA)
    box = window_page.accept_policy
    if not box.isChecked():
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    click(qtbot, window_page.submit)


def test_a_bad_address_is_refused_beside_the_field(
    qtbot: QtBot, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    window = open_window()
    wait_page(qtbot, window, Page.SETUP)
    setup = window.page(Page.SETUP)
    assert isinstance(setup, SetupPage)
    type_into(qtbot, setup.url, "podium.example.org")
    assert setup.remote.radio.isChecked()  # typing an address picks "A server"
    click(qtbot, setup.proceed)
    wait_for(qtbot, setup.url_error.isVisible)
    assert "https://" in setup.url_error.text()
    assert window.vm.page == Page.SETUP
    assert not (app_paths.config_dir / "settings.json").exists()


def test_an_unreachable_server_is_shown_not_crashed(
    qtbot: QtBot, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    url = closed_port_url()
    window = open_window()
    wait_page(qtbot, window, Page.SETUP)
    setup = window.page(Page.SETUP)
    assert isinstance(setup, SetupPage)
    click(qtbot, setup.remote.radio)
    type_into(qtbot, setup.url, url + "/")
    click(qtbot, setup.proceed)
    connecting = window.page(Page.CONNECTING)
    assert isinstance(connecting, ConnectingPage)
    wait_for(qtbot, connecting.error.isVisible)
    assert "Cannot reach the server" in connecting.error.text()
    assert url in connecting.error.text()
    assert connecting.retry.isVisible() and connecting.change.isVisible()
    saved = json.loads((app_paths.config_dir / "settings.json").read_text())
    assert saved == {"server": "remote", "server_url": url, "share_on_network": False}
    assert window.vm.bundled_server is None

    # Retrying fails the same way; then switching to this computer works.
    click(qtbot, connecting.retry)
    wait_for(qtbot, connecting.error.isVisible)
    click(qtbot, connecting.change)
    wait_page(qtbot, window, Page.SETUP)
    assert setup.remote.radio.isChecked() and setup.url.text() == url
    assert setup.cancel.isVisible()
    click(qtbot, setup.bundled.radio)
    click(qtbot, setup.proceed)
    wait_page(qtbot, window, Page.LOGIN)
    assert json.loads((app_paths.config_dir / "settings.json").read_text())["server"] == "bundled"


def test_the_server_option_skips_the_first_start_choice(
    qtbot: QtBot, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    url = closed_port_url()
    window = open_window(url)
    wait_page(qtbot, window, Page.CONNECTING)
    wait_for(qtbot, lambda: window.vm.connecting_state[1])
    assert not (app_paths.config_dir / "settings.json").exists()


def test_change_server_from_login_and_cancel(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(choice=ClientSettings(ServerMode.BUNDLED))
    wait_page(qtbot, window, Page.LOGIN)
    server = window.vm.bundled_server
    assert server is not None
    login = window.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    click(qtbot, login.change_server)
    wait_page(qtbot, window, Page.SETUP)
    setup = window.page(Page.SETUP)
    assert isinstance(setup, SetupPage)
    assert setup.bundled.radio.isChecked()
    click(qtbot, setup.cancel)
    wait_page(qtbot, window, Page.LOGIN)
    # Choosing the same server again keeps the running one.
    click(qtbot, login.change_server)
    wait_page(qtbot, window, Page.SETUP)
    click(qtbot, setup.proceed)
    wait_page(qtbot, window, Page.LOGIN)
    assert window.vm.bundled_server is server and server.running


def test_taken_username_is_shown_clearly(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(choice=ClientSettings())
    wait_page(qtbot, window, Page.LOGIN)
    register = window.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    window.vm.show_register()
    register_ada(qtbot, register)
    wait_page(qtbot, window, Page.HOME)  # registering logs in
    window.vm.logout()
    wait_page(qtbot, window, Page.LOGIN)
    window.vm.show_register()
    wait_page(qtbot, window, Page.REGISTER)
    register_ada(qtbot, register)
    wait_for(qtbot, register.error.isVisible)
    assert window.vm.page == Page.REGISTER
    assert "already exists" in register.error.text() or "taken" in register.error.text()
    assert set(shown_errors(register.form)) & {"username", "email"}


def test_a_kept_token_opens_the_home_page_directly(
    qtbot: QtBot, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    keyring = MemoryKeyring()
    first = open_window(keyring_backend=keyring, choice=ClientSettings())
    wait_page(qtbot, first, Page.LOGIN)
    assert not first.notice.isVisible()  # a working keyring: no notice
    first.vm.show_register()
    register = first.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    register_ada(qtbot, register)
    wait_page(qtbot, first, Page.HOME)  # registering logs in
    assert [key for _service, key in keyring.secrets] == [f"bundled:{app_paths.server_data_dir}"]
    shut_down(qtbot, first)

    # "Restart": a new window on the same folders and keyring, with a new server port.
    second = open_window(keyring_backend=keyring)
    wait_page(qtbot, second, Page.HOME)
    wait_for(qtbot, lambda: second.vm.profile.display_name == "Ada Lovelace")

    # Logging out forgets the token, so the next start asks again.
    second.vm.logout()
    wait_page(qtbot, second, Page.LOGIN)
    assert keyring.secrets == {}


def test_without_keyring_the_next_start_asks_to_log_in(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    first = open_window(choice=ClientSettings())
    wait_page(qtbot, first, Page.LOGIN)
    assert first.notice.isVisible()
    first.vm.show_register()
    register = first.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    register_ada(qtbot, register)
    wait_page(qtbot, first, Page.HOME)  # registering logs in
    shut_down(qtbot, first)
    second = open_window()
    wait_page(qtbot, second, Page.LOGIN)


def test_closing_the_window_stops_the_bundled_server(
    qtbot: QtBot, qt_loop: qasync.QEventLoop, app_paths: AppPaths
) -> None:
    SettingsFile(app_paths.config_dir).save(ClientSettings())
    window = build_window(app_paths)
    qtbot.addWidget(window)
    run = asyncio.ensure_future(run_window(window, handle_signals=False))
    wait_page(qtbot, window, Page.LOGIN)
    server = window.vm.bundled_server
    assert server is not None and server.pid is not None
    pid = server.pid
    window.close()
    qtbot.waitUntil(run.done, timeout=WAIT_MS)
    run.result()
    assert process_gone(pid)
    assert window.vm.bundled_server is None


def test_an_ended_session_sends_the_member_back_to_log_in(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    keyring = MemoryKeyring()
    window = open_window(keyring_backend=keyring, choice=ClientSettings())
    wait_page(qtbot, window, Page.LOGIN)
    window.vm.show_register()
    register = window.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    register_ada(qtbot, register)
    wait_page(qtbot, window, Page.HOME)  # registering logs in
    window.vm.show_profile()
    wait_page(qtbot, window, Page.PROFILE)
    profile = window.page(Page.PROFILE)
    assert isinstance(profile, ProfilePage)
    wait_for(qtbot, lambda: profile.form.rows)

    # The session ends behind the window's back (as when logging out on another device).
    server = window.vm.bundled_server
    assert server is not None and server.base_url is not None

    async def end_session(token: str) -> None:
        async with ApiClient(str(server.base_url)) as other:
            other.token = token
            await other.logout()

    (token,) = keyring.secrets.values()
    ending = asyncio.ensure_future(end_session(token))
    qtbot.waitUntil(ending.done, timeout=WAIT_MS)
    ending.result()

    type_into(qtbot, profile.form.row("city").edit, "Paris")
    click(qtbot, profile.save)
    wait_page(qtbot, window, Page.LOGIN)
    login = window.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    assert "session has ended" in login.status.text()
    assert login.login.edit.text() == "ada"


def test_a_crashed_bundled_server_is_reported_and_can_be_restarted(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window(choice=ClientSettings())
    wait_page(qtbot, window, Page.LOGIN)
    server = window.vm.bundled_server
    assert server is not None and server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    wait_page(qtbot, window, Page.CONNECTING)
    connecting = window.page(Page.CONNECTING)
    assert isinstance(connecting, ConnectingPage)
    wait_for(qtbot, connecting.error.isVisible)
    assert "stopped unexpectedly" in connecting.error.text()
    click(qtbot, connecting.retry)
    wait_page(qtbot, window, Page.LOGIN)
    restarted = window.vm.bundled_server
    assert restarted is not None and restarted.running
