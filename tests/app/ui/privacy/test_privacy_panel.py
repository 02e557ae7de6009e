"""The privacy panel in the real window against the real bundled server."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import aiohttp
from pytestqt.qtbot import QtBot

from app.core.api import ApiClient
from app.core.privacy_data import NEWSLETTER, USAGE_STATISTICS
from app.ui.home_page import HomePage
from app.ui.privacy_page import PrivacyPage
from app.ui.profile_page import ProfilePage
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, rich_text_labels, type_into
from tests.app.ui.privacy.conftest import PASSWORD, Member, admin_command, run, tick


def open_privacy(qtbot: QtBot, member: Member) -> PrivacyPage:
    """From home, through member information, to the privacy panel, loaded."""
    home = member.page(Page.HOME)
    assert isinstance(home, HomePage)
    click(qtbot, home.member_info)
    wait_page(qtbot, member.window, Page.PROFILE)
    profile = member.page(Page.PROFILE)
    assert isinstance(profile, ProfilePage)
    click(qtbot, profile.privacy)
    wait_page(qtbot, member.window, Page.PRIVACY)
    page = member.page(Page.PRIVACY)
    assert isinstance(page, PrivacyPage)
    wait_for(qtbot, lambda: page.public_profile.url.text())
    return page


def server_consents(qtbot: QtBot, member: Member) -> dict[str, tuple[bool, bool]]:
    """purpose → (granted, pending) as the server holds them."""

    async def read() -> dict[str, tuple[bool, bool]]:
        api = await member.api()
        async with api:
            consents = await api.consents()
        return {c.purpose: (c.granted, c.pending) for c in consents.consents}

    return run(qtbot, read())


def test_newsletter_starts_unticked_and_a_tick_only_asks_for_confirmation(
    qtbot: QtBot, member: Member
) -> None:
    page = open_privacy(qtbot, member)
    newsletter = page.consents.rows[NEWSLETTER]
    stats = page.consents.rows[USAGE_STATISTICS]
    wait_for(qtbot, lambda: newsletter.state.text() == "Not given")
    assert not newsletter.box.isChecked() and not stats.box.isChecked()
    assert rich_text_labels(member.window) == []

    assert not page.consents.no_mail.isVisible()
    tick(qtbot, newsletter.box)
    # The bundled server has no mail relay: the app says the link cannot come, and what to do.
    wait_for(qtbot, page.consents.no_mail.isVisible)
    assert "cannot send e-mail" in page.consents.no_mail.text()
    assert "set up mail" in page.consents.no_mail.text()
    assert not page.consents.status.isVisible()  # no "we e-mailed you a link"
    assert newsletter.box.isChecked()
    assert "that this server cannot e-mail" in newsletter.state.text()
    assert server_consents(qtbot, member)[NEWSLETTER] == (False, True)

    # Statistics take effect at once, and one click withdraws them again.
    tick(qtbot, stats.box)
    wait_for(qtbot, lambda: stats.state.text().startswith("Given"))
    assert server_consents(qtbot, member)[USAGE_STATISTICS] == (True, False)
    tick(qtbot, stats.box)
    wait_for(qtbot, lambda: stats.state.text() == "Not given")
    assert not stats.box.isChecked()
    assert "withdrawn" in page.consents.status.text()
    assert server_consents(qtbot, member)[USAGE_STATISTICS] == (False, False)
    click(qtbot, page.consents.show_history)
    assert page.consents.history.isVisible()
    assert member.window.vm.privacy.consents.history.column("Change") == ["Withdrawn", "Given"]


def test_public_profile_and_testimonials(qtbot: QtBot, member: Member) -> None:
    page = open_privacy(qtbot, member)
    card = page.public_profile
    assert not card.enabled.isChecked()
    assert card.url.text().endswith("/u/ada (off: nobody can open it)")
    tick(qtbot, card.enabled)
    tick(qtbot, card.fields["first_name"])
    tick(qtbot, card.fields["city"])
    card.bio.setPlainText("<b>Poetical</b> science")
    click(qtbot, card.save)
    wait_for(qtbot, card.status.isVisible)
    url = f"{member.base_url}/u/ada"
    assert card.url.text() == url

    async def fetch() -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            return resp.status, await resp.text()

    status, html = run(qtbot, fetch())
    assert status == 200
    assert "London" in html and "&lt;b&gt;Poetical&lt;/b&gt; science" in html
    assert "Analytical Engines" not in html  # company was not picked

    testimonials = page.testimonials
    assert testimonials.none.isVisible()
    testimonials.text.setPlainText("Podium keeps my meetings private.")
    type_into(qtbot, testimonials.signature, "Ada L.")
    click(qtbot, testimonials.submit)
    wait_for(qtbot, testimonials.consent_error.isVisible)
    assert member.window.vm.privacy.testimonials.model.rowCount() == 0
    tick(qtbot, testimonials.consent)
    click(qtbot, testimonials.submit)
    wait_for(qtbot, testimonials.table.isVisible)
    model = member.window.vm.privacy.testimonials.model
    assert model.column("Status") == ["Waiting for review"]
    assert not testimonials.consent.isChecked()
    testimonials.table.selectRow(0)
    click(qtbot, testimonials.withdraw)
    wait_for(qtbot, lambda: model.column("Status") == ["Withdrawn"])
    assert not testimonials.withdraw.isEnabled()


def test_download_my_data_saves_a_zip_then_says_when_to_try_again(
    qtbot: QtBot, member: Member, tmp_path: Path
) -> None:
    page = open_privacy(qtbot, member)
    assert page.no_audit.isVisible()  # nobody from the staff has looked
    target = tmp_path / "my data.zip"
    asked: list[str] = []

    def choose(_parent: object, _title: str, suggested: str, _filters: str) -> str:
        asked.append(suggested)
        return str(target)

    page.ask_save_path = choose
    progress: list[tuple[int, int]] = []
    member.window.vm.privacy.data_export.progress.connect(lambda a, b: progress.append((a, b)))
    click(qtbot, page.download)
    wait_for(qtbot, page.download_status.isVisible)
    assert asked[0].startswith("podium-export-") and asked[0].endswith(".zip")
    assert str(target) in page.download_status.text()
    assert progress and progress[-1][0] == target.stat().st_size
    assert not page.progress.isVisible()
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"profile.json", "consents.json", "contacts.csv", "audit.json"} <= names
        profile = json.loads(archive.read("profile.json"))
        everything = b"".join(archive.read(name) for name in names)
    assert profile["username"] == "ada"
    assert not [key for key in profile if "password" in key.lower()]
    assert PASSWORD.encode() not in everything and b"$argon2" not in everything

    # Within 10 minutes the limit is said before any file name is asked for.
    again = tmp_path / "again.zip"
    asked_again: list[str] = []

    def choose_again(_parent: object, _title: str, suggested: str, _filters: str) -> str:
        asked_again.append(suggested)
        return str(again)

    page.ask_save_path = choose_again
    click(qtbot, page.download)
    wait_for(qtbot, page.download_error.isVisible)
    assert "once every 10 minutes" in page.download_error.text()
    assert "try again in 10 minutes (at " in page.download_error.text()
    assert asked_again == [] and not again.exists()


def test_who_accessed_my_data_lists_each_staff_read_with_its_reason(
    qtbot: QtBot, member: Member
) -> None:
    reason = "Ticket 4521: <i>cannot</i> log in"

    async def staff_read() -> None:
        async with ApiClient(member.base_url) as staff:
            await staff.register(
                {
                    "first_name": "Grace",
                    "last_name": "Hopper",
                    "username": "grace",
                    "email": "grace@example.org",
                    "password": PASSWORD,
                }
            )
            await admin_command(
                member.data_dir, "grant-role", "--user", "grace", "--role", "support"
            )
            await staff.login("grace", PASSWORD)
            async with await member.api() as mine:
                ada = await mine.me()
            async with aiohttp.ClientSession() as http:
                url = f"{member.base_url}/api/v1/admin/users/{ada.id}"
                headers = {"Authorization": f"Bearer {staff.token}"}
                async with http.get(url, params={"reason": reason}, headers=headers) as resp:
                    assert resp.status == 200

    run(qtbot, staff_read())
    page = open_privacy(qtbot, member)
    audit = member.window.vm.privacy.audit.model
    wait_for(qtbot, lambda: audit.rowCount() == 1)
    assert page.audit.isVisible() and not page.no_audit.isVisible()
    assert audit.column("Who") == ["grace"]
    assert audit.column("Role") == ["Support"]
    assert audit.column("Reason given") == [reason]
    assert "E-mail" in audit.column("What they saw")[0]
