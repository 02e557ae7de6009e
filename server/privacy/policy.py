"""Privacy policy versions: publishing (mailed to every member), the one in force, acceptance.

A version takes effect at its effective date. Before then it is "upcoming" and the app shows a
notice; after it, a user who has not accepted it (or a later one) must accept it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlcipher3

from server.errors import validation_failed
from server.mail.outbox import Outbox, compose
from server.store.database import Database
from server.store.outbox import all_recipients, insert_mail
from server.store.policies import (
    PolicyRecord,
    insert_policy,
    latest_accepted_policy,
    mark_policy_announced,
    policy_by_version,
    policy_in_force,
    record_acceptance,
    upcoming_policy,
)

MAX_VERSION = 64
MAX_SUMMARY = 20_000
ACCEPT_SOURCES = ("app", "web")


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


def _order(policy: PolicyRecord) -> tuple[float, float]:
    return policy.effective_at, policy.published_at


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
    def __init__(self, db: Database, outbox: Outbox, clock: Callable[[], float]):
        self._db = db
        self._outbox = outbox
        self._clock = clock

    async def public(self) -> tuple[PolicyRecord | None, PolicyRecord | None]:
        """(the version in force, the next one to take effect)."""
        now = self._clock()
        return await self._db.run(
            lambda conn: (policy_in_force(conn, now), upcoming_policy(conn, now))
        )

    async def for_user(self, user_id: int) -> UserPolicy:
        now = self._clock()
        return await self._db.run(lambda conn: self._user_policy(conn, user_id, now))

    @staticmethod
    def _user_policy(conn: sqlcipher3.Connection, user_id: int, now: float) -> UserPolicy:
        current = policy_in_force(conn, now)
        accepted = latest_accepted_policy(conn, user_id)
        return UserPolicy(
            current, accepted, _must_accept(current, accepted), upcoming_policy(conn, now)
        )

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
            raise validation_failed(errors)
        assert isinstance(version, str)
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> UserPolicy | None:
            if policy_by_version(conn, version) is None:
                return None
            record_acceptance(conn, user_id, version, now, str(source))
            return self._user_policy(conn, user_id, now)

        result = await self._db.run(work)
        if result is None:
            raise validation_failed({"version": "no such published policy version"})
        return result

    async def record_registration(self, user_id: int) -> None:
        """A new account accepts the version in force when it registers (if there is one)."""
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> None:
            current = policy_in_force(conn, now)
            if current is not None:
                record_acceptance(conn, user_id, current.version, now, "registration")

        await self._db.run(work)

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
        now = self._clock()

        def work(conn: sqlcipher3.Connection) -> int:
            if not insert_policy(conn, version, effective_at, summary, now):
                raise PolicyError(f"version {version} is already published")
            policy = PolicyRecord(version, effective_at, summary, now, now)
            recipients = all_recipients(conn)
            for recipient in recipients:
                mail = compose(
                    user_id=recipient.user_id,
                    recipient=recipient.email,
                    subject=f"Privacy policy change on {effective_label(effective_at)}",
                    body=_announcement(recipient.first_name, policy),
                    essential=True,
                )
                insert_mail(conn, mail, now)
            mark_policy_announced(conn, version, now)
            return len(recipients)

        count = await self._db.run(work)
        self._outbox.wake()
        return count
