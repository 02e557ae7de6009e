"""Log-in form: turns a login and password into an open session."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.profile_data import profile_to_dict

PENDING_DELETION = "account_pending_deletion"
PENDING_DELETION_MESSAGE = (
    "This account is waiting to be deleted. To keep it, type your password again and choose "
    "Cancel deletion."
)
DELETION_CANCELLED = "Welcome back: the deletion is cancelled and your account stays."


class LoginViewModel(FormViewModel):
    """Fields: login (e-mail or username) and password."""

    prefilled = Signal(str)
    loggedIn = Signal(dict)
    # True while the last login was refused because the account is pending deletion.
    pendingDeletionChanged = Signal(bool)
    deletionCancelled = Signal(str)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._login = ""
        self._pending_deletion = False

    @property
    def pending_deletion(self) -> bool:
        """The account that last tried to log in is pending deletion (offer to cancel)."""
        return self._pending_deletion

    @property
    def login_text(self) -> str:
        """The login to show in the form (e.g. just after registering)."""
        return self._login

    def prefill(self, login: str, status: str = "") -> None:
        """Put a login into the form with an optional friendly message."""
        self.clear_messages()
        self._set_pending_deletion(False)
        self._login = login
        self.prefilled.emit(login)
        self._set_status(status)

    @asyncSlot(str, str)
    async def submit(self, login: str, password: str) -> None:
        """Log in; emits loggedIn with the profile, or an error."""
        self.clear_messages()
        login = login.strip()
        if not self._check_filled(login, password):
            return
        self._login = login
        self._set_busy(True)
        try:
            profile = await self._account.login(login, password)
        except ApiError as exc:
            self._refused(exc)
            return
        finally:
            self._set_busy(False)
        self._set_pending_deletion(False)
        self.loggedIn.emit(profile_to_dict(profile))

    @asyncSlot(str, str)
    async def cancel_deletion(self, login: str, password: str) -> None:
        """Keep an account pending deletion, then log in with the same credentials."""
        self.clear_messages()
        login = login.strip()
        if not self._check_filled(login, password):
            return
        self._login = login
        self._set_busy(True)
        try:
            await self._account.api.cancel_deletion(login, password)
            profile = await self._account.login(login, password)
        except ApiError as exc:
            self._refused(exc)
            return
        finally:
            self._set_busy(False)
        self._set_pending_deletion(False)
        self.deletionCancelled.emit(DELETION_CANCELLED)
        self.loggedIn.emit(profile_to_dict(profile))

    def _check_filled(self, login: str, password: str) -> bool:
        missing = {
            name: "Please fill this in."
            for name, value in (("login", login), ("password", password))
            if not value
        }
        self._set_field_errors(missing)
        return not missing

    def _refused(self, exc: ApiError) -> None:
        if exc.code == PENDING_DELETION:
            self._set_pending_deletion(True)
            self._set_error(PENDING_DELETION_MESSAGE)
            return
        self._report(exc, authenticated=False)

    def _set_pending_deletion(self, pending: bool) -> None:
        if pending != self._pending_deletion:
            self._pending_deletion = pending
            self.pendingDeletionChanged.emit(pending)
