"""The whole Foundation journey in the real window against a real bundled server."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel
from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings
from app.core.paths import AppPaths
from app.ui.home_page import HomePage
from app.ui.login_page import LoginPage
from app.ui.password_page import PasswordPage
from app.ui.profile_page import ProfilePage
from app.ui.register_page import RegisterPage
from app.ui.setup_page import SetupPage
from app.viewmodels.app_viewmodel import Page
from tests.app.processes import process_gone
from tests.app.ui.conftest import OpenWindow, shut_down, wait_for, wait_page
from tests.app.ui.helpers import click, fill, rich_text_labels, shown_errors, type_into

PASSWORD = "correct horse battery"
NEW_PASSWORD = "another staple 2024"

ADA = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "username": "ada",
    "email": "ada@example.org",
    "password": PASSWORD,
    "password_repeat": PASSWORD,
    "city": "London",
}


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a checkbox on its box (a wide checkbox's middle may be empty space)."""
    assert box.isVisible() and box.isEnabled(), box.text()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def log_in(qtbot: QtBot, page: LoginPage, login: str, password: str) -> None:
    """Type the credentials and press Log in."""
    type_into(qtbot, page.login.edit, login)
    type_into(qtbot, page.password.edit, password)
    click(qtbot, page.submit)


def test_register_login_edit_password_logout(
    qtbot: QtBot, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    window = open_window()
    vm = window.vm
    assert window.windowTitle() == "Podium"
    assert window.minimumWidth() >= 640 and window.minimumHeight() >= 480  # item 3: 640x480

    # First start: the choice, with "This computer" preselected.
    wait_page(qtbot, window, Page.SETUP)
    setup = window.page(Page.SETUP)
    assert isinstance(setup, SetupPage)
    assert setup.bundled.radio.isChecked()
    assert not setup.cancel.isVisible()
    click(qtbot, setup.proceed)
    wait_page(qtbot, window, Page.LOGIN)
    saved = json.loads((app_paths.config_dir / "settings.json").read_text())
    assert saved["server"] == "bundled"
    server = vm.bundled_server
    assert server is not None and server.running
    assert str(server.data_dir).startswith(str(app_paths.data_dir))
    assert window.notice.isVisible()
    assert "No keyring available" in window.notice.text()

    # Register.
    login = window.page(Page.LOGIN)
    assert isinstance(login, LoginPage)
    assert login.server.text() == "Server: This computer"
    click(qtbot, login.register)
    wait_page(qtbot, window, Page.REGISTER)
    register = window.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    wait_for(qtbot, lambda: register.form.rows)
    assert register.form.row("first_name").label.text() == "First name *"
    assert register.form.row("phone").label.text() == "Phone"
    fill(qtbot, register.form, ADA)
    # The privacy policy in force (the bundled one) is shown in full and must be accepted.
    wait_for(qtbot, register.policy_section.isVisible)
    assert register.policy_title.text() == "Privacy policy (version 1)"
    assert "What is stored" in register.policy_text.toPlainText()
    assert register.policy_text.isReadOnly() and not register.accept_policy.isChecked()
    click(qtbot, register.submit)
    wait_for(qtbot, register.policy_error.isVisible)
    assert "accept" in register.policy_error.text() and vm.page == Page.REGISTER
    tick(qtbot, register.accept_policy)
    assert register.accept_policy.isChecked() and not register.policy_error.isVisible()
    click(qtbot, register.submit)
    # Registered and logged in at once.
    wait_page(qtbot, window, Page.HOME)
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    wait_for(qtbot, lambda: home.greeting.text() == "Hello, Ada Lovelace")
    vm.logout()
    wait_page(qtbot, window, Page.LOGIN)
    assert login.login.edit.text() == "ada"  # the login field remembers the username

    # Log in with the e-mail address.
    log_in(qtbot, login, "ada@example.org", PASSWORD)
    wait_page(qtbot, window, Page.HOME)
    assert isinstance(home, HomePage)
    wait_for(qtbot, lambda: home.greeting.text() == "Hello, Ada Lovelace")
    click(qtbot, home.member_info)
    wait_page(qtbot, window, Page.PROFILE)
    profile = window.page(Page.PROFILE)
    assert isinstance(profile, ProfilePage)
    wait_for(qtbot, lambda: profile.form.rows)
    assert rich_text_labels(window) == []
    assert "password" not in profile.form.rows
    assert profile.form.row("email").edit.text() == "ada@example.org"
    assert profile.form.row("city").edit.text() == "London"
    assert "Ada Lovelace" in profile.who.text()

    # Edit: change one field, clear another, save, then re-read from the server.
    type_into(qtbot, profile.form.row("company").edit, "Analytical Engines")
    profile.form.row("city").edit.clear()
    click(qtbot, profile.save)
    wait_for(qtbot, lambda: profile.status.isVisible())
    assert "saved" in profile.status.text()
    profile.form.row("company").edit.setText("unsaved scribble")
    vm.profile.load()
    wait_for(qtbot, lambda: profile.form.row("company").edit.text() == "Analytical Engines")
    assert profile.form.row("city").edit.text() == ""

    # A bad e-mail is refused beside the field and nothing is lost.
    type_into(qtbot, profile.form.row("email").edit, "not-an-address")
    click(qtbot, profile.save)
    wait_for(qtbot, lambda: shown_errors(profile.form))
    assert set(shown_errors(profile.form)) == {"email"}
    assert profile.error.isVisible()

    # Change password: wrong current one first, then right.
    click(qtbot, profile.change_password)
    wait_page(qtbot, window, Page.PASSWORD)
    password = window.page(Page.PASSWORD)
    assert isinstance(password, PasswordPage)
    type_into(qtbot, password.rows["current_password"].edit, "not my password")
    type_into(qtbot, password.rows["new_password"].edit, NEW_PASSWORD)
    type_into(qtbot, password.rows["repeat_password"].edit, NEW_PASSWORD + "x")
    click(qtbot, password.submit)
    wait_for(qtbot, lambda: password.rows["repeat_password"].error.isVisible())
    type_into(qtbot, password.rows["repeat_password"].edit, NEW_PASSWORD)
    click(qtbot, password.submit)
    wait_for(qtbot, lambda: password.rows["current_password"].error.isVisible())
    assert "not right" in password.rows["current_password"].error.text()
    type_into(qtbot, password.rows["current_password"].edit, PASSWORD)
    click(qtbot, password.submit)
    wait_page(qtbot, window, Page.PROFILE)
    assert "password is changed" in profile.status.text()

    # Log out; the old password no longer works, the new one does.
    click(qtbot, profile.logout)
    wait_page(qtbot, window, Page.LOGIN)
    assert "logged out" in login.status.text()
    assert login.password.edit.text() == ""
    log_in(qtbot, login, "ada", PASSWORD)
    wait_for(qtbot, lambda: login.error.isVisible())
    assert "not right" in login.error.text()
    assert vm.page == Page.LOGIN
    log_in(qtbot, login, "ada", NEW_PASSWORD)
    wait_page(qtbot, window, Page.HOME)

    # Quitting the window's run stops the bundled server.
    pid = server.pid
    assert pid is not None
    shut_down(qtbot, window)
    assert process_gone(pid)


def test_register_shows_errors_beside_the_fields(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(choice=ClientSettings())
    wait_page(qtbot, window, Page.LOGIN)
    window.vm.show_register()
    wait_page(qtbot, window, Page.REGISTER)
    register = window.page(Page.REGISTER)
    assert isinstance(register, RegisterPage)
    wait_for(qtbot, lambda: register.form.rows)
    legend_texts = [label.text() for label in register.findChildren(QLabel)]
    assert "Fields marked * are required." in legend_texts

    fill(qtbot, register.form, {"first_name": "Ada", "email": "ada@"})
    # Without the policy accepted nothing is sent; what is certainly missing is said at once.
    click(qtbot, register.submit)
    wait_for(qtbot, register.policy_error.isVisible)
    assert {"last_name", "username", "password"} <= set(shown_errors(register.form))
    tick(qtbot, register.accept_policy)
    click(qtbot, register.submit)
    wait_for(qtbot, lambda: "email" in shown_errors(register.form))
    errors = shown_errors(register.form)
    assert {"last_name", "username", "email", "password"} <= set(errors)
    assert "first_name" not in errors
    assert all(text and text[0].isupper() for text in errors.values())
    assert register.error.isVisible()
    row = register.form.row("email")
    assert row.error.textFormat() == Qt.TextFormat.PlainText
    # The message sits right under its own field.
    assert row.error.geometry().top() > row.edit.geometry().bottom()
    assert window.vm.page == Page.REGISTER
    assert rich_text_labels(window) == []
