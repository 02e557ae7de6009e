"""Log-in form: turns a login and password into an open session."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.bundled_server import BundledServer
from app.core.last_login import LastLoginFile
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.mail_text import no_mail_for_reset, reset_sent
from app.viewmodels.profile_data import profile_to_dict
from app.viewmodels.time_text import wait_text

_log = logging.getLogger(__name__)
TOO_MANY = 429

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
    # Forgot password: whether the server can mail a link (True until known otherwise), and the
    # notice to show when it cannot ("" when it can).
    mailChanged = Signal(bool)
    noMailChanged = Signal(str)

    def __init__(
        self,
        account: AccountSession,
        parent: QObject | None = None,
        *,
        remembered: LastLoginFile | None = None,
        this_computer: Callable[[], BundledServer | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._account = account
        self._remembered = remembered
        self._this_computer = this_computer
        self._login = ""
        self._pending_deletion = False
        self._mail = True

    @property
    def pending_deletion(self) -> bool:
        """The account that last tried to log in is pending deletion (offer to cancel)."""
        return self._pending_deletion

    @property
    def login_text(self) -> str:
        """The login to show in the form: the last typed, else the last used on this server."""
        return self._login or self.remembered_login()

    @property
    def mail(self) -> bool:
        """Whether the server can e-mail a reset link (as last asked)."""
        return self._mail

    def remembered_login(self) -> str:
        """The login last used successfully on the current server, "" when none."""
        server = self._account.base_url
        if self._remembered is None or not server:
            return ""
        return self._remembered.load(server)

    def remember(self, login: str) -> None:
        """Keep `login` for the next start (a login is not a secret; see app/core/last_login)."""
        server = self._account.base_url
        if self._remembered is None or not server or not login.strip():
            return
        try:
            self._remembered.save(server, login)
        except OSError as exc:  # only a convenience: the log-in itself worked
            _log.warning("could not remember the login in %s: %s", self._remembered.path, exc)

    @asyncSlot(str)
    async def check_mail(self, login: str = "") -> None:
        """Ask the server whether it can send e-mail, before offering to mail a reset link."""
        try:
            info = await self._account.api.server_info()
        except ApiError:
            return  # an older server or a hiccup: offer the link; the request says the rest
        self._set_mail(info.mail, login or self._login)

    @asyncSlot(str)
    async def forgot_password(self, login: str) -> None:
        """Ask for a reset link for `login`; says it is on its way, or why it cannot come."""
        self.clear_messages()
        login = login.strip()
        if not login:
            self._set_field_errors({"login": "Type your username or e-mail address first."})
            return
        self._login = login
        self._set_busy(True)
        try:
            answer = await self._account.api.request_password_reset(login)
        except ApiError as exc:
            if exc.status == TOO_MANY:
                when = wait_text(exc.retry_after) if exc.retry_after else "later"
                self._set_error(f"Too many reset requests from this computer. Try again {when}.")
            else:
                self._report(exc, authenticated=False)
            return
        finally:
            self._set_busy(False)
        self._set_mail(answer.mail, login)
        if answer.mail:
            self._set_status(reset_sent(login, answer.expires_in_seconds // 60))

    def _set_mail(self, mail: bool, login: str) -> None:
        self._mail = mail
        self.mailChanged.emit(mail)
        self.noMailChanged.emit("" if mail else no_mail_for_reset(login, self._here()))

    def _here(self) -> tuple[str, str] | None:
        """(data folder, address) of the server the app runs, when it is the current one."""
        bundled = self._this_computer() if self._this_computer else None
        if bundled is None or not bundled.running or not bundled.base_url:
            return None
        if bundled.base_url.rstrip("/") != (self._account.base_url or "").rstrip("/"):
            return None
        return str(bundled.data_dir), bundled.base_url

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
        self.remember(login)
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
        self.remember(login)
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
