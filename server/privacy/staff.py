"""Staff reads of a user's data: least privilege per role, a stated reason, every read audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from server.accounts.service import Caller
from server.domain_errors import Forbidden, NotFound, invalid_fields
from server.store.accounts import PROFILE_COLUMNS
from server.store.staff import AuditEntry, StaffStore

REASON_MIN = 3
REASON_MAX = 500
# Ids are SQLite integers; anything larger cannot name a row.
MAX_ID = 2**63 - 1

# Field shown → the users column it comes from. "account_state" (active or pending_deletion) is
# derived from deletion_requested_at; "state" is the profile's (postal) state.
_SUPPORT = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "username": "username",
    "account_state": "deletion_requested_at",
}
_BILLING = {
    "first_name": "first_name",
    "last_name": "last_name",
    "billing_address": "billing_address",
}
_ADMIN = {
    **{column: column for column in PROFILE_COLUMNS},
    "created_at": "created_at",
    "account_state": "deletion_requested_at",
}
ROLE_FIELDS: dict[str, dict[str, str]] = {"support": _SUPPORT, "billing": _BILLING, "admin": _ADMIN}


def fields_for(roles: frozenset[str]) -> dict[str, str]:
    """The union of what each of the roles needs, in a stable order."""
    fields: dict[str, str] = {}
    for role in sorted(roles):
        fields.update(ROLE_FIELDS.get(role, {}))
    return fields


def forbidden() -> Forbidden:
    return Forbidden("this needs a staff role")


def account_state(deletion_requested_at: object) -> str:
    return "active" if deletion_requested_at is None else "pending_deletion"


class StaffService:
    def __init__(self, store: StaffStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def require_role(self, caller: Caller, role: str) -> None:
        if role not in await self._store.roles_of(caller.user_id):
            raise Forbidden(f"this needs the {role} role")

    async def read_user(self, caller: Caller, subject_id: str, reason: object) -> dict[str, Any]:
        """What the caller's roles allow them to see of one user; the read is audited."""
        if not await self._store.roles_of(caller.user_id):
            raise forbidden()
        if not isinstance(reason, str) or not REASON_MIN <= len(reason.strip()) <= REASON_MAX:
            raise invalid_fields(
                {"reason": f"say why you need this, in {REASON_MIN} to {REASON_MAX} characters"}
            )
        subject = int(subject_id) if subject_id.isdigit() else 0
        if not 0 < subject <= MAX_ID:
            raise _not_found()
        read = await self._store.read_user(
            caller.user_id, subject, reason.strip(), fields_for, self._clock()
        )
        if not read.roles:
            raise forbidden()  # the role went away between the two reads
        if read.values is None:
            raise _not_found()
        values = dict(read.values)
        if "account_state" in values:
            values["account_state"] = account_state(values["account_state"])
        return {"id": subject, "roles": sorted(read.roles), "fields": values}

    async def audit_of(self, caller: Caller) -> list[AuditEntry]:
        return await self._store.audit_of(caller.user_id)


def _not_found() -> NotFound:
    return NotFound("no such user")


def audit_json(entry: AuditEntry, iso: Callable[[float], str]) -> Mapping[str, Any]:
    return {
        "at": iso(entry.at),
        "staff_username": entry.staff_username,
        "staff_roles": list(entry.staff_roles),
        "reason": entry.reason,
        "fields": list(entry.fields),
    }
