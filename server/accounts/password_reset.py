"""Forgotten passwords: an e-mailed single-use link, valid 30 minutes, that sets a new password.

Asking gives nobody a tell: the answer is the same whether or not the login names an account,
and both paths do the same work (a token and its e-mail are made and written either way; for a
login that names no account the writes are undone in the same transaction). Requests are
limited per client address (refused with 429, which says nothing about any account) and per
account (further links are silently not sent, so nobody can flood a mailbox). Using a link sets
the password, spends every open link of the account and ends all its sessions; their sockets are
closed at once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from server.accounts.address_rate import AddressRate
from server.accounts.passwords import PasswordHashing, PasswordRules
from server.accounts.service import hash_token
from server.accounts.session_end import SessionEnd, SessionEnds
from server.domain_errors import DomainError, Gone, NotFound, Throttled, invalid_fields
from server.mail.outbox import Outbox, compose
from server.store.accounts import AccountStore, UserRecord
from server.store.outbox import NewMail
from server.store.password_resets import PasswordResetStore, ResetState

LINK_SECONDS = 30 * 60.0
PER_ADDRESS = 10  # requests per address per window (one household, a few tries each)
PER_ACCOUNT = 3  # links mailed per account per window; more are quietly not sent
WINDOW_SECONDS = 3600.0
MAX_LOGIN = 320
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def _digest(token: str) -> bytes | None:
    return hash_token(token) if _TOKEN_SHAPE.fullmatch(token) else None


def reset_path(token: str) -> str:
    return f"/reset/{token}"


async def handed_over_link(
    store: PasswordResetStore, user_id: int, base_url: str, now: float
) -> str:
    """A fresh link for an account, given to its operator instead of mailed (admin reset-link)."""
    token = secrets.token_urlsafe(32)
    await store.create(user_id, hash_token(token), now, now + LINK_SECONDS, None)
    return f"{base_url}{reset_path(token)}"


def _mail_body(first_name: str, link: str, base_url: str) -> str:
    return (
        f"Hello {first_name},\n\n"
        f"Someone (we hope you) asked to reset the password of your account on the Podium server "
        f"at {base_url}. To choose a new password, open this link:\n\n"
        f"{link}\n\n"
        "The link works once, for 30 minutes. Setting a new password logs you out everywhere.\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
    )


@dataclass(frozen=True)
class ResetRequest:
    """What a request answers; the same for every login, so it is safe to show."""

    mail: bool  # whether this server can send e-mail at all
    expires_in: int = int(LINK_SECONDS)


def _refusal(state: ResetState) -> DomainError:
    if state is ResetState.EXPIRED:
        return Gone(
            "this password reset link has expired (links work for 30 minutes); ask for a new one",
            "reset_link_expired",
        )
    if state is ResetState.USED:
        return Gone(
            "this password reset link has been used already (each works once); ask for a new one "
            "if you need to",
            "reset_link_used",
        )
    return NotFound("there is no such password reset link", "reset_link_unknown")


class PasswordResets:
    def __init__(
        self,
        store: PasswordResetStore,
        accounts: AccountStore,
        outbox: Outbox,
        rules: PasswordRules,
        hashing: PasswordHashing,
        session_ends: SessionEnds,
        clock: Callable[[], float],
        *,
        mail: bool,
    ):
        self._store = store
        self._accounts = accounts
        self._outbox = outbox
        self._rules = rules
        self._hashing = hashing
        self._session_ends = session_ends
        self._clock = clock
        self._mail = mail
        message = "too many password reset requests from this address; try again later"
        self._per_address = AddressRate(
            PER_ADDRESS, WINDOW_SECONDS, clock, code="too_many_resets", message=message
        )
        # Keyed "account:ID": AddressRate counts any key that is not an IP address as it is.
        self._per_account = AddressRate(
            PER_ACCOUNT, WINDOW_SECONDS, clock, code="too_many_resets", message=message
        )

    @property
    def mail(self) -> bool:
        return self._mail

    async def request(self, login: object, address: str | None, base_url: str) -> ResetRequest:
        """Mail a link to the account `login` names, if any; the answer never says which."""
        if not isinstance(login, str) or not login.strip() or len(login) > MAX_LOGIN:
            raise invalid_fields({"login": "required: your username or e-mail address"})
        self._per_address.check(address)
        self._per_address.count(address)
        token = secrets.token_urlsafe(32)
        digest = hash_token(token)
        user = await self._accounts.user_by_login(login.strip())
        link = f"{base_url}{reset_path(token)}"
        mail = _reset_mail(user, link, base_url)
        if not self._mail:
            return ResetRequest(False)  # nothing can reach anyone: nothing is stored
        now = self._clock()
        if user is not None and self._account_may_ask(user.id):
            await self._store.create(user.id, digest, now, now + LINK_SECONDS, mail)
            self._outbox.wake()
        else:
            await self._store.rehearse(digest, now, now + LINK_SECONDS, mail)
        return ResetRequest(True)

    def _account_may_ask(self, user_id: int) -> bool:
        key = f"account:{user_id}"
        try:
            self._per_account.check(key)
        except Throttled:
            return False
        self._per_account.count(key)
        return True

    async def check(self, token: str) -> None:
        """Nothing if the link can be used now; else the domain error that says why not."""
        digest = _digest(token)
        found = None if digest is None else await self._store.find(digest, self._clock())
        if found is None or found.state is not ResetState.READY:
            raise _refusal(ResetState.UNKNOWN if found is None else found.state)

    async def reset(self, token: str, password: object) -> int:
        """Set the new password with an open link; returns the account's id."""
        digest = _digest(token)
        found = None if digest is None else await self._store.find(digest, self._clock())
        if found is None or found.state is not ResetState.READY or found.user_id is None:
            raise _refusal(ResetState.UNKNOWN if found is None else found.state)
        user = await self._accounts.user_by_id(found.user_id)
        if user is None:
            raise _refusal(ResetState.UNKNOWN)
        if password is None or password == "":
            raise invalid_fields({"password": "required"})
        problem = self._rules.problem(password, (user.profile["email"], user.profile["username"]))
        if problem:
            raise invalid_fields({"password": problem})
        assert isinstance(password, str)  # PasswordRules.problem refused anything else
        new_hash = await self._hashing.hash(password)
        assert digest is not None
        used = await self._store.use(digest, new_hash, self._clock())
        if used.state is not ResetState.READY:  # spent by a request that raced this one
            raise _refusal(used.state)
        self._session_ends.account_ended(user.id, SessionEnd.PASSWORD_CHANGED)
        return user.id


def _reset_mail(user: UserRecord | None, link: str, base_url: str) -> NewMail:
    """The e-mail, composed whether or not there is an account (so both paths cost the same)."""
    profile = user.profile if user is not None else {}
    return compose(
        user_id=user.id if user is not None else None,
        recipient=profile.get("email") or "nobody@podium.invalid",
        subject="Reset your Podium password",
        body=_mail_body(profile.get("first_name") or "there", link, base_url),
        essential=True,  # it answers the user's own request
    )
