"""Accounts: registration, login sessions, profile and password changes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.accounts.fields import FieldPolicy
from server.accounts.gate import VerificationGate
from server.accounts.password_check import PasswordCheck
from server.accounts.passwords import PasswordHashing, PasswordRules
from server.accounts.session_end import SessionEnd, SessionEnds
from server.accounts.throttle import PasswordThrottle
from server.domain_errors import Conflict, Forbidden, NotFound, Unauthorized, invalid_fields
from server.settings import Settings
from server.store.accounts import AccountStore, SessionCheck, SessionRecord, UserRecord
from server.store.errors import ConflictError
from server.store.guests import GuestRecord, GuestStore

TOKEN_BYTES = 32


def hash_token(token: str) -> bytes:
    """Tokens are stored only as this hash, so a stolen database holds no usable token."""
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class NewSession:
    token: str
    session: SessionRecord


@dataclass(frozen=True)
class Caller:
    """Who an authenticated request comes from."""

    user_id: int
    session_id: int
    # The one meeting a guest's session is good for; None for an account's session. A guest's
    # user and session ids are minus the guest's id, so they never equal an account's.
    guest_meeting_id: str | None = None

    @property
    def guest_id(self) -> int | None:
        return -self.user_id if self.guest_meeting_id is not None else None


def guest_session_id(guest_id: int) -> int:
    """The session id (as LiveConnections and sweeps know it) of a guest's session."""
    return -guest_id


def guest_caller(guest: GuestRecord) -> Caller:
    return Caller(-guest.id, guest_session_id(guest.id), guest.meeting_id)


def _conflict(exc: ConflictError) -> Conflict:
    what = "e-mail address" if exc.field == "email" else "username"
    return Conflict(
        f"this {what} is already registered",
        f"{exc.field}_taken",
        fields={exc.field: f"this {what} is already registered"},
    )


class AccountService:
    def __init__(
        self,
        store: AccountStore,
        policy: FieldPolicy,
        rules: PasswordRules,
        hashing: PasswordHashing,
        throttle: PasswordThrottle,
        gate: VerificationGate,
        settings: Settings,
        clock: Callable[[], float],
        session_ends: SessionEnds,
        guests: GuestStore,
    ):
        self._store = store
        self._guests = guests
        self._policy = policy
        self._rules = rules
        self._hashing = hashing
        self._password = PasswordCheck(
            hashing, throttle, gate, settings.password_refusal_delay_seconds, clock
        )
        self._settings = settings
        self._clock = clock
        self._session_ends = session_ends

    @property
    def policy(self) -> FieldPolicy:
        return self._policy

    @property
    def registration(self) -> str:
        """ "open" (anyone may register) or "local" (only from the server's own machine)."""
        return self._settings.registration

    def may_register(self, from_this_machine: bool) -> bool:
        return self._settings.registration == "open" or from_this_machine

    async def register(self, data: Mapping[str, Any], *, from_this_machine: bool) -> UserRecord:
        if not self.may_register(from_this_machine):
            # Before looking at the data: a closed server says nothing about what it holds.
            raise Forbidden(
                "this server takes new accounts only from its owner; ask the owner for an "
                "invite (you can join their meetings as a guest)",
                "registration_closed",
            )
        errors = _unknown_fields(data, allowed=set(self._policy_fields()))
        profile, field_errors = self._policy.clean_profile(data, partial=False)
        errors.update(field_errors)
        password = data.get("password")
        if password is None or password == "":
            errors["password"] = "required"
        else:
            problem = self._rules.problem(password, (profile.get("email"), profile.get("username")))
            if problem:
                errors["password"] = problem
        if errors:
            raise invalid_fields(errors)
        assert isinstance(password, str)  # PasswordRules.problem refused anything else
        password_hash = await self._hashing.hash(password)
        try:
            return await self._store.create_user(profile, password_hash, self._clock())
        except ConflictError as exc:
            raise _conflict(exc) from exc

    async def login(
        self, login: object, password: object, address: str | None, user_agent: str | None
    ) -> NewSession:
        user = await self.check_credentials(login, password, address)
        if user.deletion_requested_at is not None:
            # Only someone who knows the password learns the account is pending deletion.
            erase_after = user.deletion_requested_at + self._settings.deletion_grace_days * 86400
            raise Forbidden(
                "this account is to be deleted; until "
                f"{datetime.fromtimestamp(erase_after, UTC):%Y-%m-%d %H:%M} UTC the deletion can "
                "be cancelled (POST /api/v1/accounts/cancel-deletion with the same login and "
                "password), after that it is erased",
                "account_pending_deletion",
            )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()
        session = await self._store.create_session(
            user.id,
            hash_token(token),
            now,
            now + self._settings.session_absolute_seconds,
            user_agent[:200] if user_agent else None,
            address,
        )
        return NewSession(token, session)

    async def check_credentials(
        self, login: object, password: object, address: str | None
    ) -> UserRecord:
        """The account `login` names if `password` is its password; throttled like login."""
        errors = {}
        if not isinstance(login, str) or not login.strip():
            errors["login"] = "required"
        if not isinstance(password, str) or not password:
            errors["password"] = "required"
        if errors:
            raise invalid_fields(errors)
        assert isinstance(login, str) and isinstance(password, str)
        login = login.strip()
        async with self._password.guarded(address):
            # Counted per account whichever spelling (username, e-mail, any case) names it.
            user = await self._store.user_by_login(login)
            matched = await self._password.matches(user, login, password, address)
        if not matched or user is None:
            raise Unauthorized("wrong login or password", "invalid_credentials")
        return user

    async def authenticate(self, token: str, *, guests: bool = False) -> Caller | None:
        """Who `token` belongs to, None if nobody; a guest's token only where `guests` may come.

        Elsewhere (everything that needs an account) a guest gets Forbidden `guest_not_allowed`.
        """
        token_hash = hash_token(token)
        now, idle = self._clock(), self._settings.session_idle_seconds
        session = await self._store.touch_session(token_hash, now, idle)
        if session is not None:
            return Caller(session.user_id, session.id)
        guest = await self._guests.touch(token_hash, now, idle)
        if guest is None:
            return None
        if not guests:
            raise Forbidden(
                "a guest can only join the meeting of their invite; this needs an account",
                "guest_not_allowed",
            )
        return guest_caller(guest)

    async def display_name(self, caller: Caller) -> str:
        """The name others see for the caller: a guest's display name, an account's full name."""
        if caller.guest_id is not None:
            guest = await self._guests.by_id(caller.guest_id)
            if guest is None:
                raise Unauthorized("the guest session has ended")
            return guest.display_name
        user = await self.profile(caller)
        return f"{user.profile['first_name']} {user.profile['last_name']}".strip()

    async def logout(self, caller: Caller) -> None:
        await self._store.delete_session(caller.session_id)
        self._session_ends.session_ended(caller.session_id, SessionEnd.LOGGED_OUT)

    async def check_sessions(self, used_at: Mapping[int, float | None]) -> SessionCheck:
        """Which open sessions still work, counting `used_at` as use (idle ones expire here).

        Guests' sessions (negative ids) are checked against the guests they belong to.
        """
        now, idle = self._clock(), self._settings.session_idle_seconds
        accounts = {k: v for k, v in used_at.items() if k >= 0}
        guests = {-k: v for k, v in used_at.items() if k < 0}
        found = await self._store.check_sessions(accounts, now, idle)
        if not guests:
            return found
        of_guests = await self._guests.check(guests, now, idle)
        return SessionCheck(
            found.live | {guest_session_id(g) for g in of_guests.live},
            found.expired | {guest_session_id(g) for g in of_guests.expired},
        )

    async def profile(self, caller: Caller) -> UserRecord:
        user = await self._store.user_by_id(caller.user_id)
        if user is None:
            raise NotFound("no such account")
        return user

    async def update_profile(self, caller: Caller, data: Mapping[str, Any]) -> UserRecord:
        allowed = set(self._policy_fields()) - {"password"}
        errors = _unknown_fields(data, allowed)
        if "password" in data:
            errors["password"] = "change the password with POST /api/v1/me/password"
        changes, field_errors = self._policy.clean_profile(data, partial=True)
        errors.update(field_errors)
        if errors:
            raise invalid_fields(errors)
        if not changes:
            return await self.profile(caller)
        try:
            user = await self._store.update_profile(caller.user_id, changes, self._clock())
        except ConflictError as exc:
            raise _conflict(exc) from exc
        if user is None:
            raise NotFound("no such account")
        return user

    async def reauthenticate(
        self, caller: Caller, password: object, address: str | None = None
    ) -> UserRecord:
        """The caller's account if `password` is its password (before a grave action)."""
        if not isinstance(password, str) or not password:
            raise invalid_fields({"password": "required"})
        user = await self.profile(caller)
        async with self._password.guarded(address):
            matched = await self._password.matches(user, None, password, address)
        if not matched:
            raise Forbidden("the password is not right", "wrong_password")
        return user

    async def change_password(
        self, caller: Caller, current: object, new: object, address: str | None = None
    ) -> None:
        errors = {}
        if not isinstance(current, str) or not current:
            errors["current_password"] = "required"
        if new is None or new == "":
            errors["new_password"] = "required"
        if errors:
            raise invalid_fields(errors)
        assert isinstance(current, str)
        user = await self.profile(caller)
        async with self._password.guarded(address):
            matched = await self._password.matches(user, None, current, address)
        if not matched:
            raise Forbidden("the current password is not right", "wrong_password")
        problem = self._rules.problem(new, (user.profile["email"], user.profile["username"]))
        if problem:
            raise invalid_fields({"new_password": problem})
        assert isinstance(new, str)
        new_hash = await self._hashing.hash(new)
        await self._store.set_password_hash(user.id, new_hash, self._clock(), caller.session_id)
        self._session_ends.account_ended(user.id, SessionEnd.PASSWORD_CHANGED, caller.session_id)

    def _policy_fields(self) -> list[str]:
        return [field["name"] for field in self._policy.describe()]


def _unknown_fields(data: Mapping[str, Any], allowed: set[str]) -> dict[str, str]:
    return {name: "unknown field" for name in data if name not in allowed}
