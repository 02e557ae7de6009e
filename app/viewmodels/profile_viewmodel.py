"""Member information: shows every profile field and saves the ones the member changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.viewmodels.field_rules import form_problems
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.profile_data import profile_fields, profile_to_dict


class ProfileViewModel(FormViewModel):
    """Holds the member's profile as last read from or saved to the server."""

    fieldsChanged = Signal(list)
    profileChanged = Signal(dict)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._fields: list[dict[str, Any]] = []
        self._profile: dict[str, Any] = {}

    @property
    def fields(self) -> list[dict[str, Any]]:
        """Editable fields as dicts: name, label, required, kind."""
        return list(self._fields)

    @property
    def profile(self) -> dict[str, Any]:
        """The profile dict (id, created_at, values) or {} before loading."""
        return dict(self._profile)

    @property
    def display_name(self) -> str:
        """How to greet the member."""
        values = self._profile.get("values", {})
        name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
        return name or values.get("username", "")

    def show(self, profile: dict[str, Any]) -> None:
        """Adopt a profile we already have (e.g. from logging in)."""
        self._profile = dict(profile)
        self.profileChanged.emit(self.profile)

    def clear(self) -> None:
        """Forget the member's data, e.g. on log-out."""
        self._profile = {}
        self.clear_messages()
        self.profileChanged.emit({})

    @asyncSlot()
    async def load(self) -> None:
        """Read the field list and the profile from the server."""
        self._set_busy(True)
        try:
            specs = await self._account.account_fields()
            profile = await self._account.api.me()
        except ApiError as exc:
            self._report(exc)
            return
        finally:
            self._set_busy(False)
        fields = profile_fields(specs)
        if fields != self._fields:
            self._fields = fields
            self.fieldsChanged.emit(self.fields)
        self.show(profile_to_dict(profile))

    @asyncSlot(dict)
    async def save(self, values: dict[str, str]) -> None:
        """Send the changed fields; "" clears an optional field."""
        self.clear_messages()
        problems = form_problems(self._fields, values)
        if problems:
            self._set_field_errors(problems)
            self._set_error("Please correct the marked fields.")
            return
        changes = self._changes(values)
        if not changes:
            self._set_status("Nothing has changed.")
            return
        profile = await self._attempt(self._account.api.update_me(changes))
        if isinstance(profile, Failed):
            return
        self.show(profile_to_dict(profile))
        self._set_status("Your changes are saved.")

    def show_status(self, message: str) -> None:
        """Show an info message on the page (e.g. after changing the password)."""
        self.clear_messages()
        self._set_status(message)

    def _changes(self, values: dict[str, str]) -> dict[str, str | None]:
        current = self._profile.get("values", {})
        changes: dict[str, str | None] = {}
        for name, raw in values.items():
            value = raw.strip()
            if value != (current.get(name) or ""):
                changes[name] = value or None
        return changes
