"""Shared state of a form backed by one API call: busy flag, message and per-field errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from PySide6.QtCore import Property, QObject, Signal

from app.core.api import ApiError
from app.viewmodels.messages import describe, field_messages

UNAUTHORIZED = 401
T = TypeVar("T")


class Failed:
    """What `FormViewModel._attempt` returns when the call failed (and was reported)."""


FAILED = Failed()


class FormViewModel(QObject):
    """Base for the page view-models; subclasses call the API and report through these signals."""

    busyChanged = Signal(bool)
    errorChanged = Signal(str)
    statusChanged = Signal(str)
    fieldErrorsChanged = Signal(dict)
    sessionExpired = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._error = ""
        self._status = ""
        self._field_errors: dict[str, str] = {}

    def _get_busy(self) -> bool:
        return self._busy

    busy = Property(bool, _get_busy, notify=busyChanged)

    @property
    def error(self) -> str:
        """The form-wide error message, "" when none."""
        return self._error

    @property
    def status(self) -> str:
        """The form-wide success/info message, "" when none."""
        return self._status

    @property
    def field_errors(self) -> dict[str, str]:
        """Error message by field name."""
        return dict(self._field_errors)

    def clear_messages(self) -> None:
        """Forget errors and status, e.g. when the page is shown again."""
        self._set_error("")
        self._set_status("")
        self._set_field_errors({})

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _set_error(self, message: str) -> None:
        self._error = message
        self.errorChanged.emit(message)

    def _set_status(self, message: str) -> None:
        self._status = message
        self.statusChanged.emit(message)

    def _set_field_errors(self, errors: dict[str, str]) -> None:
        self._field_errors = dict(errors)
        self.fieldErrorsChanged.emit(dict(errors))

    def _report(self, error: ApiError, *, authenticated: bool = True) -> None:
        """Show an API error; a 401 on an authenticated call means the session is over."""
        self._set_status("")
        self._set_field_errors(field_messages(error))
        self._set_error(describe(error))
        if authenticated and error.status == UNAUTHORIZED:
            self.sessionExpired.emit()

    async def _attempt(self, work: Awaitable[T], *, authenticated: bool = True) -> T | Failed:
        """Await one API call while busy; on an API error report it and return FAILED."""
        self._set_busy(True)
        try:
            return await work
        except ApiError as exc:
            self._report(exc, authenticated=authenticated)
            return FAILED
        finally:
            self._set_busy(False)
