"""`admin grant-role` and `admin revoke-role`: staff roles (admin, support, billing)."""

from __future__ import annotations

import argparse
import sys
import time

from server.admin.command import AdminCommand, AdminContext
from server.store.staff import ROLES, StaffStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, metavar="USERNAME", help="the account's username")
    parser.add_argument("--role", required=True, choices=ROLES, help="the staff role")


async def _grant(context: AdminContext, args: argparse.Namespace) -> int:
    granted = await StaffStore(context.db).grant(args.user, args.role, time.time())
    if granted is None:
        print(f"no account with the username {args.user!r}", file=sys.stderr)
        return 1
    print(f"{args.user} {'now has' if granted else 'already had'} the {args.role} role")
    return 0


async def _revoke(context: AdminContext, args: argparse.Namespace) -> int:
    revoked = await StaffStore(context.db).revoke(args.user, args.role)
    if revoked is None:
        print(f"no account with the username {args.user!r}", file=sys.stderr)
        return 1
    print(f"{args.user} {'no longer has' if revoked else 'did not have'} the {args.role} role")
    return 0


GRANT = AdminCommand(
    "grant-role", "give an account a staff role (admin, support or billing)", _arguments, _grant
)
REVOKE = AdminCommand("revoke-role", "take a staff role away from an account", _arguments, _revoke)
COMMANDS: tuple[AdminCommand, ...] = (GRANT, REVOKE)
