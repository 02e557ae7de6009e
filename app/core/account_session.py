"""The logged-in member's session: an API client for the current server plus its stored token."""

from __future__ import annotations

from collections.abc import Callable

from app.core.api import ApiClient, ApiError, FieldSpec, Profile
from app.core.token_store import TokenStore

UNAUTHORIZED = 401


class AccountSession:
    """Log in, restore, log out; keeps the token in the TokenStore under the server's URL."""

    def __init__(
        self, tokens: TokenStore, client_factory: Callable[[str], ApiClient] = ApiClient
    ) -> None:
        self._tokens = tokens
        self._client_factory = client_factory
        self._api: ApiClient | None = None
        self._token_key = ""
        self._fields: list[FieldSpec] | None = None

    @property
    def api(self) -> ApiClient:
        """The client for the current server; connect() first."""
        if self._api is None:
            raise RuntimeError("AccountSession.connect() has not been called")
        return self._api

    @property
    def base_url(self) -> str | None:
        """The current server's base URL."""
        return self._api.base_url if self._api else None

    @property
    def tokens_persistent(self) -> bool:
        """False when tokens only last until the app quits."""
        return self._tokens.persistent

    @property
    def logged_in(self) -> bool:
        """True while we hold a token (it may still have expired on the server)."""
        return bool(self._api and self._api.token)

    async def connect(self, base_url: str, token_key: str | None = None) -> None:
        """Switch to a server; its token is kept under token_key (default: the base URL)."""
        await self.close()
        self._api = self._client_factory(base_url)
        self._token_key = token_key or self._api.base_url

    async def close(self) -> None:
        """Release the HTTP client."""
        api, self._api = self._api, None
        self._fields = None
        if api is not None:
            await api.close()

    async def account_fields(self) -> list[FieldSpec]:
        """The server's account fields, fetched once per server."""
        if self._fields is None:
            self._fields = await self.api.account_fields()
        return self._fields

    async def restore(self) -> Profile | None:
        """Reuse a stored token; the profile if it still works, else None (token dropped)."""
        api = self.api
        token = await self._tokens.load(self._token_key)
        if not token:
            return None
        api.token = token
        try:
            return await api.me()
        except ApiError as exc:
            if exc.status != UNAUTHORIZED:
                raise
            await self.forget()
            return None

    async def login(self, login: str, password: str) -> Profile:
        """Open a session, store its token and return the member's profile."""
        api = self.api
        session = await api.login(login, password)
        await self._tokens.save(self._token_key, session.token)
        return await api.me()

    async def logout(self) -> None:
        """End the session on the server (if reachable) and forget the token regardless."""
        try:
            if self.logged_in:
                await self.api.logout()
        except ApiError as exc:
            if exc.status != UNAUTHORIZED:
                raise
        finally:
            await self.forget()

    async def forget(self) -> None:
        """Drop the token locally, e.g. after the server said it expired."""
        if self._api is not None:
            self._api.token = None
            await self._tokens.delete(self._token_key)
