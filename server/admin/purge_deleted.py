"""`admin purge-deleted`: erase now every account whose deletion grace period has passed."""

from __future__ import annotations

import argparse
import time

from server.admin.command import AdminCommand, AdminContext
from server.privacy.deletion import DAY_SECONDS, purge_due
from server.store.deletion import DeletionStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    grace = context.settings.deletion_grace_days * DAY_SECONDS
    erased = await purge_due(DeletionStore(context.db), context.db, grace, time.time())
    # Signaling sockets a running server holds for them close at its next session check.
    print(f"erased {len(erased)} account(s) whose deletion grace period had passed")
    return 0


COMMAND = AdminCommand(
    "purge-deleted",
    "erase now the accounts pending deletion for longer than the grace period",
    _arguments,
    _run,
)
