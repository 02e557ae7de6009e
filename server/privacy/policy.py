"""Privacy policy versions: publishing (mailed to every member), the one in force, acceptance.

A version takes effect at its effective date. Before then it is "upcoming" and the app shows a
notice; after it, a user who has not accepted it (or a later one) must accept it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.domain_errors import invalid_fields
from server.mail.outbox import Outbox, compose
from server.store.outbox import NewMail, Recipient
from server.store.policies import PolicyRecord, PolicyStore, UserPolicyRecords

MAX_VERSION = 64
MAX_SUMMARY = 20_000
ACCEPT_SOURCES = ("app", "web")
DEFAULT_VERSION = "1"  # of the policy bundled in resources/privacy-policy.txt


class PolicyError(ValueError):
    """A version cannot be published; the message says why."""


@dataclass(frozen=True)
class UserPolicy:
    current: PolicyRecord | None
    accepted: PolicyRecord | None
    must_accept: bool
    upcoming: PolicyRecord | None


def effective_label(effective_at: float) -> str:
    """'2027-02-01' for midnight UTC, else '2027-02-01 12:00 UTC'."""
    moment = datetime.fromtimestamp(effective_at, UTC)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _order(policy: PolicyRecord) -> tuple[bool, float, float]:
    # Any published version outranks the bundled default, whatever the dates say.
    return not policy.bundled, policy.effective_at, policy.published_at


def _must_accept(current: PolicyRecord | None, accepted: PolicyRecord | None) -> bool:
    # Accepting a later version (early) covers the one in force.
    return current is not None and (accepted is None or _order(accepted) < _order(current))


def _announcement(first_name: str, policy: PolicyRecord) -> str:
    return (
        f"Hello {first_name},\n\n"
        f"The privacy policy of this Podium server changes. Version {policy.version} takes effect "
        f"on {effective_label(policy.effective_at)}. What changes:\n\n"
        f"{policy.summary.strip()}\n\n"
        "The Podium app shows the new version now, and asks you to accept it once it is in "
        "effect.\n\n"
        "This is a service message about your account: it goes to every member.\n"
    )


class PolicyService:
    def __init__(self, store: PolicyStore, outbox: Outbox, clock: Callable[[], float]):
        self._store = store
        self._outbox = outbox
        self._clock = clock

    async def public(self) -> tuple[PolicyRecord | None, PolicyRecord | None]:
        """(the version in force, the next one to take effect)."""
        return await self._store.public(self._clock())

    async def for_user(self, user_id: int) -> UserPolicy:
        return _user_policy(await self._store.for_user(user_id, self._clock()))

    async def accept(self, user_id: int, data: Mapping[str, Any]) -> UserPolicy:
        """Record acceptance of a published version (`{version, source?}`); unknown ones are 422."""
        errors = {name: "unknown field" for name in data if name not in ("version", "source")}
        version = data.get("version")
        if not isinstance(version, str) or not version or len(version) > MAX_VERSION:
            errors["version"] = "required: a published policy version"
        source = data.get("source", "app")
        if source not in ACCEPT_SOURCES:
            errors["source"] = "must be app or web"
        if errors:
            raise invalid_fields(errors)
        assert isinstance(version, str)
        records = await self._store.accept(user_id, version, self._clock(), str(source))
        if records is None:
            raise invalid_fields({"version": "no such published policy version"})
        return _user_policy(records)

    async def install_default(self, text: str) -> bool:
        """On a server with no policy yet, put the bundled one (version 1) in force; True if so."""
        return await self._store.install_default(DEFAULT_VERSION, text.strip(), self._clock())

    async def check_registration(self, version: object) -> None:
        """A version sent with a registration must be the one in force (422 if not)."""
        if version is None:
            return
        current, _ = await self._store.public(self._clock())
        if current is None or version != current.version:
            shown = f"version {current.version}" if current else "none"
            raise invalid_fields(
                {"policy_version": f"not the privacy policy in force ({shown}); read that one"}
            )

    async def record_registration(self, user_id: int, version: str | None = None) -> None:
        """A new account accepts the version it was shown, else the one in force (if any)."""
        if isinstance(version, str):
            await self._store.accept(user_id, version, self._clock(), "registration")
        else:
            await self._store.accept_in_force(user_id, self._clock(), "registration")

    async def publish(self, version: str, effective_at: float, summary: str) -> int:
        """Store a new version and mail every member about it; returns how many were mailed."""
        version = version.strip()
        summary = summary.strip()
        if not version or len(version) > MAX_VERSION or not version.isprintable():
            raise PolicyError(f"the version must be 1 to {MAX_VERSION} printable characters")
        if not summary:
            raise PolicyError("the summary is empty")
        if len(summary) > MAX_SUMMARY:
            raise PolicyError(f"the summary is longer than {MAX_SUMMARY} characters")
        count = await self._store.publish(
            version, effective_at, summary, self._clock(), _announcement_mail
        )
        if count is None:
            raise PolicyError(f"version {version} is already published")
        self._outbox.wake()
        return count


def _user_policy(records: UserPolicyRecords) -> UserPolicy:
    current, accepted = records.current, records.accepted
    return UserPolicy(current, accepted, _must_accept(current, accepted), records.upcoming)


def _announcement_mail(recipient: Recipient, policy: PolicyRecord) -> NewMail:
    return compose(
        user_id=recipient.user_id,
        recipient=recipient.email,
        subject=f"Privacy policy change on {effective_label(policy.effective_at)}",
        body=_announcement(recipient.first_name, policy),
        essential=True,
    )
