"""Deleting the account from the privacy panel, and taking it back at the log-in page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.ui.home_page import HomePage
from app.ui.login_page import LoginPage
from app.ui.privacy_page import PrivacyPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, type_into
from tests.app.ui.privacy.conftest import PASSWORD, Member, log_in, run


def test_wrong_password_changes_nothing_right_one_logs_out_and_login_offers_to_cancel(
    qtbot: QtBot, member: Member
) -> None:
    window = member.window
    home = member.page(Page.HOME)
    assert isinstance(home, HomePage)
    click(qtbot, home.privacy)
    wait_page(qtbot, window, Page.PRIVACY)
    page = member.page(Page.PRIVACY)
    assert isinstance(page, PrivacyPage)
    click(qtbot, page.delete_account)
    dialog = page.delete_dialog
    wait_for(qtbot, dialog.isVisible)
    assert "grace period" in " ".join(label.text() for label in dialog.findChildren(QLabel))

    type_into(qtbot, dialog.password.edit, "not my password")
    click(qtbot, dialog.confirm)
    wait_for(qtbot, dialog.error.isVisible)
    assert "Nothing has changed" in dialog.error.text()
    assert dialog.password.error.isVisible() and dialog.password.edit.text() == ""
    assert dialog.isVisible() and window.vm.page == Page.PRIVACY

    async def still_there() -> str:
        api = await member.api()
        async with api:
            return (await api.me()).get("username")

    assert run(qtbot, still_there()) == "ada"

    type_into(qtbot, dialog.password.edit, PASSWORD)
    click(qtbot, dialog.confirm)
    wait_page(qtbot, window, Page.LOGIN)
    assert not dialog.isVisible()
    login = member.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    assert login.login.edit.text() == "ada"
    assert "will be erased on" in login.status.text()
    assert "Cancel deletion" in login.status.text()
    assert not window.vm.privacy.consents.states()["newsletter"]["checked"]

    # Logging in only offers to cancel.
    log_in(qtbot, window)
    wait_for(qtbot, login.cancel_deletion.isVisible)
    assert "waiting to be deleted" in login.error.text()
    assert window.vm.page == Page.LOGIN
    type_into(qtbot, login.password.edit, "wrong again")
    click(qtbot, login.cancel_deletion)
    wait_for(qtbot, lambda: "not right" in login.error.text())
    assert window.vm.page == Page.LOGIN

    type_into(qtbot, login.password.edit, PASSWORD)
    click(qtbot, login.cancel_deletion)
    wait_page(qtbot, window, Page.HOME)
    home_status = member.page(Page.HOME).status
    wait_for(qtbot, home_status.isVisible)
    assert "deletion is cancelled" in home_status.text()
    assert not login.cancel_deletion.isVisible()
    assert run(qtbot, still_there()) == "ada"
