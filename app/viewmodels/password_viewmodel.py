"""Change-password form: current password, new password twice."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.viewmodels.form_viewmodel import FormViewModel

WRONG_PASSWORD = 403
CHANGED_MESSAGE = "Your password is changed. Other devices have been logged out."


class PasswordViewModel(FormViewModel):
    """Field names: current_password, new_password, repeat_password."""

    changed = Signal()
    formReset = Signal()

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account

    def reset(self) -> None:
        """Empty the form; passwords never linger in the window."""
        self.clear_messages()
        self.formReset.emit()

    @asyncSlot(str, str, str)
    async def submit(self, current: str, new: str, repeat: str) -> None:
        """Change the password; emits changed or per-field errors."""
        self.clear_messages()
        errors: dict[str, str] = {}
        if not current:
            errors["current_password"] = "Please enter your current password."
        if not new:
            errors["new_password"] = "Please choose a new password."
        elif new != repeat:
            errors["repeat_password"] = "The two new passwords are not the same."
        if errors:
            self._set_field_errors(errors)
            return
        self._set_busy(True)
        try:
            await self._account.api.change_password(current, new)
        except ApiError as exc:
            self._report(exc)
            if exc.status == WRONG_PASSWORD:
                self._set_field_errors({"current_password": self.error})
            return
        finally:
            self._set_busy(False)
        self.reset()
        self.changed.emit()
