"""Typed wrapper over the Podium REST API (/api/v1) on one aiohttp ClientSession."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from app.core.contacts_data import Contact, ImportPreview, ImportResult
from app.core.downloads import Download, Progress, save_stream
from app.core.privacy_data import (
    AuditEntry,
    Consent,
    ConsentEvent,
    Consents,
    PendingDeletion,
    PolicyState,
    PublicProfileSettings,
    Testimonial,
)
from protocol.version import API_PREFIX

# Codes for failures that never reached the server, so callers can tell them from server answers.
UNREACHABLE = "unreachable"
BAD_RESPONSE = "bad_response"

# Keys of the profile object that are not editable personal fields.
_PROFILE_META = ("id", "created_at")
# Keys of an error object that ApiError holds as attributes; the rest goes to `details`.
_ERROR_KEYS = ("code", "message", "fields")
_DOWNLOAD_CHUNK = 64 * 1024


class ApiError(Exception):
    """An error answer from the server, or a failure to reach it (status 0)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        self.retry_after = retry_after
        # Other keys of the error object, e.g. `rows` of a rejected contacts import.
        self.details: dict[str, Any] = dict(details or {})

    @property
    def unreachable(self) -> bool:
        """True when the request never got an answer from the server."""
        return self.status == 0

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r}, {self.message!r}, {self.fields!r})"


@dataclass(frozen=True)
class FieldSpec:
    """One account field as the server's field policy describes it."""

    name: str
    label: str
    required: bool
    kind: str = "text"


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
class MeetingSummary:
    """A meeting as the REST API lists it."""

    id: str
    subject: str
    join_code: str
    host_user_id: int
    created_at: str
    ended_at: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MeetingSummary:
        return cls(
            id=str(data["id"]),
            subject=str(data["subject"]),
            join_code=str(data["join_code"]),
            host_user_id=int(data["host_user_id"]),
            created_at=str(data.get("created_at", "")),
            ended_at=None if data.get("ended_at") is None else str(data["ended_at"]),
        )


@dataclass(frozen=True)
class SessionToken:
    """A bearer token and when the server will stop accepting it."""

    token: str
    expires_at: str


class ApiClient:
    """Talks to one Podium server; holds the bearer token of the logged-in member."""

    def __init__(self, base_url: str, *, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Release the connection pool; the client may be used again afterwards."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def health(self) -> dict[str, Any]:
        """GET /health."""
        return await self._request("GET", "/health", auth=False)

    async def account_fields(self) -> list[FieldSpec]:
        """The registration form's fields, in display order."""
        data = await self._request("GET", "/accounts/fields", auth=False)
        return [
            FieldSpec(
                name=str(item["name"]),
                label=str(item.get("label") or item["name"]),
                required=bool(item.get("required", False)),
                kind=str(item.get("kind") or "text"),
            )
            for item in data.get("fields", [])
        ]

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

    async def create_meeting(self, subject: str) -> MeetingSummary:
        """Start a meeting hosted by the logged-in member."""
        return MeetingSummary.from_json(
            await self._request("POST", "/meetings", {"subject": subject})
        )

    async def my_meetings(self) -> list[MeetingSummary]:
        """The meetings the logged-in member hosts, newest first."""
        data = await self._request("GET", "/meetings")
        return [MeetingSummary.from_json(item) for item in data.get("meetings", [])]

    async def delete_account(self, password: str) -> PendingDeletion:
        """Ask for the account's deletion; every session ends, this client's token too."""
        data = await self._request("DELETE", "/me", {"password": password})
        self.token = None
        return PendingDeletion.from_json(data)

    async def cancel_deletion(self, login: str, password: str) -> None:
        """Keep an account pending deletion (there is no session while it is pending)."""
        body = {"login": login, "password": password}
        await self._request("POST", "/accounts/cancel-deletion", body, auth=False)

    async def export_my_data(self, dest: Path, progress: Progress | None = None) -> Download:
        """Stream the ZIP of all the member's data into dest (429 at most every 10 minutes)."""
        return await self.download("/me/export", dest, progress)

    async def audit(self) -> list[AuditEntry]:
        """Every staff read of the member's data, oldest first."""
        data = await self._request("GET", "/me/audit")
        return [AuditEntry.from_json(item) for item in data.get("entries", [])]

    async def consents(self) -> Consents:
        """Every consent purpose's state and the history of changes."""
        data = await self._request("GET", "/me/consents")
        return Consents(
            consents=[Consent.from_json(item) for item in data.get("consents", [])],
            events=[ConsentEvent.from_json(item) for item in data.get("events", [])],
        )

    async def set_consent(self, purpose: str, granted: bool) -> Consent:
        """Grant or withdraw; a newsletter grant only mails a confirmation link (pending)."""
        data = await self._request("PUT", f"/me/consents/{purpose}", {"granted": granted})
        return Consent.from_json(data)

    async def my_policy(self) -> PolicyState:
        """The policy in force, the version accepted, whether to ask, and the next one."""
        return PolicyState.from_json(await self._request("GET", "/me/policy"))

    async def accept_policy(self, version: str) -> PolicyState:
        """Record that the member accepts a published policy version."""
        return PolicyState.from_json(
            await self._request("POST", "/me/policy/accept", {"version": version})
        )

    async def public_profile(self) -> PublicProfileSettings:
        """The public profile settings (off until changed) and the page's path."""
        return PublicProfileSettings.from_json(await self._request("GET", "/me/public-profile"))

    async def set_public_profile(
        self, enabled: bool, fields: list[str], bio: str | None
    ) -> PublicProfileSettings:
        """Turn the public page on or off and choose what it shows."""
        body = {"enabled": enabled, "fields": list(fields), "bio": bio or None}
        return PublicProfileSettings.from_json(
            await self._request("PUT", "/me/public-profile", body)
        )

    async def my_testimonials(self) -> list[Testimonial]:
        """The member's testimonials, newest first."""
        data = await self._request("GET", "/me/testimonials")
        return [Testimonial.from_json(item) for item in data.get("testimonials", [])]

    async def submit_testimonial(self, body: str, display_name: str) -> Testimonial:
        """Submit a testimonial with the member's consent to publish it."""
        payload = {"body": body, "display_name": display_name, "consent": True}
        return Testimonial.from_json(await self._request("POST", "/me/testimonials", payload))

    async def withdraw_testimonial(self, testimonial_id: int) -> None:
        """Withdraw a testimonial; it stops being shown at once."""
        await self._request("DELETE", f"/me/testimonials/{testimonial_id}")

    async def contacts(self, query: str = "") -> list[Contact]:
        """The member's address book, by last name; `query` keeps matching contacts."""
        params = {"q": query} if query else None
        data = await self._request("GET", "/contacts", params=params)
        return [Contact.from_json(item) for item in data.get("contacts", [])]

    async def create_contact(self, values: dict[str, str | None]) -> Contact:
        """Add a contact (a name or an e-mail address is needed)."""
        return Contact.from_json(await self._request("POST", "/contacts", values))

    async def update_contact(self, contact_id: int, changes: dict[str, str | None]) -> Contact:
        """Change fields of a contact; None or "" clears one."""
        return Contact.from_json(await self._request("PATCH", f"/contacts/{contact_id}", changes))

    async def delete_contact(self, contact_id: int) -> None:
        """Delete a contact."""
        await self._request("DELETE", f"/contacts/{contact_id}")

    async def preview_import(self, csv_data: bytes, mapping: str = "") -> ImportPreview:
        """A dry run of an import: mapped columns, first rows, row errors; stores nothing."""
        params = {"dry_run": "true", **({"map": mapping} if mapping else {})}
        data = await self._request(
            "POST", "/contacts/import", params=params, data=csv_data, content_type="text/csv"
        )
        return ImportPreview.from_json(data)

    async def import_contacts(self, csv_data: bytes, mapping: str = "") -> ImportResult:
        """Import a CSV: every row or none (422 `import_rejected` with `details["rows"]`)."""
        params = {"map": mapping} if mapping else None
        data = await self._request(
            "POST", "/contacts/import", params=params, data=csv_data, content_type="text/csv"
        )
        return ImportResult.from_json(data)

    async def export_contacts(self, dest: Path) -> Download:
        """Save the address book as CSV into dest."""
        return await self.download("/contacts/export", dest)

    async def logout(self) -> None:
        """End the current session on the server and forget its token."""
        try:
            await self._request("DELETE", "/sessions/current")
        finally:
            self.token = None

    async def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        auth: bool = True,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        url = f"{self.base_url}{API_PREFIX}{path}"
        headers = self._headers(auth)
        if content_type:
            headers["Content-Type"] = content_type
        try:
            async with self._client().request(
                method, url, json=body, data=data, params=params, headers=headers
            ) as resp:
                payload = await _read_json(resp)
                if resp.status >= 400:
                    raise _error_from(resp, payload)
                return payload if isinstance(payload, dict) else {}
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise self._unreachable(exc) from exc

    async def download(self, path: str, dest: Path, progress: Progress | None = None) -> Download:
        """GET a file and stream it into dest; SaveError when dest cannot be written."""
        url = f"{self.base_url}{API_PREFIX}{path}"
        # No overall limit (a big export may take a while), only on each wait for data.
        timeout = aiohttp.ClientTimeout(total=None, sock_read=self._timeout.total)
        try:
            async with self._client().get(
                url, headers=self._headers(True), timeout=timeout
            ) as resp:
                if resp.status >= 400:
                    raise _error_from(resp, await _read_json(resp))
                return await save_stream(
                    resp.content.iter_chunked(_DOWNLOAD_CHUNK),
                    Path(dest),
                    resp.content_length,
                    progress,
                )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise self._unreachable(exc) from exc

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _unreachable(self, exc: BaseException) -> ApiError:
        return ApiError(
            0, UNREACHABLE, f"Cannot reach the server at {self.base_url} ({_describe(exc)})."
        )

    def _client(self) -> aiohttp.ClientSession:
        # Created lazily because a ClientSession must be made inside the running loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session


async def _read_json(resp: aiohttp.ClientResponse) -> Any:
    if resp.status == 204:
        return {}
    text = await resp.text()
    if not text:
        return {}
    try:
        return await resp.json(content_type=None)
    except ValueError:
        if resp.status >= 400:
            return {}
        raise ApiError(
            resp.status, BAD_RESPONSE, "The server sent an answer Podium cannot read."
        ) from None


def _error_from(resp: aiohttp.ClientResponse, payload: Any) -> ApiError:
    error = payload.get("error") if isinstance(payload, dict) else None
    error = error if isinstance(error, dict) else {}
    fields = error.get("fields", payload.get("fields") if isinstance(payload, dict) else None)
    retry_after = resp.headers.get("Retry-After", "")
    return ApiError(
        status=resp.status,
        code=str(error.get("code") or f"http_{resp.status}"),
        message=str(error.get("message") or resp.reason or f"HTTP {resp.status}"),
        fields={str(k): str(v) for k, v in fields.items()} if isinstance(fields, dict) else None,
        retry_after=int(retry_after) if retry_after.isdigit() else None,
        details={str(k): v for k, v in error.items() if k not in _ERROR_KEYS},
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return str(exc) or type(exc).__name__
