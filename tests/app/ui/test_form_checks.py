"""Forms check the server's field policy before sending, go to the first bad field, and
clear a field's "Required." as soon as it is filled."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings
from app.ui.profile_page import ProfilePage
from app.ui.register_page import RegisterPage
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.field_rules import BAD_EMAIL, REQUIRED
from tests.app.ui.conftest import OpenWindow, wait_for, wait_page
from tests.app.ui.helpers import click, fill, shown_errors, type_into

PASSWORD = "correct horse battery"


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a checkbox on its box."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_register_checks_the_field_policy_before_sending(
    qtbot: QtBot, qapp: QApplication, open_window: OpenWindow
) -> None:
    window = open_window(choice=ClientSettings())
    wait_page(qtbot, window, Page.LOGIN)
    window.vm.show_register()
    wait_page(qtbot, window, Page.REGISTER)
    page = window.page(Page.REGISTER)
    assert isinstance(page, RegisterPage)
    wait_for(qtbot, lambda: page.form.rows and page.accept_policy.isVisible())
    sent: list[bool] = []
    window.vm.register.busyChanged.connect(sent.append)
    first_name_limit = page.form.row("first_name").spec["max_length"]
    assert first_name_limit == 100  # from the server's field policy

    fill(qtbot, page.form, {"first_name": "A" * (first_name_limit + 1), "email": "ada@example"})
    tick(qtbot, page.accept_policy)
    click(qtbot, page.submit)
    wait_for(qtbot, lambda: shown_errors(page.form))

    errors = shown_errors(page.form)
    assert errors["first_name"].startswith(f"At most {first_name_limit} characters")
    assert errors["email"] == BAD_EMAIL
    assert errors["last_name"] == errors["username"] == errors["password"] == REQUIRED
    assert sent == [], "a form the policy refuses was sent"
    # Focus is on the first bad field, in form order.
    assert qapp.focusWidget() is page.form.row("first_name").edit

    # Filling a field clears its mark at once; the others stay.
    type_into(qtbot, page.form.row("last_name").edit, "L")
    assert "last_name" not in shown_errors(page.form)
    assert "username" in shown_errors(page.form)
    type_into(qtbot, page.form.row("first_name").edit, "Ada")
    assert "first_name" not in shown_errors(page.form)
    # A still-bad value keeps saying what is wrong.
    type_into(qtbot, page.form.row("email").edit, "ada@example.")
    assert shown_errors(page.form).get("email") == BAD_EMAIL

    fill(
        qtbot,
        page.form,
        {
            "last_name": "Lovelace",
            "username": "ada",
            "email": "ada@example.org",
            "password": PASSWORD,
            "password_repeat": PASSWORD,
        },
    )
    assert shown_errors(page.form) == {}
    click(qtbot, page.submit)
    wait_page(qtbot, window, Page.HOME)
    assert True in sent

    # The member page checks the same way: a required field emptied, a bad address.
    window.vm.show_profile()
    wait_page(qtbot, window, Page.PROFILE)
    profile = window.page(Page.PROFILE)
    assert isinstance(profile, ProfilePage)
    wait_for(qtbot, lambda: profile.form.row("email").edit.text() == "ada@example.org")
    saving: list[bool] = []
    window.vm.profile.busyChanged.connect(saving.append)
    profile.form.row("last_name").edit.clear()
    type_into(qtbot, profile.form.row("email").edit, "ada at example.org")
    click(qtbot, profile.save)
    wait_for(qtbot, lambda: shown_errors(profile.form))
    assert shown_errors(profile.form) == {"last_name": REQUIRED, "email": BAD_EMAIL}
    assert saving == []
    assert qapp.focusWidget() is profile.form.row("last_name").edit
    type_into(qtbot, profile.form.row("last_name").edit, "Byron")
    assert set(shown_errors(profile.form)) == {"email"}
