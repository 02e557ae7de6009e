"""Accounts and sessions: the field policy, registration, login, profile, password, deletion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.api.transport import Transport
from app.core.privacy_data import PendingDeletion, PolicyVersion

# Keys of the profile object that are not editable personal fields.
_PROFILE_META = ("id", "created_at")


@dataclass(frozen=True)
class FieldSpec:
    """One account field as the server's field policy describes it."""

    name: str
    label: str
    required: bool
    kind: str = "text"
    # The longest value the server takes (None when it did not say).
    max_length: int | None = None


@dataclass(frozen=True)
class Profile:
    """A member's own account data; `values` holds every personal field by name."""

    id: int
    created_at: str
    values: dict[str, str | None] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """The field's value, or "" when it is empty or unknown."""
        return self.values.get(name) or ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        """Build from the server's profile object, ignoring nothing but the meta keys."""
        values = {
            key: (None if value is None else str(value))
            for key, value in data.items()
            if key not in _PROFILE_META
        }
        return cls(id=int(data["id"]), created_at=str(data.get("created_at", "")), values=values)


@dataclass(frozen=True)
class SessionToken:
    """A bearer token and when the server will stop accepting it."""

    token: str
    expires_at: str


@dataclass(frozen=True)
class ServerInfo:
    """What the server can do: `mail` is False when it has no mail relay (nothing is e-mailed)."""

    mail: bool


@dataclass(frozen=True)
class ResetRequested:
    """The answer to "forgot password", the same whether or not the account exists."""

    mail: bool
    expires_in_seconds: int


def _length(value: object) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


class AccountsApi(Transport):
    """/accounts, /sessions and /me (server/http/accounts.py and deletion.py)."""

    async def account_fields(self) -> list[FieldSpec]:
        """The registration form's fields, in display order."""
        data = await self._request("GET", "/accounts/fields", auth=False)
        return [
            FieldSpec(
                name=str(item["name"]),
                label=str(item.get("label") or item["name"]),
                required=bool(item.get("required", False)),
                kind=str(item.get("kind") or "text"),
                max_length=_length(item.get("max_length")),
            )
            for item in data.get("fields", [])
        ]

    async def server_info(self) -> ServerInfo:
        """GET /server-info: whether this server can send e-mail."""
        data = await self._request("GET", "/server-info", auth=False)
        return ServerInfo(mail=bool(data.get("mail")))

    async def public_policy(self) -> PolicyVersion | None:
        """The privacy policy in force (shown before registering), None when there is none."""
        data = await self._request("GET", "/policy", auth=False)
        return PolicyVersion.from_json(data.get("current"))

    async def request_password_reset(self, login: str) -> ResetRequested:
        """Ask for a reset link to be e-mailed to the account `login` names (if any)."""
        data = await self._request("POST", "/password-resets", {"login": login}, auth=False)
        return ResetRequested(
            mail=bool(data.get("mail")), expires_in_seconds=int(data.get("expires_in_seconds", 0))
        )

    async def reset_password(self, token: str, password: str) -> None:
        """Set a new password with a reset link's token; every session of the account ends."""
        await self._request("POST", f"/password-resets/{token}", {"password": password}, auth=False)

    async def register(self, values: dict[str, str | None]) -> Profile:
        """Create an account; raises ApiError 422/409 with per-field messages."""
        return Profile.from_json(await self._request("POST", "/accounts", values, auth=False))

    async def login(self, login: str, password: str) -> SessionToken:
        """Open a session and remember its token for later calls."""
        data = await self._request(
            "POST", "/sessions", {"login": login, "password": password}, auth=False
        )
        session = SessionToken(token=str(data["token"]), expires_at=str(data.get("expires_at")))
        self.token = session.token
        return session

    async def logout(self) -> None:
        """End the current session on the server and forget its token."""
        try:
            await self._request("DELETE", "/sessions/current")
        finally:
            self.token = None

    async def me(self) -> Profile:
        """The logged-in member's profile."""
        return Profile.from_json(await self._request("GET", "/me"))

    async def update_me(self, changes: dict[str, str | None]) -> Profile:
        """Change profile fields; None or "" clears an optional one."""
        return Profile.from_json(await self._request("PATCH", "/me", changes))

    async def change_password(self, current_password: str, new_password: str) -> None:
        """Change the password; the server ends every other session."""
        body = {"current_password": current_password, "new_password": new_password}
        await self._request("POST", "/me/password", body)

    async def delete_account(self, password: str) -> PendingDeletion:
        """Ask for the account's deletion; every session ends, this client's token too."""
        data = await self._request("DELETE", "/me", {"password": password})
        self.token = None
        return PendingDeletion.from_json(data)

    async def cancel_deletion(self, login: str, password: str) -> None:
        """Keep an account pending deletion (there is no session while it is pending)."""
        body = {"login": login, "password": password}
        await self._request("POST", "/accounts/cancel-deletion", body, auth=False)
