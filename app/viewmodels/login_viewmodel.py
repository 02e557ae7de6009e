"""Log-in form: turns a login and password into an open session."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api_client import ApiError
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.profile_data import profile_to_dict


class LoginViewModel(FormViewModel):
    """Fields: login (e-mail or username) and password."""

    prefilled = Signal(str)
    loggedIn = Signal(dict)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._login = ""

    @property
    def login_text(self) -> str:
        """The login to show in the form (e.g. just after registering)."""
        return self._login

    def prefill(self, login: str, status: str = "") -> None:
        """Put a login into the form with an optional friendly message."""
        self.clear_messages()
        self._login = login
        self.prefilled.emit(login)
        self._set_status(status)

    @asyncSlot(str, str)
    async def submit(self, login: str, password: str) -> None:
        """Log in; emits loggedIn with the profile, or an error."""
        self.clear_messages()
        login = login.strip()
        missing = {
            name: "Please fill this in."
            for name, value in (("login", login), ("password", password))
            if not value
        }
        if missing:
            self._set_field_errors(missing)
            return
        self._login = login
        self._set_busy(True)
        try:
            profile = await self._account.login(login, password)
        except ApiError as exc:
            self._report(exc, authenticated=False)
            return
        finally:
            self._set_busy(False)
        self.loggedIn.emit(profile_to_dict(profile))
