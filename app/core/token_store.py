"""Session tokens in the OS keyring, or in memory for this run when no keyring works."""

from __future__ import annotations

import asyncio
import logging

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

SERVICE = "podium"
NO_KEYRING_NOTICE = "No keyring available: you will need to log in again next time."

_log = logging.getLogger(__name__)


def usable_backend(backend: KeyringBackend) -> bool:
    """False for keyring's placeholder backends that cannot keep a secret."""
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


class TokenStore:
    """Keeps one token per server base URL (keyring username = the URL)."""

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._service = service
        self._memory: dict[str, str] = {}
        self._persistent = usable_backend(self._backend)

    @property
    def persistent(self) -> bool:
        """True while tokens survive a restart; False once the keyring has failed us."""
        return self._persistent

    async def load(self, server_url: str) -> str | None:
        """The stored token for this server, if any."""
        if server_url in self._memory:
            return self._memory[server_url]
        if not self._persistent:
            return None
        try:
            # Keyring backends may block on D-Bus or an unlock prompt, so keep them off the loop.
            return await asyncio.to_thread(self._backend.get_password, self._service, server_url)
        except Exception as exc:
            self._give_up(exc)
            return None

    async def save(self, server_url: str, token: str) -> None:
        """Remember the token, in the keyring when possible."""
        if self._persistent:
            try:
                await asyncio.to_thread(
                    self._backend.set_password, self._service, server_url, token
                )
                self._memory.pop(server_url, None)
                return
            except Exception as exc:
                self._give_up(exc)
        self._memory[server_url] = token

    async def delete(self, server_url: str) -> None:
        """Forget the token for this server everywhere we may have kept it."""
        self._memory.pop(server_url, None)
        if not self._persistent:
            return
        try:
            await asyncio.to_thread(self._backend.delete_password, self._service, server_url)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing was stored
        except Exception as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        # Any backend can fail at run time (locked, no D-Bus); fall back rather than crash.
        _log.warning("keyring unusable, keeping session tokens in memory: %s", exc)
        self._persistent = False
