"""Registration form: the server's field policy decides which fields exist and are required."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.profile_data import field_to_dict

# Asked for in the window only, so a typo in the password is caught before it is stored.
REPEAT_PASSWORD = "password_repeat"


class RegisterViewModel(FormViewModel):
    """Loads the fields, checks the repeated password, creates the account."""

    fieldsChanged = Signal(list)
    registered = Signal(str)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._fields: list[dict[str, Any]] = []

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The form's fields as dicts: name, label, required, kind."""
        return list(self._fields)

    @asyncSlot()
    async def load_fields(self) -> None:
        """Fetch the field policy from the server (once per server)."""
        specs = await self._attempt(self._account.account_fields(), authenticated=False)
        if isinstance(specs, Failed):
            return
        fields = [field_to_dict(spec) for spec in specs]
        if fields != self._fields:
            self._fields = fields
            self.fieldsChanged.emit(self.fields)

    def reset(self) -> None:
        """Forget the loaded fields, e.g. after switching servers."""
        self._fields = []
        self.clear_messages()
        self.fieldsChanged.emit([])

    @asyncSlot(dict)
    async def submit(self, values: dict[str, str]) -> None:
        """Create the account; emits registered(username) or per-field errors."""
        self.clear_messages()
        if values.get("password", "") != values.get(REPEAT_PASSWORD, ""):
            self._set_field_errors({REPEAT_PASSWORD: "The two passwords are not the same."})
            self._set_error("Please correct the marked fields.")
            return
        body = self._body(values)
        profile = await self._attempt(self._account.api.register(body), authenticated=False)
        if isinstance(profile, Failed):
            return
        self.registered.emit(profile.get("username") or profile.get("email"))

    def _body(self, values: dict[str, str]) -> dict[str, str | None]:
        # Empty optional fields are left out so the server stores nothing for them.
        body: dict[str, str | None] = {}
        for spec in self._fields:
            name = spec["name"]
            value = values.get(name, "")
            if spec["kind"] != "password":
                value = value.strip()
            if value or spec["required"]:
                body[name] = value
        return body
