"""Opening the app with an invite link to a self-signed TLS server: guest, log-in, wrong pin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import build_window, style_application
from app.core.api import ApiClient, MeetingSummary
from app.core.guest_name import GuestNameFile
from app.core.invite_link import Invite, parse_invite
from app.core.paths import AppPaths
from app.core.tls_trust import PinStore, ssl_option
from app.ui.home_page import HomePage
from app.ui.invite_page import InvitePage
from app.ui.login_page import LoginPage
from app.ui.main_window import MainWindow
from app.ui.meeting_page import MeetingPage
from app.ui.prejoin_page import PrejoinPage
from app.ui.trust_dialogs import CertificateChangedDialog
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.core.test_api_client import PASSWORD, account
from tests.app.core.tls_servers import TlsServer, self_signed_server
from tests.app.ui.conftest import shut_down, wait_for, wait_page
from tests.app.ui.helpers import click, type_into
from tests.app.ui.meeting.support import run

OpenWithInvite = Callable[[Invite], MainWindow]
SUBJECT = "Invited"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TlsServer]:
    with self_signed_server(tmp_path / "tls-server") as running:
        yield running


@pytest.fixture
def open_with_invite(
    qtbot: QtBot, qapp: QApplication, qt_loop: qasync.QEventLoop, app_paths: AppPaths
) -> Iterator[OpenWithInvite]:
    """Windows started as `podium <invite link>` starts them."""
    style_application(qapp)
    windows: list[MainWindow] = []

    def make(invite: Invite) -> MainWindow:
        window = build_window(app_paths, media=(SyntheticDevices(), None), invite=invite)
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1000, 720)
        window.show()
        window.vm.start()
        return window

    yield make
    for window in windows:
        shut_down(qtbot, window)


async def host_meeting(server: TlsServer) -> MeetingSummary:
    """Ada (the organiser) and Ben have accounts; Ada starts a meeting."""
    async with ApiClient(server.url, ssl=ssl_option(server.url, server.pin)) as api:
        await api.register(account("ada"))
        await api.register(account("ben"))
        api.token = (await api.login("ada", PASSWORD)).token
        return await api.create_meeting(SUBJECT)


def through_device_check(qtbot: QtBot, window: MainWindow) -> PrejoinPage:
    """The device check comes before the meeting: press Join there and wait for the meeting."""
    wait_page(qtbot, window, Page.PREJOIN)
    page = window.page(Page.PREJOIN)
    assert isinstance(page, PrejoinPage)
    click(qtbot, page.join)
    wait_page(qtbot, window, Page.MEETING)
    return page


def origin(server: TlsServer) -> str:
    return f"https://127.0.0.1:{server.port}"


def test_a_guest_joins_from_an_invite_with_a_name_it_remembers(
    qtbot: QtBot, open_with_invite: OpenWithInvite, server: TlsServer, app_paths: AppPaths
) -> None:
    meeting = run(qtbot, host_meeting(server))
    assert meeting.invite_url == f"{server.url}/j/{meeting.join_code}?pin={server.pin}"
    window = open_with_invite(parse_invite(meeting.invite_url))
    wait_page(qtbot, window, Page.INVITE)
    # The invite's pin matched what the server presents: pinned without asking.
    assert window.trust_dialog is None
    assert PinStore(app_paths.config_dir).get(origin(server)) == server.pin
    page = window.page(Page.INVITE)
    assert isinstance(page, InvitePage)
    assert meeting.join_code in page.where.text() and server.url in page.where.text()
    click(qtbot, page.join)
    wait_for(qtbot, page.name.error.isVisible)  # a name is needed
    type_into(qtbot, page.name.edit, "Gail Guest")
    click(qtbot, page.join)
    prejoin = through_device_check(qtbot, window)
    assert prejoin.panel.name.text() == "Gail Guest"
    vm = window.vm.meeting
    assert vm.subject == SUBJECT and vm.join_code == meeting.join_code
    assert vm.name_of(vm.you) == "Gail Guest"
    assert GuestNameFile(app_paths.config_dir).load() == "Gail Guest"
    meeting_page = window.page(Page.MEETING)
    assert isinstance(meeting_page, MeetingPage)
    click(qtbot, meeting_page.copy_invite)
    assert QGuiApplication.clipboard().text() == meeting.invite_url
    vm.leave()
    wait_page(qtbot, window, Page.INVITE)
    assert page.status.isVisible() and page.name.edit.text() == "Gail Guest"
    assert not window.vm.invite.is_guest


def test_a_member_logs_in_from_the_invite_and_joins(
    qtbot: QtBot, open_with_invite: OpenWithInvite, server: TlsServer
) -> None:
    meeting = run(qtbot, host_meeting(server))
    window = open_with_invite(parse_invite(meeting.invite_url))
    wait_page(qtbot, window, Page.INVITE)
    invite_page = window.page(Page.INVITE)
    assert isinstance(invite_page, InvitePage)
    click(qtbot, invite_page.log_in)
    wait_page(qtbot, window, Page.LOGIN)
    login = window.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    type_into(qtbot, login.login.edit, "ben")
    type_into(qtbot, login.password.edit, PASSWORD)
    click(qtbot, login.submit)
    prejoin = through_device_check(qtbot, window)
    assert prejoin.panel.name.text() == "Ann Lee"
    vm = window.vm.meeting
    assert vm.join_code == meeting.join_code
    assert vm.name_of(vm.you) == "Ann Lee"  # the account's own name, not a guest's


def test_an_invite_whose_pin_the_server_does_not_present_is_refused(
    qtbot: QtBot, open_with_invite: OpenWithInvite, server: TlsServer, app_paths: AppPaths
) -> None:
    meeting = run(qtbot, host_meeting(server))
    wrong = Invite(server.url, meeting.join_code, "sha256:" + "ab" * 32)
    window = open_with_invite(wrong)
    wait_for(qtbot, lambda: isinstance(window.trust_dialog, CertificateChangedDialog))
    assert window.vm.page == Page.CONNECTING
    assert PinStore(app_paths.config_dir).load() == {}
    dialog = window.trust_dialog
    assert isinstance(dialog, CertificateChangedDialog)
    click(qtbot, dialog.close_button)
    wait_for(qtbot, lambda: window.trust_dialog is None)
    assert window.vm.page == Page.CONNECTING


def test_the_organiser_copies_the_invite_from_my_meetings(
    qtbot: QtBot, open_with_invite: OpenWithInvite, server: TlsServer
) -> None:
    meeting = run(qtbot, host_meeting(server))
    window = open_with_invite(parse_invite(meeting.invite_url))
    wait_page(qtbot, window, Page.INVITE)
    invite_page = window.page(Page.INVITE)
    assert isinstance(invite_page, InvitePage)
    click(qtbot, invite_page.log_in)
    window.vm.login.submit("ada", PASSWORD)
    through_device_check(qtbot, window)
    window.vm.meeting.leave()
    wait_page(qtbot, window, Page.HOME)
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    wait_for(qtbot, lambda: home.selected_code() == meeting.join_code)
    click(qtbot, home.copy_invite)
    assert QGuiApplication.clipboard().text() == meeting.invite_url
