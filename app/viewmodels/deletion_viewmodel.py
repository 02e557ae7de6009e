"""Delete my account: re-authenticated with the password; the account waits out a grace period."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.time_text import date_text

WRONG_PASSWORD = "wrong_password"
GRACE_EXPLAINED = (
    "You are logged out everywhere at once, but your account is not erased yet: it waits for a "
    "grace period (7 days unless your server says otherwise), during which you can change your "
    "mind by logging in and choosing Cancel deletion. After it, your profile, contacts, "
    'consents and meetings are erased for good, and messages you sent show "Deleted user".'
)


class DeletionViewModel(FormViewModel):
    """delete(password) → deleted(message for the log-in page) or an error; nothing else changes."""

    deleted = Signal(str)
    formReset = Signal()

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account

    def reset(self) -> None:
        """Clear the dialog's messages before it opens."""
        self.clear_messages()
        self.formReset.emit()

    @asyncSlot(str)
    async def delete(self, password: str) -> None:
        """Ask the server to delete the account; a wrong password changes nothing."""
        self.clear_messages()
        if not password:
            self._set_field_errors({"password": "Please type your password."})
            return
        self._set_busy(True)
        try:
            pending = await self._account.api.delete_account(password)
        except ApiError as exc:
            if exc.code == WRONG_PASSWORD:
                self._set_field_errors({"password": "This password is not right."})
                self._set_error("The password is not right. Nothing has changed.")
            else:
                self._report(exc)
            return
        finally:
            self._set_busy(False)
        when = date_text(pending.erase_after)
        self.deleted.emit(
            f"Your account will be erased on {when}. Until then you can keep it: log in and "
            "choose Cancel deletion."
            if when
            else "Your account will be erased after the grace period."
        )
