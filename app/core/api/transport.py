"""One aiohttp ClientSession to one server: JSON requests, streamed downloads, error answers."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from app.core.api.errors import BAD_RESPONSE, UNREACHABLE, ApiError
from app.core.api.tls_errors import certificate_error
from app.core.downloads import Download, Progress, save_stream
from protocol.version import API_PREFIX

# Keys of an error object that ApiError holds as attributes; the rest goes to `details`.
_ERROR_KEYS = ("code", "message", "fields")
_DOWNLOAD_CHUNK = 64 * 1024

# What aiohttp takes as `ssl=`: True verifies with the system's trust store, a Fingerprint
# accepts exactly the pinned certificate, an SSLContext carries its own trust.
SslOption = ssl.SSLContext | aiohttp.Fingerprint | bool


class Transport:
    """The base of every API area: the server's address, the bearer token, the HTTP session."""

    def __init__(self, base_url: str, *, timeout: float = 15.0, ssl: SslOption = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self.ssl: SslOption = ssl
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Release the connection pool; the client may be used again afterwards."""
        if self._session is not None:
            await self._session.close()
            self._session = None

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
                method, url, json=body, data=data, params=params, headers=headers, ssl=self.ssl
            ) as resp:
                payload = await _read_json(resp)
                if resp.status >= 400:
                    raise _error_from(resp, payload)
                return payload if isinstance(payload, dict) else {}
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise await self._failure(exc) from exc

    async def download(self, path: str, dest: Path, progress: Progress | None = None) -> Download:
        """GET a file and stream it into dest; SaveError when dest cannot be written."""
        url = f"{self.base_url}{API_PREFIX}{path}"
        # No overall limit (a big export may take a while), only on each wait for data.
        timeout = aiohttp.ClientTimeout(total=None, sock_read=self._timeout.total)
        try:
            async with self._client().get(
                url, headers=self._headers(True), timeout=timeout, ssl=self.ssl
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
            raise await self._failure(exc) from exc

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def _failure(self, exc: BaseException) -> ApiError:
        # A certificate problem is not "unreachable": the app asks or warns about it instead.
        return await certificate_error(self.base_url, exc) or self._unreachable(exc)

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
