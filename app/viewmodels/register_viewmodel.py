"""Registration form: the server's field policy decides which fields exist and are required.

The privacy policy in force is shown with the form and must be accepted to register; the
account then logs in at once, with the password just typed.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.last_login import LastLoginFile
from app.core.privacy_data import PolicyVersion
from app.viewmodels.field_rules import form_problems
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.profile_data import field_to_dict, profile_to_dict

# Asked for in the window only, so a typo in the password is caught before it is stored.
REPEAT_PASSWORD = "password_repeat"
# The "I accept the privacy policy" box: "yes" when ticked.
POLICY_ACCEPTED = "policy_accepted"
ACCEPT_FIRST = "Please read the privacy policy and tick the box to accept it."
POLICY_CHANGED = "The privacy policy has just changed. Please read this version and accept it."

_log = logging.getLogger(__name__)


class RegisterViewModel(FormViewModel):
    """Loads the fields and the policy, checks the repeated password, creates the account."""

    fieldsChanged = Signal(list)
    # {"version", "summary"} of the policy in force, {} when the server has none.
    policyChanged = Signal(dict)
    # The account exists but logging in failed (e.g. throttled): the login to prefill.
    registered = Signal(str)
    loggedIn = Signal(dict)

    def __init__(
        self,
        account: AccountSession,
        parent: QObject | None = None,
        *,
        remembered: LastLoginFile | None = None,
    ) -> None:
        super().__init__(parent)
        self._account = account
        self._remembered = remembered
        self._fields: list[dict[str, Any]] = []
        self._policy: PolicyVersion | None = None

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The form's fields as dicts: name, label, required, kind."""
        return list(self._fields)

    @property
    def policy(self) -> dict[str, str]:
        """The policy to accept: {"version", "summary"}, {} when none."""
        if self._policy is None:
            return {}
        return {"version": self._policy.version, "summary": self._policy.summary}

    @asyncSlot()
    async def load_fields(self) -> None:
        """Fetch the field policy and the privacy policy from the server."""
        # The policy first: the form is ready to submit once its fields appear.
        if not await self._load_policy():
            return
        specs = await self._attempt(self._account.account_fields(), authenticated=False)
        if isinstance(specs, Failed):
            return
        fields = [field_to_dict(spec) for spec in specs]
        if fields != self._fields:
            self._fields = fields
            self.fieldsChanged.emit(self.fields)

    async def _load_policy(self) -> bool:
        policy = await self._attempt(self._account.api.public_policy(), authenticated=False)
        if isinstance(policy, Failed):
            return False
        self._policy = policy
        self.policyChanged.emit(self.policy)
        return True

    def reset(self) -> None:
        """Forget the loaded fields, e.g. after switching servers."""
        self._fields = []
        self._policy = None
        self.clear_messages()
        self.fieldsChanged.emit([])
        self.policyChanged.emit({})

    @asyncSlot(dict)
    async def submit(self, values: dict[str, str]) -> None:
        """Create the account and log in; emits loggedIn(profile) or per-field errors."""
        self.clear_messages()
        # What the server's field policy would refuse (required, lengths, e-mail shape) is
        # said at once, without sending.
        errors = form_problems(self._fields, values)
        if values.get("password", "") != values.get(REPEAT_PASSWORD, ""):
            errors[REPEAT_PASSWORD] = "The two passwords are not the same."
        if self._policy is not None and values.get(POLICY_ACCEPTED) != "yes":
            errors[POLICY_ACCEPTED] = ACCEPT_FIRST
        if errors:
            self._set_field_errors(errors)
            self._set_error("Please correct the marked fields.")
            return
        body = self._body(values)
        profile = await self._attempt(self._account.api.register(body), authenticated=False)
        if isinstance(profile, Failed):
            if "policy_version" in self.field_errors:
                self._set_field_errors({**self.field_errors, POLICY_ACCEPTED: POLICY_CHANGED})
                await self._load_policy()
            return
        login = profile.get("username") or profile.get("email")
        await self._log_in(login, values.get("password", ""))

    async def _log_in(self, login: str, password: str) -> None:
        self._set_busy(True)
        try:
            member = await self._account.login(login, password)
        except ApiError as exc:
            _log.info("registered, but logging in at once failed: %s", exc)
            self.registered.emit(login)  # the log-in page takes over
            return
        finally:
            self._set_busy(False)
        if self._remembered is not None and self._account.base_url:
            try:
                self._remembered.save(self._account.base_url, login)
            except OSError as exc:
                _log.warning("could not remember the login: %s", exc)
        self.loggedIn.emit(profile_to_dict(member))

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
        if self._policy is not None:
            body["policy_version"] = self._policy.version
        return body
