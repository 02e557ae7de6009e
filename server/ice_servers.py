"""The ICE servers handed to clients in `welcome`: [ice] stun and turn, with TURN credentials.

TURN credentials follow coturn's `use-auth-secret` scheme (the "TURN REST API"): the username is
"<expiry unix time>:<user id>" and the password is base64(HMAC-SHA1(secret, username)), so
coturn, holding the same `static-auth-secret`, checks them with no call to this server and
refuses them once the expiry has passed. TURN URLs are handed out only with a secret: without
one a client could not authenticate anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from protocol.server_messages import IceServer
from server.settings import Settings


def turn_credential(secret: str, username: str) -> str:
    """coturn's password for `username` under `static-auth-secret` = `secret`."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class IceServers:
    """Makes each user's list of ICE servers; `clock` is wall-clock (Unix) seconds."""

    def __init__(
        self,
        stun: tuple[str, ...] = (),
        turn: tuple[str, ...] = (),
        turn_secret: str | None = None,
        ttl_seconds: int = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ):
        self._stun = stun
        self._turn = turn
        self._secret = turn_secret
        self._ttl = ttl_seconds
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float]) -> IceServers:
        return cls(
            settings.ice_stun,
            settings.ice_turn,
            settings.turn_secret,
            settings.turn_ttl_seconds,
            clock,
        )

    @property
    def turn_withheld(self) -> bool:
        """TURN URLs are configured but never handed out, for want of a secret."""
        return bool(self._turn) and not self._secret

    def for_user(self, user_id: int) -> tuple[IceServer, ...]:
        """STUN as configured, and TURN with credentials good for the configured time."""
        servers = []
        if self._stun:
            servers.append(IceServer(urls=self._stun))
        if self._turn and self._secret:
            username = f"{int(self._clock()) + self._ttl}:{user_id}"
            credential = turn_credential(self._secret, username)
            servers.append(IceServer(urls=self._turn, username=username, credential=credential))
        return tuple(servers)
