"""ApiClient: every area of the REST API on one object sharing one session and token."""

from __future__ import annotations

from typing import Any

from app.core.api.accounts import AccountsApi
from app.core.api.contacts import ContactsApi
from app.core.api.guests import GuestsApi
from app.core.api.meetings import MeetingsApi
from app.core.api.privacy import PrivacyApi
from app.core.api.sharing import SharingApi


class ApiClient(AccountsApi, MeetingsApi, PrivacyApi, SharingApi, ContactsApi, GuestsApi):
    """Talks to one Podium server; holds the bearer token of the logged-in member."""

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def health(self) -> dict[str, Any]:
        """GET /health."""
        return await self._request("GET", "/health", auth=False)
