"""The member's privacy rights: export, staff-access audit, consents, policy acceptance."""

from __future__ import annotations

from pathlib import Path

from app.core.api.transport import Transport
from app.core.downloads import Download, Progress
from app.core.privacy_data import AuditEntry, Consent, ConsentEvent, Consents, PolicyState


class PrivacyApi(Transport):
    """/me/export, /me/audit, /me/consents and /me/policy (server/http/export.py, staff.py, ...)."""

    async def export_my_data(self, dest: Path, progress: Progress | None = None) -> Download:
        """Stream the ZIP of all the member's data into dest (429 at most every 10 minutes)."""
        return await self.download("/me/export", dest, progress)

    async def export_wait(self) -> int:
        """Seconds until the member may export again; 0 when they may now (changes nothing)."""
        data = await self._request("GET", "/me/export/availability")
        return 0 if data.get("available") else max(1, int(data.get("retry_after") or 0))

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
