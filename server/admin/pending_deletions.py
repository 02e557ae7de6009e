"""`admin pending-deletions`: the accounts waiting out their deletion grace period."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from server.admin.command import AdminCommand, AdminContext
from server.privacy.deletion import DAY_SECONDS
from server.store.deletion import DeletionStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def _when(timestamp: float) -> str:
    return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M} UTC"


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    grace = context.settings.deletion_grace_days * DAY_SECONDS
    pending = await DeletionStore(context.db).pending()
    if not pending:
        print("no account is pending deletion")
        return 0
    # The username is enough for an operator to tell accounts apart; no name or e-mail is shown.
    print(f"{'id':>8}  {'username':<32}  {'requested':<20}  erase after")
    for request in pending:
        print(
            f"{request.user_id:>8}  {request.username:<32}  {_when(request.requested_at):<20}"
            f"  {_when(request.requested_at + grace)}"
        )
    return 0


COMMAND = AdminCommand(
    "pending-deletions",
    "list the accounts pending deletion (id, username, when requested, when erased)",
    _arguments,
    _run,
)
