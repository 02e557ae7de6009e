"""`admin reset-link USER`: print a single-use password reset link instead of e-mailing it.

For a server without a mail relay (the app's bundled server has none): the operator hands the
link to the member, who opens it and sets a new password; it works once, for 30 minutes.
"""

from __future__ import annotations

import argparse
import sys
import time

from server.accounts.password_reset import handed_over_link
from server.admin.command import AdminCommand, AdminContext
from server.mail.links import configured_base_url
from server.store.accounts import AccountStore
from server.store.password_resets import PasswordResetStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("user", metavar="USER", help="the account's username or e-mail address")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the server's address as the member's browser reaches it (default: [server] "
        "public_url, else the host and port of the settings; give it for the app's bundled "
        "server, whose port is chosen at each start)",
    )


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    user = await AccountStore(context.db).user_by_login(args.user.strip())
    if user is None:
        print(f"no account with the username or e-mail address {args.user!r}", file=sys.stderr)
        return 1
    base = (args.base_url or configured_base_url(context.settings)).rstrip("/")
    if not base.startswith(("http://", "https://")) or any(c in base for c in " <>\r\n"):
        print(f"not an http(s) address: {base!r}", file=sys.stderr)
        return 2
    link = await handed_over_link(PasswordResetStore(context.db), user.id, base, time.time())
    print(link)
    print(
        f"give this link to {user.profile['username']} only: it sets a new password for the "
        "account, works once, for 30 minutes, and logs the account out everywhere",
        file=sys.stderr,
    )
    if not args.base_url and not context.settings.public_url:
        print(f"note: [server] public_url is not set; the link points at {base}", file=sys.stderr)
    return 0


COMMAND = AdminCommand(
    "reset-link",
    "print a single-use password reset link for an account (when mail cannot reach it)",
    _arguments,
    _run,
)
