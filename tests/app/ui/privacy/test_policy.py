"""Policy versions published with the real admin command: the notice before, the question after."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ui.home_page import HomePage
from app.ui.login_page import LoginPage
from app.ui.policy_page import PolicyPage
from app.ui.privacy_page import PrivacyPage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, rich_text_labels
from tests.app.ui.privacy.conftest import Member, log_in, publish_policy, run

UPCOMING = "We will keep meeting recordings for 30 days.\nNothing else changes."
IN_FORCE = "Staff reads of your data are now listed in the app.\n<b>Really.</b>"


def test_an_upcoming_policy_is_announced_and_one_in_force_is_asked_about_at_login(
    qtbot: QtBot, member: Member, tmp_path: Path
) -> None:
    window = member.window
    run(qtbot, publish_policy(member.data_dir, "2099-01", "2099-01-01", UPCOMING, tmp_path))

    # The notice comes with the next look at the policy (here: opening the privacy panel).
    home = member.page(Page.HOME)
    assert isinstance(home, HomePage)
    assert not window.policy_notice.isVisible()
    click(qtbot, home.privacy)
    wait_page(qtbot, window, Page.PRIVACY)
    wait_for(qtbot, window.policy_notice.isVisible)
    notice = window.policy_notice.text.text()
    assert "version 2099-01" in notice and "1 January 2099" in notice
    assert "30 days" in notice and "Nothing else" not in notice  # first line only
    privacy = member.page(Page.PRIVACY)
    assert isinstance(privacy, PrivacyPage)
    assert "2099-01" in privacy.policy.upcoming.text()
    assert privacy.policy.summary.text() == UPCOMING
    assert privacy.policy.accept.isVisible()
    window.vm.show_home()
    wait_page(qtbot, window, Page.HOME)
    assert window.policy_notice.isVisible()
    click(qtbot, window.policy_notice.details)
    wait_page(qtbot, window, Page.PRIVACY)
    click(qtbot, window.policy_notice.dismiss)
    assert not window.policy_notice.isVisible()

    # A version already in force that Ada never accepted: asked at the next login.
    run(qtbot, publish_policy(member.data_dir, "2020-01", "2020-01-01", IN_FORCE, tmp_path))
    window.vm.logout()
    wait_page(qtbot, window, Page.LOGIN)
    assert not window.policy_notice.isVisible()
    log_in(qtbot, window)
    wait_page(qtbot, window, Page.POLICY)
    policy = member.page(Page.POLICY)
    assert isinstance(policy, PolicyPage)
    assert "Version 2020-01" in policy.version.text()
    assert policy.summary.toPlainText() == IN_FORCE
    assert policy.summary.isReadOnly()
    assert rich_text_labels(window) == []
    assert not window.policy_notice.isVisible()

    # Declining logs out; nothing is recorded.
    click(qtbot, policy.decline)
    wait_page(qtbot, window, Page.LOGIN)
    login = member.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    assert "accept its privacy policy" in login.status.text()

    log_in(qtbot, window)
    wait_page(qtbot, window, Page.POLICY)
    click(qtbot, policy.accept)
    wait_page(qtbot, window, Page.HOME)
    # The upcoming version is announced again: a dismissal lasts until the next login.
    wait_for(qtbot, window.policy_notice.isVisible)

    async def accepted() -> tuple[str | None, bool]:
        api = await member.api()
        async with api:
            state = await api.my_policy()
        return state.accepted_version, state.must_accept

    assert run(qtbot, accepted()) == ("2020-01", False)

    # Accepting the upcoming version early ends the notice.
    window.vm.show_privacy()
    wait_page(qtbot, window, Page.PRIVACY)
    wait_for(qtbot, privacy.policy.accept.isVisible)
    assert "You accepted version 2020-01" in privacy.policy.accepted.text()
    click(qtbot, privacy.policy.accept)
    wait_for(qtbot, lambda: not window.policy_notice.isVisible())
    assert run(qtbot, accepted()) == ("2099-01", False)
    assert not privacy.policy.accept.isVisible()
